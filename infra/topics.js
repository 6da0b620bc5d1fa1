// @ts-check
'use strict';
// The contract topics (docs/events.md). Mirrors DEFAULT_TOPICS and the IW_TOPIC_* overrides of
// libs/config, which this pre-build script cannot import; a test keeps the two in step.

const { Kafka, logLevel } = require('kafkajs');

/** Role → default topic name, as in libs/config DEFAULT_TOPICS. */
const CONTRACT_TOPICS = {
  inspectionBatches: 'actuals.inspection-batches',
  cases: 'actuals.cases',
  surveys: 'actuals.surveys',
  spending: 'actuals.spending',
  measurements: 'actuals.measurements',
  dlq: 'actuals.dlq',
  progress: 'indicators.progress',
};

/**
 * The contract topic names with prefix and per-topic overrides applied (same rule as loadConfig).
 * @param {string} prefix
 * @param {Record<string, string | undefined>} [env]
 * @returns {string[]}
 */
function contractTopicNames(prefix, env = {}) {
  return Object.entries(CONTRACT_TOPICS).map(([role, name]) => {
    const override = env[`IW_TOPIC_${role.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}`];
    return prefix + (override || name);
  });
}

/**
 * Replicas of a new topic: as configured, else as many as the cluster has brokers, up to three;
 * min.insync.replicas as configured, else 2 with three replicas or more (one broker may be lost
 * without losing an acknowledged write), 1 below. Mirrors libs/kafka topicReplication.
 * @param {number} brokers brokers in the cluster
 * @param {{replicationFactor?: number, minInsyncReplicas?: number}} configured
 */
function topicReplication(brokers, configured) {
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

/**
 * Creates the topics that do not exist yet (existing ones are left as they are).
 * @param {{brokers: string[], topics: string[], partitions: number, replicationFactor?: number, minInsyncReplicas?: number, timeoutMs?: number}} o
 * @returns {Promise<{topics: string[], replicationFactor: number, minInsyncReplicas: number}>} the topics created now
 */
async function createTopics(o) {
  const kafka = new Kafka({
    clientId: 'iw-infra',
    brokers: o.brokers,
    logLevel: logLevel.NOTHING,
    retry: { retries: 3 },
  });
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = o.topics.filter((t) => !existing.has(t));
    const { brokers } = await admin.describeCluster();
    const r = topicReplication(brokers.length, o);
    if (missing.length) {
      await admin.createTopics({
        // kafkajs waits only while the answer is LEADER_NOT_AVAILABLE; in a cluster the broker it
        // asks may not know the new topic yet (UNKNOWN_TOPIC_OR_PARTITION): we wait below.
        waitForLeaders: false,
        timeout: o.timeoutMs ?? 30_000,
        topics: missing.map((topic) => ({
          topic,
          numPartitions: o.partitions,
          replicationFactor: r.replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: String(r.minInsyncReplicas) }],
        })),
      });
      const deadline = Date.now() + (o.timeoutMs ?? 30_000);
      for (;;) {
        const meta = await admin.fetchTopicMetadata({ topics: missing }).catch((e) => {
          if (Date.now() > deadline) throw e;
          return null;
        });
        if (meta && meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0)))
          break;
        if (Date.now() > deadline) throw new Error(`no leaders for ${missing.join(', ')} after 30 s`);
        await new Promise((res) => setTimeout(res, 200));
      }
    }
    return { topics: missing, ...r };
  } finally {
    await admin.disconnect();
  }
}

/**
 * Creates the contract topics, optionally under a prefix (tests use their own prefix).
 * @param {{brokers: string[], prefix?: string, partitions?: number, env?: Record<string, string | undefined>}} o
 */
function createContractTopics(o) {
  return createTopics({
    brokers: o.brokers,
    topics: contractTopicNames(o.prefix ?? '', o.env),
    partitions: o.partitions ?? 6,
  });
}

module.exports = { CONTRACT_TOPICS, contractTopicNames, topicReplication, createTopics, createContractTopics };
