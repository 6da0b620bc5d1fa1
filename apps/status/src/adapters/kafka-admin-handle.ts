import { Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { KafkaAdmin, KafkaClient, type PartitionLag } from '@iw/kafka';
import { withTimeout } from './mongo-handle';

/**
 * A Kafka admin client connected on first use and replaced after a failure, so the status app
 * starts (and says "Kafka is down") while the broker is away. Every call is time-bound: a
 * readiness probe must answer even when the broker does not.
 */
@Injectable()
export class KafkaAdminHandle implements OnApplicationShutdown {
  private admin: Promise<KafkaAdmin> | null = null;

  constructor(private readonly client: KafkaClient) {}

  private connected(): Promise<KafkaAdmin> {
    if (!this.admin) {
      const admin = new KafkaAdmin(this.client);
      this.admin = admin.connect().then(() => admin);
      this.admin.catch(() => undefined);
    }
    return this.admin;
  }

  private async use<T>(fn: (a: KafkaAdmin) => Promise<T>, timeoutMs: number, what: string): Promise<T> {
    const pending = this.admin;
    try {
      return await withTimeout(this.connected().then(fn), timeoutMs, `Kafka did not answer (${what})`);
    } catch (e) {
      // Start afresh next time; the old client is let go in the background.
      const stale = this.admin ?? pending;
      this.admin = null;
      void stale?.then((a) => a.disconnect()).catch(() => undefined);
      throw e;
    }
  }

  ping(timeoutMs: number): Promise<{ brokers: number; controller: number | null }> {
    return this.use((a) => a.ping(), timeoutMs, 'describe cluster');
  }

  topics(timeoutMs: number): Promise<string[]> {
    return this.use((a) => a.listTopics(), timeoutMs, 'list topics');
  }

  lag(groupId: string, topics: string[], timeoutMs: number): Promise<PartitionLag[]> {
    return this.use((a) => a.lag(groupId, topics), timeoutMs, `offsets of ${groupId}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const admin = this.admin;
    this.admin = null;
    await admin?.then((a) => a.disconnect()).catch(() => undefined);
  }
}
