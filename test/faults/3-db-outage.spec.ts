import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SmtpSink } from '@iw/mail';
import { ensureBuilt, uniqueId } from '@iw/testing';
import { TRAFFIC_IDS } from '../integration/ingest/harness';
import { generateTraffic } from '../integration/ingest/traffic';
import { committedOf, runIngest, runStatus, saveLog, waitFor, type AppProcess } from './support/apps';
import { DedicatedFerret, freePort } from './support/dedicated';
import { recordScenario, since } from './support/results';
import { TrafficStream, toRaw } from './support/stream';
import { brief, observedCounts, reconcile } from './support/totals';
import { createIngestWorld, type IngestWorld } from './support/world';

/**
 * Scenario 3 — database outage. A dedicated FerretDB (never the shared one) is stopped for 30 s
 * mid-stream. Ingest must stop committing offsets (nothing it could not write is acknowledged),
 * keep running, and resume by itself once the server is back; totals exact. The status app's
 * /health/ready answers 503 during the outage and 200 before and after.
 */
const N = Number(process.env.IW_FAULTS_DB_EVENTS || 10_000);
const OUTAGE_MS = 30_000;
const TOKEN = `faults-${uniqueId('tok')}`;

let ferret: DedicatedFerret;
let w: IngestWorld;
let sink: SmtpSink;
let ingest: AppProcess | undefined;
let status: AppProcess | undefined;
let stream: TrafficStream | undefined;
let localDir: string;

beforeAll(async () => {
  ensureBuilt();
  ferret = await DedicatedFerret.create(uniqueId('ferret'));
  await ferret.start();
  w = await createIngestWorld({ mongoBase: ferret.baseUrl, partitions: 4 });
  sink = new SmtpSink();
  await sink.start();
  localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-faults-db-'));
});

afterAll(async () => {
  stream?.stop();
  await Promise.all([ingest?.stop('SIGTERM', 10_000), status?.stop('SIGTERM', 10_000)]);
  saveLog('3-db-ingest', ingest);
  saveLog('3-db-status', status);
  await sink?.stop();
  if (!(await ferret?.isUp().catch(() => false))) await ferret?.start().catch(() => undefined);
  await w?.teardown();
  await ferret?.destroy();
  fs.rmSync(localDir, { recursive: true, force: true });
});

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

it(`ingest stops committing during a 30 s database outage, resumes by itself, counts ${N} events exactly; /health/ready 503 then 200`, async () => {
  const t0 = Date.now();
  const port = await freePort();
  const ready = async (): Promise<number> => {
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(8000) });
      await res.arrayBuffer();
      return res.status;
    } catch {
      return 0; // no answer at all
    }
  };
  status = runStatus({
    ...w.env,
    IW_STATUS_PORT: String(port),
    IW_API_TOKENS: `read:${TOKEN}`,
    SMTP_URL: sink.url,
    IW_LOCAL_DIR: localDir,
    IW_INGEST_GROUP: w.group,
  });
  await status.waitForOutput(/listening on port/, 90_000);
  ingest = await runIngest(w.env);
  const before = await waitFor(async () => ((await ready()) === 200 ? 200 : null), {
    timeoutMs: 30_000,
    message: '/health/ready 200 before the outage',
  });

  const events = generateTraffic(N, 3, uniqueId('db'), TRAFFIC_IDS);
  // ~40 s of publishing: the stream goes on through the outage.
  stream = new TrafficStream(w.topics, toRaw(events), { brokers: w.brokers, ratePerSec: 250 });
  await waitFor(async () => sum(await observedCounts(w.conn)) > 500, {
    timeoutMs: 120_000,
    intervalMs: 200,
    message: 'ingest under way',
  });

  await ferret.stop();
  const downAt = Date.now();
  const stopAtS = Math.round(since(t0));
  // A batch whose writes were done may still commit right after the stop; then nothing may.
  await new Promise((r) => setTimeout(r, 3000));
  const committedEarly = await committedOf(w.brokers, w.group, w.actualsTopics);
  const during: number[] = [];
  while (Date.now() - downAt < OUTAGE_MS - 2000) {
    during.push(await ready());
    await new Promise((r) => setTimeout(r, 1000));
  }
  const committedLate = await committedOf(w.brokers, w.group, w.actualsTopics);
  const publishedDuring = stream.sent;
  await new Promise((r) => setTimeout(r, Math.max(0, downAt + OUTAGE_MS - Date.now())));
  await ferret.start();
  const upAtS = Math.round(since(t0));
  const after = await waitFor(async () => ((await ready()) === 200 ? Date.now() : null), {
    timeoutMs: 60_000,
    intervalMs: 500,
    message: '/health/ready 200 after the outage',
  });

  await stream.done;
  await w.drain(300_000).catch((e: Error) => {
    throw new Error(
      `ingest did not catch up after the outage (${stream!.sent}/${N} published; see .local/faults/logs/3-db-ingest.log): ${e.message}`,
    );
  });
  const rec = await reconcile(w.conn, events);
  const alive = ingest.child.exitCode === null;
  // What ingest's database supervision said (libs/mongo connection.ts): outage, recovery, monitor restarts.
  const mongoSaid = ingest
    .output()
    .split('\n')
    .filter((l) => l.includes('[MongoDB]'))
    .map((l) => l.replace(/^.*\[MongoDB\]\s*/, '').slice(0, 120));
  const codes = [...new Set(during)].join('/');
  recordScenario({
    scenario: '3. database outage 30 s',
    published: N,
    expected: brief(rec.expected),
    observed: brief(rec.observed),
    lost: rec.lost,
    doubled: rec.doubled,
    emailsExpected: null,
    emailsReceived: null,
    emailsDuplicated: null,
    notes: `dedicated FerretDB down ${stopAtS}–${upAtS}s while ${publishedDuring}/${N} published; committed offsets ${committedEarly} → ${committedLate} during the outage; /health/ready ${before} before, ${codes} during (${during.length} probes), 200 ${((after - downAt - OUTAGE_MS) / 1000).toFixed(1)} s after restart; same ingest process alive: ${alive}; ingest's MongoDB log: ${mongoSaid.join(' | ') || 'nothing'}${rec.diff ? `; counts off: ${rec.diff}` : ''}`,
    seconds: since(t0),
  });
  expect(before).toBe(200);
  expect(during.length).toBeGreaterThanOrEqual(5); // a probe of a dead server takes ~3 s (its timeout)
  expect(during.every((c) => c === 503)).toBe(true);
  expect(committedLate).toBe(committedEarly);
  expect(alive).toBe(true);
  expect(rec.observed).toEqual(rec.expected);
  expect({ lost: rec.lost, doubled: rec.doubled }).toEqual({ lost: 0, doubled: 0 });
  expect(await w.dlqCount()).toBe(0);
});
