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
 * Creates the topics that do not exist yet (existing ones are left as they are).
 * @param {{brokers: string[], topics: string[], partitions: number, timeoutMs?: number}} o
 * @returns {Promise<string[]>} the topics created now
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
    if (missing.length) {
      await admin.createTopics({
        waitForLeaders: true,
        timeout: o.timeoutMs ?? 30_000,
        topics: missing.map((topic) => ({ topic, numPartitions: o.partitions, replicationFactor: 1 })),
      });
    }
    return missing;
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

module.exports = { CONTRACT_TOPICS, contractTopicNames, createTopics, createContractTopics };
