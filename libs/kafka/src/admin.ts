import type { Admin } from 'kafkajs';
import type { KafkaClient } from './client';
import { computeLag } from './offsets';
import type { PartitionLag, TopicSpec } from './types';

/** A connected admin client with the few operations the apps and tests need. */
export class KafkaAdmin {
  private readonly admin: Admin;
  private connected = false;

  constructor(client: KafkaClient) {
    this.admin = client.kafka.admin();
  }

  async connect(): Promise<void> {
    await this.admin.connect();
    this.connected = true;
  }

  /** Creates the topics that do not exist yet; returns the names created now. */
  async createTopics(specs: TopicSpec[], timeoutMs = 30_000): Promise<string[]> {
    const existing = new Set(await this.admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    await this.admin.createTopics({
      waitForLeaders: true,
      timeout: timeoutMs,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        replicationFactor: s.replicationFactor ?? 1,
      })),
    });
    return missing.map((s) => s.topic);
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length) await this.admin.deleteTopics({ topics: present, timeout: 30_000 });
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  /** Answers when the cluster does: for readiness checks. */
  async ping(): Promise<{ brokers: number; controller: number | null }> {
    const c = await this.admin.describeCluster();
    return { brokers: c.brokers.length, controller: c.controller };
  }

  /** Committed offsets of `groupId` against end offsets, per partition of each topic. */
  async lag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    const committed = await this.admin.fetchOffsets({ groupId, topics });
    const out: PartitionLag[] = [];
    for (const topic of topics) {
      const ends = await this.admin.fetchTopicOffsets(topic);
      const mine = committed.find((c) => c.topic === topic)?.partitions ?? [];
      out.push(
        ...computeLag(
          topic,
          mine,
          ends.map((e) => ({ partition: e.partition, end: e.high, start: e.low })),
        ),
      );
    }
    return out;
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.admin.disconnect();
  }
}
