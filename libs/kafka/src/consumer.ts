import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { KafkaClient } from './client';
import { nextOffset } from './offsets';
import type { BatchControl, BatchHandler, InboundBatch, InboundMessage } from './types';

export interface BatchConsumerOptions {
  groupId: string;
  topics: string[];
  /** Where a group without committed offsets starts. Default true: an actual is never skipped. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** Partitions handled at the same time; order is kept within each partition. Default 1. */
  partitionsConsumedConcurrently?: number;
  maxBytesPerPartition?: number;
  /** Bytes one fetch may bring back over all partitions (kafkajs default 10 MiB). */
  maxBytes?: number;
  /**
   * How long a fetch waits on the broker for new messages. Also bounds how long `stop()` waits
   * for the fetch in flight, hence 1 s rather than kafkajs's 5 s.
   */
  maxWaitTimeMs?: number;
  /**
   * Called when kafkajs gives up on the consumer for good (a crash it will not restart from).
   * The member then consumes nothing any more, so the owner should fail loudly.
   */
  onFatal?: (error: Error) => void;
}

/**
 * A consumer-group member that hands whole batches to a handler and commits a batch's offsets
 * only after the handler resolved, i.e. after its effects are durable. Nothing is committed on
 * a timer (autoCommit off), so a crash between "effects written" and "commit" redelivers the
 * batch: handlers must be idempotent (the event id is the idempotency key).
 *
 * When the handler throws, offsets it resolved are committed, the error goes to kafkajs, which
 * retries with backoff from the first unresolved message (and restarts the consumer if the
 * retries run out).
 */
export class BatchConsumer {
  private readonly consumer: Consumer;
  private state: 'idle' | 'connected' | 'running' | 'stopped' = 'idle';

  constructor(
    client: KafkaClient,
    readonly options: BatchConsumerOptions,
  ) {
    this.consumer = client.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: options.sessionTimeoutMs ?? 30_000,
      heartbeatInterval: options.heartbeatIntervalMs ?? 3_000,
      maxBytesPerPartition: options.maxBytesPerPartition,
      ...(options.maxBytes !== undefined ? { maxBytes: options.maxBytes } : {}),
      maxWaitTimeInMs: options.maxWaitTimeMs ?? 1000,
      // Join quickly in a one-broker setup; harmless elsewhere.
      rebalanceTimeout: 30_000,
    });
  }

  /** Connects without subscribing: an app can hold a live group connection before it has handlers. */
  async connect(): Promise<void> {
    if (this.state !== 'idle') return;
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart && this.state === 'running') this.options.onFatal?.(payload.error);
    });
    await this.consumer.connect();
    this.state = 'connected';
  }

  async start(handler: BatchHandler): Promise<void> {
    await this.connect();
    if (this.state !== 'connected') throw new Error(`consumer ${this.options.groupId} is ${this.state}`);
    await this.consumer.subscribe({ topics: this.options.topics, fromBeginning: this.options.fromBeginning ?? true });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently ?? 1,
      eachBatch: (payload) => this.eachBatch(payload, handler),
    });
    this.state = 'running';
  }

  private async eachBatch(payload: EachBatchPayload, handler: BatchHandler): Promise<void> {
    const { batch } = payload;
    // kafkajs passes closures; wrapping them keeps `this` out of the question.
    const isRunning = () => payload.isRunning();
    const isStale = () => payload.isStale();
    const heartbeat = () => payload.heartbeat();
    if (batch.messages.length === 0 || !isRunning() || isStale()) return;
    let resolved: string | undefined;
    const control: BatchControl = {
      heartbeat,
      isStale,
      isRunning,
      resolveOffset: (offset) => {
        payload.resolveOffset(offset);
        resolved = offset;
      },
    };
    const commit = (offset: string) =>
      payload.commitOffsetsIfNecessary({
        topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset: nextOffset(offset) }] }],
      });
    try {
      await handler(toInboundBatch(batch.topic, batch.partition, batch.highWatermark, batch.messages), control);
    } catch (e) {
      if (resolved !== undefined) await commit(resolved);
      throw e;
    }
    control.resolveOffset(batch.lastOffset());
    await commit(batch.lastOffset());
    await heartbeat();
  }

  /** Lets the batch in hand finish, leaves the group, closes connections. Idempotent. */
  async stop(): Promise<void> {
    if (this.state === 'stopped' || this.state === 'idle') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    await this.consumer.disconnect();
  }
}

export function toInboundBatch(
  topic: string,
  partition: number,
  highWatermark: string,
  messages: KafkaMessage[],
): InboundBatch {
  return {
    topic,
    partition,
    highWatermark,
    messages: messages.map((m): InboundMessage => ({
      topic,
      partition,
      offset: m.offset,
      key: m.key ?? null,
      value: m.value ?? null,
      timestamp: m.timestamp,
      headers: Object.fromEntries(
        Object.entries(m.headers ?? {}).map(([k, v]) => [
          k,
          v === undefined ? undefined : Array.isArray(v) ? v.map(String).join(',') : String(v),
        ]),
      ),
    })),
  };
}
