/**
 * The shapes the rest of the code sees instead of kafkajs's, so the client can be swapped
 * (kafkajs has had no release since 2023).
 */

/** Connection settings: the `kafka` part of AppConfig, minus what only apps need. */
export interface KafkaClientConfig {
  brokers: string[];
  clientId: string;
  ssl: boolean;
  /** With ssl: a CA to trust, a client certificate + key (PEM contents), whether to verify the broker. */
  tls?: { ca?: string; cert?: string; key?: string; rejectUnauthorized: boolean };
  sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
}

export interface OutboundMessage {
  /** Messages with the same key keep their order within a partition. */
  key: string | null;
  value: string | Buffer;
  headers?: Record<string, string>;
}

export interface InboundMessage {
  topic: string;
  partition: number;
  /** Offsets are 64-bit; kept as decimal strings. */
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  headers: Record<string, string | undefined>;
  /** Producer or log-append time, ms since epoch as a string (kafkajs convention). */
  timestamp: string;
}

/** One fetch's worth of messages of one topic-partition, in offset order. */
export interface InboundBatch {
  topic: string;
  partition: number;
  messages: InboundMessage[];
  /** Offset of the next message to be written to the partition (for lag). */
  highWatermark: string;
}

/** What a batch handler may do while it works. */
export interface BatchControl {
  /** Keeps the group membership alive during a long batch. */
  heartbeat(): Promise<void>;
  /**
   * Marks messages up to and including `offset` as done, so that a failure later in the
   * batch commits them and redelivers only the rest.
   */
  resolveOffset(offset: string): void;
  /** True once the batch should be abandoned (partition revoked or seek). */
  isStale(): boolean;
  isRunning(): boolean;
}

/** Resolves only when the batch's effects are durable; the offsets are committed after that. */
export type BatchHandler = (batch: InboundBatch, control: BatchControl) => Promise<void>;

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Next offset the group will read; null when the group never committed on this partition. */
  committed: string | null;
  /** Offset of the next message to be written. */
  end: string;
  /** end − committed (or end − start when nothing was committed), never negative. */
  lag: number;
}

export interface TopicSpec {
  topic: string;
  partitions: number;
  /** Default: as many replicas as the cluster has brokers, up to three (topicReplication). */
  replicationFactor?: number;
  /** Default: 2 with three replicas or more, else 1. */
  minInsyncReplicas?: number;
}
