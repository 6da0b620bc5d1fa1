import * as os from 'node:os';
import * as net from 'node:net';
import type { INestApplication } from '@nestjs/common';
import { parseClockSpec } from '@iw/clock';
import { loadConfig, type TopicRole } from '@iw/config';
import { ACTUALS_ROLES } from '@iw/events';
import { WatermarkRepository, connectMongo, type Connection, type SourceWatermark } from '@iw/mongo';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
  waitFor,
  type AppProcess,
} from '@iw/testing';
import { createStatusApp } from '../../../apps/status/src/app';
import { OpsStatusSchema, type OpsStatus } from '../../../apps/status/src/dtos/status.dto';
import { groupId, importSeed, publish, startIngest, waitForDrain } from './harness';
import { P_INSPECT, type Published } from './traffic';

/**
 * Per-source watermarks on the real broker and server: ingest (compiled, as `npm start` runs it)
 * reports every actuals topic — empty ones as current — and a topic's watermark follows the
 * batches it commits; while ingest is stopped the watermark stays where ingest left it and its
 * lag grows with the clock; once ingest is back it is current again. /status (JSON), /ops and
 * /metrics show each watermark and its lag.
 */
jest.setTimeout(300_000);

const HOUR = 3_600_000;
const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const group = groupId();
// One simulated hour per real second, from 1 June 2019, shared by ingest and the status app.
const CLOCK = `sim:2019-06-01T00:00:00+08:00@3600~${Date.now() + 2000}`;
const clock = parseClockSpec(CLOCK);
const TOKEN = 'watermarks-test-token';
let topics: Record<TopicRole, string>;
let conn: Connection;
let ingest: AppProcess | undefined;
let status: INestApplication;
let base: string;

const env = () => ({ MONGO_URL: mongoUrl, KAFKA_TOPIC_PREFIX: prefix, IW_INGEST_GROUP: group, IW_CLOCK: CLOCK });

async function startIngestApp(extra: Record<string, string> = {}): Promise<AppProcess> {
  const app = startIngest({ ...env(), ...extra });
  await app.waitForOutput(/successfully started/, 90_000);
  return app;
}

async function opsStatus(): Promise<OpsStatus> {
  const res = await fetch(`${base}/status`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.status).toBe(200);
  return OpsStatusSchema.parse(await res.json());
}

async function stored(): Promise<Map<string, SourceWatermark>> {
  return new Map((await new WatermarkRepository(conn).all()).map((w) => [w.topic, w]));
}

/** An inspection batch of gasoline dated `at`. */
function batch(id: string, at: number): Published {
  return {
    role: 'inspectionBatches',
    key: id,
    event: {
      schemaVersion: 1,
      eventId: `${id}-${uniqueId('e')}`,
      occurredAt: new Date(at).toISOString(),
      source: 'watermarks-test',
      projectName: P_INSPECT,
      category: '汽油',
      batches: 2,
      qualifiedBatches: 2,
      region: '乌鲁木齐市',
      costYuan: 1000,
    },
  };
}

beforeAll(async () => {
  ensureBuilt();
  topics = await createTestTopics(prefix, 2);
  await importSeed(mongoUrl);
  conn = await connectMongo(mongoUrl);
  const config = loadConfig(
    { ...process.env, ...env(), IW_API_TOKENS: `admin:${TOKEN}`, IW_LOG_LEVEL: 'warn', IW_LOCAL_DIR: os.tmpdir() },
    '/nonexistent/.env',
  );
  status = await createStatusApp(config, { clock, logger: ['error'] });
  await status.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(status.getHttpServer().address() as net.AddressInfo).port}`;
  ingest = await startIngestApp();
});

afterAll(async () => {
  await ingest?.stop('SIGTERM', 10_000);
  await status?.close();
  await conn?.close();
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
});

it('reports every source, follows committed batches, lags while ingest is stopped, and catches up', async () => {
  // Empty topics are current: every source gets a watermark close to the clock's now.
  await waitFor(async () => (await stored()).size === ACTUALS_ROLES.length, { timeoutMs: 30_000, intervalMs: 250 });
  let s = await opsStatus();
  expect(s.watermarks.map((w) => w.role)).toEqual([...ACTUALS_ROLES]);
  for (const w of s.watermarks) {
    expect(w.watermark).not.toBeNull();
    expect(w.partitions).toHaveLength(2);
    // A report a second (one simulated hour): a few hours at most on a loaded machine.
    expect(w.lagSeconds!).toBeLessThanOrEqual(4 * 3600);
  }

  // Committed batches move it on: past the events' own time once they are processed.
  const sentAt = clock.now();
  await publish(topics, [batch('a', sentAt - 2 * HOUR), batch('b', sentAt - HOUR), batch('c', sentAt)]);
  await waitForDrain(group, [topics.inspectionBatches]);
  await waitFor(async () => ((await stored()).get(topics.inspectionBatches)?.watermark?.getTime() ?? 0) >= sentAt, {
    timeoutMs: 30_000,
    intervalMs: 250,
    message: 'the watermark passes the events processed',
  });
  // They counted (nothing went to the DLQ).
  expect(await conn.db!.collection('dlq').countDocuments()).toBe(0);
  expect(await conn.db!.collection('progress').countDocuments()).toBeGreaterThan(0);

  // Ingest stops: the watermarks stay where it left them while the clock runs on.
  await ingest!.stop('SIGTERM', 10_000);
  ingest = undefined;
  const left = await stored();
  const stoppedAt = clock.now();
  await publish(topics, [batch('d', stoppedAt)]);
  await new Promise((r) => setTimeout(r, 6000)); // six simulated hours
  const still = await stored();
  for (const [topic, w] of left) expect(still.get(topic)?.watermark).toEqual(w.watermark);
  s = await opsStatus();
  const inspect = s.watermarks.find((w) => w.topic === topics.inspectionBatches)!;
  expect(Date.parse(inspect.watermark!)).toBeLessThanOrEqual(stoppedAt);
  expect(inspect.lagSeconds!).toBeGreaterThanOrEqual(5 * 3600);
  const metrics = await (await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  const gauge = new RegExp(`^iw_source_watermark_lag_seconds\\{topic="${topics.inspectionBatches}"\\} (\\d+)$`, 'm');
  expect(Number(gauge.exec(metrics)?.[1])).toBeGreaterThanOrEqual(5 * 3600);
  const ops = await (await fetch(`${base}/ops`, { headers: { authorization: `Bearer ${TOKEN}` } })).text();
  expect(ops).toContain(`<tr data-topic="${topics.inspectionBatches}" class="warn">`);
  expect(ops).toMatch(/落后 \d+ 小时/);

  // Back again: the backlog is processed and every source is current.
  ingest = await startIngestApp();
  await waitForDrain(group, [topics.inspectionBatches]);
  const backAt = clock.now();
  await waitFor(async () => [...(await stored()).values()].every((w) => (w.watermark?.getTime() ?? 0) >= backAt), {
    timeoutMs: 30_000,
    intervalMs: 250,
    message: 'every source current again',
  });
  s = await opsStatus();
  for (const w of s.watermarks) expect(w.lagSeconds!).toBeLessThanOrEqual(4 * 3600);
});

it('with IW_SOURCE_DELAY, counts a caught-up source as current only as of the clock that long ago', async () => {
  // Six real seconds: six simulated hours. An event published up to that late after its time
  // finds its source's watermark still before it.
  await ingest?.stop('SIGTERM', 10_000);
  ingest = await startIngestApp({ IW_SOURCE_DELAY: '6s' });
  // The stored watermarks only move forward: wait until the delayed ones have passed what the
  // previous run left (about six real seconds after it), then they trail the clock by the delay.
  const left = await stored();
  await waitFor(
    async () =>
      [...(await stored())].every(
        ([topic, w]) => w.watermark!.getTime() > left.get(topic)!.watermark!.getTime() + HOUR,
      ),
    { timeoutMs: 60_000, intervalMs: 250, message: 'the delayed watermarks moving on' },
  );
  await new Promise((r) => setTimeout(r, 2000));
  const now = clock.now();
  for (const [topic, w] of await stored()) {
    const lag = now - w.watermark!.getTime();
    expect([topic, lag >= 5 * HOUR]).toEqual([topic, true]);
    expect([topic, lag <= 12 * HOUR]).toEqual([topic, true]);
  }
});
