/**
 * A world for one ingest scenario: its own topics (prefix) and database, on the shared servers
 * or on dedicated ones, the seed catalogue imported, and the environment the apps get.
 */
import type { TopicRole } from '@iw/config';
import { connectMongo, dlqOf, type Connection } from '@iw/mongo';
import { createTestTopics, deleteTestTopics, dropTestDatabase, testMongoUrl, testTopicPrefix } from '@iw/testing';
import { groupId, importSeed, waitForDrain } from '../../integration/ingest/harness';

export interface IngestWorld {
  brokers: string[];
  mongoUrl: string;
  prefix: string;
  group: string;
  topics: Record<TopicRole, string>;
  actualsTopics: string[];
  conn: Connection;
  /** What ingest needs to join this world. */
  env: Record<string, string>;
  drain(timeoutMs?: number): Promise<void>;
  dlqCount(): Promise<number>;
  teardown(): Promise<void>;
}

/**
 * `brokers`/`mongoBase` default to the shared servers. The test helpers of test/support read
 * KAFKA_BROKERS from the environment, so it is set for this spec file (jest gives each file its
 * own copy of process.env).
 */
export async function createIngestWorld(
  o: { brokers?: string; mongoBase?: string; partitions?: number } = {},
): Promise<IngestWorld> {
  if (o.brokers) process.env.KAFKA_BROKERS = o.brokers;
  const brokers = (process.env.KAFKA_BROKERS || '127.0.0.1:9092').split(',');
  const mongoUrl = testMongoUrl(o.mongoBase);
  const prefix = testTopicPrefix();
  const topics = await createTestTopics(prefix, o.partitions ?? 4);
  await importSeed(mongoUrl);
  const conn = await connectMongo(mongoUrl);
  const group = groupId();
  const actualsTopics = [topics.inspectionBatches, topics.cases, topics.surveys, topics.spending, topics.measurements];
  return {
    brokers,
    mongoUrl,
    prefix,
    group,
    topics,
    actualsTopics,
    conn,
    env: { MONGO_URL: mongoUrl, KAFKA_TOPIC_PREFIX: prefix, IW_INGEST_GROUP: group, KAFKA_BROKERS: brokers.join(',') },
    drain: (timeoutMs = 300_000) => waitForDrain(group, actualsTopics, timeoutMs),
    dlqCount: () => dlqOf(conn).countDocuments(),
    async teardown() {
      await conn.close().catch(() => undefined);
      if (process.env.IW_FAULTS_KEEP) {
        process.stdout.write(`\n[faults] IW_FAULTS_KEEP: kept ${mongoUrl} and topics ${prefix}* (group ${group})\n`);
        return;
      }
      await deleteTestTopics(prefix).catch(() => undefined);
      await dropTestDatabase(mongoUrl).catch(() => undefined);
    },
  };
}
