import type { Consumer } from 'kafkajs';
import type { KafkaClient } from './client';
import { toInboundBatch } from './consumer';
import type { InboundMessage } from './types';

export interface TopicTailOptions {
  /** A group of this reader alone (every reader must see every message). Nothing is committed. */
  groupId: string;
  topics: string[];
  /** Messages as they come, in offset order per partition. */
  onMessages(messages: InboundMessage[]): void;
  /**
   * The tail is positioned (again): every message written to its topics from now on will be
   * handed over. What was written before, or while it was away, was not: a reader rebuilds what
   * it derived from them.
   */
  onPositioned(): void;
  /** The tail stopped following (crash, disconnect, a new join): until onPositioned, messages may be missed. */
  onLost(reason: string): void;
  /** How long a fetch waits on the broker for new messages (default 1 s). */
  maxWaitTimeMs?: number;
}

/** How long `stop` waits for a start under way before it disconnects anyway. */
const STOP_WAIT_MS = 10_000;

/**
 * Follows topics from their end, for a reader that keeps something derived from the store and
 * needs to hear when the store changed (the status app's roll-up): a consumer group of its own
 * that starts at the latest offsets, commits nothing, and says when it is positioned — after
 * its first fetch of a join, the offsets of every assigned partition are resolved — and when it
 * may have missed messages.
 */
export class TopicTail {
  private readonly consumer: Consumer;
  private state: 'idle' | 'running' | 'stopped' = 'idle';
  private joined = false;
  private positioned = false;
  /** The start under way (connect, subscribe, join), which `stop` lets finish first. */
  private starting: Promise<void> | null = null;

  constructor(
    client: KafkaClient,
    readonly options: TopicTailOptions,
  ) {
    this.consumer = client.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 1 << 20,
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1000,
      rebalanceTimeout: 30_000,
    });
    const { events } = this.consumer;
    const lost = (reason: string) => {
      const was = this.positioned || this.joined;
      this.positioned = false;
      this.joined = false;
      if (was) options.onLost(reason);
    };
    this.consumer.on(events.GROUP_JOIN, () => {
      lost('joined its group again');
      this.joined = true;
    });
    this.consumer.on(events.FETCH, () => {
      if (!this.joined || this.positioned) return;
      this.positioned = true;
      options.onPositioned();
    });
    this.consumer.on(events.CRASH, ({ payload }) => lost(`crashed: ${payload.error.message}`));
    this.consumer.on(events.DISCONNECT, () => lost('disconnected'));
    this.consumer.on(events.STOP, () => lost('stopped'));
  }

  /** Whether every message written from now on will be handed over. */
  get following(): boolean {
    return this.positioned;
  }

  /** Connects, joins and starts fetching; resolves before it is positioned (onPositioned says when). */
  async start(): Promise<void> {
    if (this.state !== 'idle') throw new Error(`tail ${this.options.groupId} is ${this.state}`);
    this.state = 'running';
    this.starting = this.begin();
    try {
      await this.starting;
    } finally {
      this.starting = null;
    }
  }

  private async begin(): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: false });
    await this.consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        if (batch.messages.length > 0)
          this.options.onMessages(
            toInboundBatch(batch.topic, batch.partition, batch.highWatermark, batch.messages).messages,
          );
        return Promise.resolve();
      },
    });
  }

  /**
   * Leaves the group and closes its connections. Idempotent. A start under way is let finish
   * first, for STOP_WAIT_MS at most: a disconnect in the middle of a join crashes the consumer,
   * which kafkajs logs as an error and answers by restarting it.
   */
  async stop(): Promise<void> {
    if (this.state === 'stopped') return;
    const was = this.state;
    this.state = 'stopped';
    if (was !== 'running') return;
    if (this.starting) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        this.starting.catch(() => undefined),
        new Promise<void>((resolve) => {
          timer = setTimeout(resolve, STOP_WAIT_MS);
        }),
      ]);
      clearTimeout(timer);
    }
    await this.consumer.disconnect();
  }
}
