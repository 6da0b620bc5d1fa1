/**
 * How many copies a new topic keeps, and how many must have a write before it is acknowledged
 * (producers send with acks=all). The local infra's plain-JavaScript twin is
 * infra/topics.js topicReplication; a test keeps the two equal.
 */
export interface Replication {
  replicationFactor: number;
  minInsyncReplicas: number;
}

/**
 * As configured (KAFKA_REPLICATION_FACTOR, KAFKA_MIN_INSYNC_REPLICAS), else: as many replicas
 * as the cluster has brokers, up to three; two in-sync replicas with three or more (one broker
 * may die without losing an acknowledged write or stopping writes), one below that.
 */
export function topicReplication(
  brokers: number,
  configured: { replicationFactor?: number; minInsyncReplicas?: number } = {},
): Replication {
  const replicationFactor = configured.replicationFactor ?? Math.max(1, Math.min(3, brokers));
  const minInsyncReplicas = configured.minInsyncReplicas ?? Math.min(2, Math.max(1, replicationFactor - 1));
  if (replicationFactor > brokers)
    throw new Error(
      `KAFKA_REPLICATION_FACTOR ${replicationFactor} is more than the ${brokers} broker(s) of the cluster`,
    );
  if (minInsyncReplicas > replicationFactor)
    throw new Error(
      `KAFKA_MIN_INSYNC_REPLICAS ${minInsyncReplicas} is more than the replication factor ${replicationFactor}: no write could succeed`,
    );
  return { replicationFactor, minInsyncReplicas };
}
