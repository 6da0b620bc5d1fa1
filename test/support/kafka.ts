import { DEFAULT_TOPICS, loadConfig, type TopicRole } from '@iw/config';
import { KafkaAdmin, KafkaClient, type KafkaClientConfig } from '@iw/kafka';
import { uniqueId } from './ids';

/** Broker settings the tests use: the same env as the apps (KAFKA_BROKERS etc.). */
export function testKafkaConfig(): KafkaClientConfig {
  const { brokers, clientId, ssl, sasl } = loadConfig(process.env).kafka;
  return { brokers, clientId: `${clientId}-test`, ssl, sasl };
}

/** A topic prefix of its own (`t-<unique>.`), so test files never see each other's messages. */
export function testTopicPrefix(): string {
  return `${uniqueId('t')}.`;
}

/** The contract topic names under `prefix`, by role (as loadConfig with KAFKA_TOPIC_PREFIX gives). */
export function prefixedTopics(prefix: string): Record<TopicRole, string> {
  return Object.fromEntries(Object.entries(DEFAULT_TOPICS).map(([role, name]) => [role, prefix + name])) as Record<
    TopicRole,
    string
  >;
}

async function withAdmin<T>(fn: (admin: KafkaAdmin) => Promise<T>): Promise<T> {
  const admin = new KafkaAdmin(new KafkaClient(testKafkaConfig()));
  await admin.connect();
  try {
    return await fn(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Creates the contract topics under `prefix` and returns their names by role. */
export async function createTestTopics(prefix: string, partitions = 3): Promise<Record<TopicRole, string>> {
  const topics = prefixedTopics(prefix);
  await withAdmin((a) => a.createTopics(Object.values(topics).map((topic) => ({ topic, partitions }))));
  return topics;
}

/** Creates arbitrary topics (e.g. `${prefix}scratch`). */
export function createTopics(names: string[], partitions = 1): Promise<string[]> {
  return withAdmin((a) => a.createTopics(names.map((topic) => ({ topic, partitions }))));
}

/** Deletes every topic whose name starts with `prefix` (a test prefix, never ''). */
export async function deleteTestTopics(prefix: string): Promise<void> {
  if (!prefix) throw new Error('refusing to delete topics without a prefix');
  await withAdmin(async (a) => a.deleteTopics((await a.listTopics()).filter((t) => t.startsWith(prefix))));
}
