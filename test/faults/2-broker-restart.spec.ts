import { SmtpSink } from '@iw/mail';
import { ensureBuilt, uniqueId } from '@iw/testing';
import { TRAFFIC_IDS, waitForDrain } from '../integration/ingest/harness';
import { generateTraffic } from '../integration/ingest/traffic';
import { runAlerting, runIngest, saveLog, waitFor, type AppProcess } from './support/apps';
import { DedicatedKafka } from './support/dedicated';
import { recordScenario, since } from './support/results';
import { TrafficStream, toRaw } from './support/stream';
import { brief, observedCounts, reconcile } from './support/totals';
import { createIngestWorld, type IngestWorld } from './support/world';

/**
 * Scenario 2 — broker restart. A dedicated broker (never the shared one) is stopped mid-stream
 * and started again 15 s later on the same port and data. Ingest and alerting are not touched:
 * they must reconnect by themselves (same processes), ingest's totals must be exact, and
 * alerting must consume every progress message published after the restart.
 */
const N = Number(process.env.IW_FAULTS_BROKER_EVENTS || 12_000);
const DOWN_MS = 15_000;

let kafka: DedicatedKafka;
let w: IngestWorld;
let sink: SmtpSink;
let ingest: AppProcess | undefined;
let alerting: AppProcess | undefined;
let stream: TrafficStream | undefined;

beforeAll(async () => {
  ensureBuilt();
  kafka = await DedicatedKafka.create(uniqueId('broker'));
  await kafka.start();
  w = await createIngestWorld({ brokers: kafka.brokers, partitions: 4 });
  sink = new SmtpSink();
  await sink.start();
});

afterAll(async () => {
  stream?.stop();
  await Promise.all([ingest?.stop('SIGTERM', 10_000), alerting?.stop('SIGTERM', 10_000)]);
  saveLog('2-broker-ingest', ingest);
  saveLog('2-broker-alerting', alerting);
  await sink?.stop();
  await w?.teardown();
  await kafka?.destroy();
});

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

it(`ingest and alerting reconnect by themselves when the broker restarts mid-stream; ${N} events counted exactly`, async () => {
  const t0 = Date.now();
  const events = generateTraffic(N, 2, uniqueId('broker'), TRAFFIC_IDS);
  const alertingGroup = uniqueId('alerting');
  ingest = await runIngest(w.env);
  alerting = runAlerting({
    ...w.env,
    IW_ALERTING_GROUP: alertingGroup,
    SMTP_URL: sink.url,
    IW_CLOCK: 'sim:2019-06-15T12:00:00+08:00@1',
  });
  await alerting.waitForOutput(/successfully started/, 90_000);
  stream = new TrafficStream(w.topics, toRaw(events), { brokers: w.brokers, ratePerSec: 400 });

  await waitFor(async () => sum(await observedCounts(w.conn)) > 500, {
    timeoutMs: 120_000,
    intervalMs: 200,
    message: 'ingest under way',
  });
  const atStop = { published: stream.sent, counted: sum(await observedCounts(w.conn)), s: Math.round(since(t0)) };
  const stopped = await kafka.stop();
  await new Promise((r) => setTimeout(r, DOWN_MS));
  await kafka.start();
  const restartedAt = Math.round(since(t0));

  await stream.done;
  await w.drain(300_000);
  // Alerting read everything ingest published to indicators.progress, including after the restart.
  await waitForDrain(alertingGroup, [w.topics.progress], 120_000);
  const rec = await reconcile(w.conn, events);
  const alive = { ingest: ingest.child.exitCode === null, alerting: alerting.child.exitCode === null };
  recordScenario({
    scenario: '2. broker restart',
    published: N,
    expected: brief(rec.expected),
    observed: brief(rec.observed),
    lost: rec.lost,
    doubled: rec.doubled,
    emailsExpected: null,
    emailsReceived: null,
    emailsDuplicated: null,
    notes: `dedicated broker ${kafka.brokers} ${stopped} at ${atStop.s}s (published ${atStop.published}, counted ${atStop.counted}), down ${DOWN_MS / 1000}s, up at ${restartedAt}s; ${stream.resends} chunks resent by the publisher; same ingest/alerting processes alive: ${JSON.stringify(alive)}; alerting group drained indicators.progress${rec.diff ? `; counts off: ${rec.diff}` : ''}`,
    seconds: since(t0),
  });
  expect(atStop.published).toBeLessThan(N);
  expect(alive).toEqual({ ingest: true, alerting: true });
  expect(rec.observed).toEqual(rec.expected);
  expect({ lost: rec.lost, doubled: rec.doubled }).toEqual({ lost: 0, doubled: 0 });
  expect(await w.dlqCount()).toBe(0);
});
