import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeMongo, COLLECTIONS, connectMongo, type Connection } from '@iw/mongo';
import {
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  freePort,
  spawnApp,
  testMongoUrl,
  testTopicPrefix,
  type AppProcess,
  uniqueId,
  waitFor,
} from '@iw/testing';

/**
 * The main job as `npm start` runs it (node dist/libs/main-job/src/main.js), on a short replay:
 * imports the catalogue, starts the sink and the three services on one clock, publishes, prints
 * where to look, the pipeline moves (progress written, the malformed event in the DLQ), and
 * Ctrl-C stops everything with exit code 0. A second run on the same database starts clean.
 */

jest.setTimeout(480_000);

const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-main-job-'));
let conn: Connection;
// One consumer group per service for both runs, as `npm start` keeps: a new group would read the topics from the start.
const groups = { IW_INGEST_GROUP: uniqueId('ingest'), IW_ALERTING_GROUP: uniqueId('alerting') };

async function start(): Promise<{ job: AppProcess; statusPort: number }> {
  const [statusPort, smtpPort, metricsIngest, metricsAlerting] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const job = spawnApp({
    entry: 'dist/libs/main-job/src/main.js',
    echo: Boolean(process.env.IW_TEST_ECHO),
    args: ['--until', '2019-01-20', '--speed', '864000', '--seed', '2'],
    env: {
      MONGO_URL: mongoUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '2',
      ...groups,
      IW_STATUS_PORT: String(statusPort),
      IW_PUBLIC_URL: `http://127.0.0.1:${statusPort}`,
      IW_METRICS_PORT_INGEST: String(metricsIngest),
      IW_METRICS_PORT_ALERTING: String(metricsAlerting),
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      IW_LOCAL_DIR: localDir,
      IW_API_TOKENS: '',
    },
  });
  return { job, statusPort };
}

async function stopped(job: AppProcess, statusPort: number): Promise<void> {
  const exit = await job.stop('SIGINT', 90_000);
  expect(exit).toEqual({ code: 0, signal: null });
  expect(job.output()).toMatch(/stopping the services …[\s\S]*stopped\.\s*$/);
  // Nothing it started is left listening.
  await expect(fetch(`http://127.0.0.1:${statusPort}/health/live`)).rejects.toThrow();
}

beforeAll(async () => {
  ensureBuilt();
  conn = await connectMongo(mongoUrl);
});

afterAll(async () => {
  await closeMongo(conn);
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
  fs.rmSync(localDir, { recursive: true, force: true });
});

it('runs the pipeline on a replay and stops cleanly on Ctrl-C; running it again starts clean', async () => {
  const first = await start();
  try {
    await first.job.waitForOutput(/dashboard {2}http:\/\/127\.0\.0\.1:\d+\/\?token=[A-Za-z0-9_-]{32}/, 120_000);
    await first.job.waitForOutput(/replay done: \d+ events published \(1 malformed, for the DLQ\)/, 120_000);
    const out = first.job.output();
    expect(out).toMatch(/catalogue: 18 projects of 2019/);
    expect(out).toContain(`mail       ${path.join(localDir, 'mail')}`);
    const token = fs.readFileSync(path.join(localDir, 'api-token'), 'utf8').trim();
    expect(out).toContain(`?token=${token}`);
    // The services consumed it: progress written, the truncated message of 15 January in the DLQ.
    await waitFor(async () => (await conn.db!.collection(COLLECTIONS.dlq).countDocuments()) === 1, {
      timeoutMs: 120_000,
      message: 'one DLQ record',
    });
    await waitFor(async () => (await conn.db!.collection(COLLECTIONS.progress).countDocuments()) > 100, {
      timeoutMs: 120_000,
      message: 'progress for the fed units',
    });
    for (const app of ['ingest', 'alerting', 'status'])
      expect(fs.existsSync(path.join(localDir, 'logs', `${app}.log`))).toBe(true);
  } finally {
    await stopped(first.job, first.statusPort);
  }

  const second = await start();
  try {
    await second.job.waitForOutput(/new replay: cleared the state of replay r[a-z0-9]+/, 120_000);
    await second.job.waitForOutput(/replay done/, 120_000);
    // Same story, new event ids: counted again from zero, not deduplicated against the first run.
    await waitFor(async () => (await conn.db!.collection(COLLECTIONS.dlq).countDocuments()) === 1, {
      timeoutMs: 120_000,
      message: 'one DLQ record again',
    });
    await waitFor(async () => (await conn.db!.collection(COLLECTIONS.progress).countDocuments()) > 100, {
      timeoutMs: 120_000,
      message: 'progress again',
    });
    expect(await conn.db!.collection('simulation_runs').countDocuments()).toBe(2);
  } finally {
    await stopped(second.job, second.statusPort);
  }
});
