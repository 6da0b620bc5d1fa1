import { ensureBuilt, uniqueId } from '@iw/testing';
import { TRAFFIC_IDS } from '../integration/ingest/harness';
import { generateTraffic, rng } from '../integration/ingest/traffic';
import { lagOf, runIngest, saveLog, waitFor, type AppProcess } from './support/apps';
import { recordScenario, since } from './support/results';
import { TrafficStream, toRaw } from './support/stream';
import { brief, observedCounts, reconcile } from './support/totals';
import { createIngestWorld, type IngestWorld } from './support/world';

/**
 * Scenario 1 — crashes. Ingest is SIGKILLed at random points while the traffic streams in and
 * restarted each time; the final progress must equal the totals computed from the published
 * events alone: nothing lost, nothing counted twice.
 *
 * N is the issue's 100 000 (IW_FAULTS_EVENTS for another size), published over ~150 s so that
 * every kill lands mid-stream. Each restart waits for the broker to drop the killed member (its
 * 30 s session timeout). Bounded: 3 min for progress after each restart, DRAIN_MS for the rest.
 * The notes give the ingest rate measured while it drained the backlog after the last restart.
 */
const N = Number(process.env.IW_FAULTS_EVENTS || 100_000);
const DRAIN_MS = 600_000;
const KILLS = Number(process.env.IW_FAULTS_KILLS || 5);
const SEED = Number(process.env.IW_FAULTS_SEED || Date.now() % 1_000_000);

let w: IngestWorld;
let ingest: AppProcess | undefined;
const runs: AppProcess[] = [];
let stream: TrafficStream | undefined;

beforeAll(async () => {
  ensureBuilt();
  w = await createIngestWorld({ partitions: 4 });
});

afterAll(async () => {
  stream?.stop();
  await ingest?.stop('SIGTERM', 10_000);
  runs.forEach((a, i) => saveLog(`1-crashes-ingest-${i}`, a));
  await w?.teardown();
});

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

/** "L events in T s = R events/s", from the first lag sample that is lower than the one before to the last. */
function drainRate(samples: Array<{ t: number; lag: number }>): string {
  const first = samples.findIndex((s, i) => i > 0 && s.lag < samples[i - 1].lag);
  if (first < 1) return `no measurable drain (${samples.length} lag samples)`;
  const from = samples[first - 1];
  const to = samples[samples.length - 1];
  const seconds = (to.t - from.t) / 1000;
  const events = from.lag - to.lag;
  return `${events} events in ${seconds.toFixed(1)} s = ${Math.round(events / seconds)} events/s (${samples.length} lag samples ~1 s apart)`;
}

it(`loses and doubles nothing when ingest is SIGKILLed ${KILLS} times while ${N} events stream in`, async () => {
  const t0 = Date.now();
  const r = rng(SEED);
  const events = generateTraffic(N, SEED, uniqueId('crash'), TRAFFIC_IDS);
  ingest = await runIngest(w.env);
  runs.push(ingest);
  // Publishing spans the kill series (each restart costs ~35 s), so kills land mid-stream.
  stream = new TrafficStream(w.topics, toRaw(events), {
    brokers: w.brokers,
    ratePerSec: Math.max(100, N / (KILLS * 30)),
  });
  const kills: Array<{ atS: number; published: number; lag: number | null; counted: number }> = [];
  for (let k = 0; k < KILLS; k++) {
    // Let the fresh instance do some work, then kill it at a random moment of that work.
    const before = sum(await observedCounts(w.conn));
    await waitFor(async () => sum(await observedCounts(w.conn)) > before, {
      timeoutMs: 180_000,
      intervalMs: 100,
      message: `progress after restart ${k}`,
    });
    await new Promise((res) => setTimeout(res, 300 + r() * 3000));
    const lag = await lagOf(w.brokers, w.group, w.actualsTopics);
    const published = stream.sent;
    const killed = await ingest.stop('SIGKILL');
    expect(killed.signal).toBe('SIGKILL');
    kills.push({ atS: Math.round(since(t0)), published, lag, counted: sum(await observedCounts(w.conn)) });
    ingest = await runIngest(w.env);
    runs.push(ingest);
  }
  await stream.done;
  // Ingest rate while draining: lag sampled about every second, from the first drop to zero.
  const samples: Array<{ t: number; lag: number }> = [];
  let drained = false;
  const sampling = (async () => {
    while (!drained) {
      const lag = await lagOf(w.brokers, w.group, w.actualsTopics).catch(() => null);
      if (lag !== null) samples.push({ t: Date.now(), lag });
      await new Promise((res) => setTimeout(res, 1000));
    }
  })();
  await w.drain(DRAIN_MS).finally(() => (drained = true));
  await sampling;
  const rate = drainRate(samples);
  const rec = await reconcile(w.conn, events);
  const dlq = await w.dlqCount();
  const midStream = kills.filter((k) => k.published < N || (k.lag ?? 1) > 0).length;
  recordScenario({
    scenario: '1. crashes (SIGKILL ingest)',
    published: N,
    expected: brief(rec.expected),
    observed: brief(rec.observed),
    lost: rec.lost,
    doubled: rec.doubled,
    emailsExpected: null,
    emailsReceived: null,
    emailsDuplicated: null,
    notes: `seed ${SEED}; ${kills.length} SIGKILLs (${midStream} mid-stream) at ${kills.map((k) => `${k.atS}s[pub ${k.published}, lag ${k.lag}]`).join(' ')}; ${stream.resends} resent chunks; DLQ ${dlq}; drain after the last restart: ${rate}${rec.diff ? `; counts off: ${rec.diff}` : ''}`,
    seconds: since(t0),
  });
  expect(kills).toHaveLength(KILLS);
  expect(midStream).toBe(KILLS);
  expect(rec.observed).toEqual(rec.expected);
  expect(rec.observedCounts).toEqual(rec.expectedCounts);
  expect({ lost: rec.lost, doubled: rec.doubled, dlq }).toEqual({ lost: 0, doubled: 0, dlq: 0 });
});
