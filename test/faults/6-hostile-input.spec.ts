import { dlqOf } from '@iw/mongo';
import { ensureBuilt, uniqueId } from '@iw/testing';
import { TRAFFIC_IDS } from '../integration/ingest/harness';
import { generateTraffic, rng } from '../integration/ingest/traffic';
import { RssSampler, lagOf, runIngest, saveLog, type AppProcess } from './support/apps';
import { generateHostile, HOSTILE_KINDS, interleave } from './support/hostile';
import { recordScenario, since } from './support/results';
import { TrafficStream, toRaw, type RawMessage } from './support/stream';
import { brief, reconcile } from './support/totals';
import { createIngestWorld, type IngestWorld } from './support/world';

/**
 * Scenario 6 — hostile input. Over a thousand generated bad messages of every kind the suite
 * names, spread at random through valid traffic: each one lands in the DLQ (one `dlq` document
 * per position, found by its unique Kafka key) with a reason of a class it may honestly get;
 * nothing valid does; the valid totals are exact; the same ingest process runs throughout and
 * its resident memory stays bounded (sampled from /proc).
 */
const BAD = Number(process.env.IW_FAULTS_BAD || 1200);
const GOOD = Number(process.env.IW_FAULTS_GOOD || 6000);
/** Ingest is a Nest app of ~100–150 MiB; a leak or an unbounded buffer would blow past this. */
const RSS_LIMIT_MIB = 400;

let w: IngestWorld;
let ingest: AppProcess | undefined;
let stream: TrafficStream | undefined;

beforeAll(async () => {
  ensureBuilt();
  w = await createIngestWorld({ partitions: 4 });
});

afterAll(async () => {
  stream?.stop();
  await ingest?.stop('SIGTERM', 10_000);
  saveLog('6-hostile-ingest', ingest);
  await w?.teardown();
});

it(`sends each of ${BAD} bad messages to the DLQ with a reason, counts ${GOOD} valid ones exactly, and neither crashes nor bloats`, async () => {
  const t0 = Date.now();
  const run = uniqueId('hostile');
  const good = generateTraffic(GOOD, 6, run, TRAFFIC_IDS);
  const bad = generateHostile(BAD, run, TRAFFIC_IDS);
  const mixed: RawMessage[] = interleave<RawMessage>(toRaw(good), bad, rng(6));
  ingest = await runIngest(w.env);
  const pid = ingest.child.pid;
  const rss = new RssSampler(() => pid);
  // Small chunks: a Kafka record batch of several 70 KiB messages would pass the broker's 1 MB limit.
  stream = new TrafficStream(w.topics, mixed, { brokers: w.brokers, ratePerSec: 500, chunk: 50 });
  await stream.done;
  await w.drain(300_000);
  const mem = rss.stop();

  const docs = await dlqOf(w.conn)
    .find({}, { projection: { key: 1, reasonClass: 1, reason: 1, topic: 1, partition: 1, offset: 1 } })
    .toArray();
  const byKey = new Map<string, typeof docs>();
  for (const d of docs) byKey.set(d.key ?? '', [...(byKey.get(d.key ?? '') ?? []), d]);
  const missing = bad.filter((b) => !byKey.has(b.key));
  const repeated = bad.filter((b) => (byKey.get(b.key)?.length ?? 0) > 1);
  const wrongClass = bad.flatMap((b) =>
    (byKey.get(b.key) ?? [])
      .filter((d) => !b.allowed.includes(d.reasonClass as never))
      .map((d) => `${b.kind} → ${d.reasonClass}: ${d.reason}`),
  );
  const noReason = docs.filter((d) => !d.reasonClass || !d.reason || d.reason.trim().length < 3);
  const badKeys = new Set(bad.map((b) => b.key));
  const validInDlq = docs.filter((d) => !badKeys.has(d.key ?? ''));
  const dlqTopicMessages = await lagOf(w.brokers, uniqueId('nobody'), [w.topics.dlq]);
  const classes: Record<string, number> = {};
  for (const d of docs) classes[d.reasonClass] = (classes[d.reasonClass] ?? 0) + 1;
  const rec = await reconcile(w.conn, good);
  const alive = ingest.child.exitCode === null && ingest.child.pid === pid;

  recordScenario({
    scenario: '6. hostile input',
    published: mixed.length,
    expected: `${brief(rec.expected)}; DLQ ${BAD}`,
    observed: `${brief(rec.observed)}; DLQ ${docs.length}`,
    lost: rec.lost + missing.length,
    doubled: rec.doubled + repeated.length,
    emailsExpected: null,
    emailsReceived: null,
    emailsDuplicated: null,
    notes: `${BAD} bad of ${HOSTILE_KINDS.length} kinds among ${GOOD} valid; DLQ docs by class ${JSON.stringify(classes)}; actuals.dlq topic ${dlqTopicMessages} records; missing ${missing.length}, repeated ${repeated.length}, wrong class ${wrongClass.length}, valid in DLQ ${validInDlq.length}; ingest RSS ${mem.first.toFixed(0)} → max ${mem.max.toFixed(0)} → ${mem.last.toFixed(0)} MiB (${rss.samples.length} samples); same process alive: ${alive}${rec.diff ? `; counts off: ${rec.diff}` : ''}${missing.length ? `; not in the DLQ: ${[...new Set(missing.map((b) => b.kind))].join(', ')}` : ''}`,
    seconds: since(t0),
  });
  expect(bad.length).toBeGreaterThanOrEqual(1000);
  expect(missing.map((b) => `${b.kind}: ${String(b.value).slice(0, 80)}`)).toEqual([]);
  expect(repeated.map((b) => b.key)).toEqual([]);
  expect(wrongClass).toEqual([]);
  expect(noReason).toEqual([]);
  expect(validInDlq.map((d) => `${d.key} ${d.reasonClass}: ${d.reason}`)).toEqual([]);
  expect(dlqTopicMessages).toBeGreaterThanOrEqual(BAD);
  expect(alive).toBe(true);
  expect(mem.max).toBeLessThan(RSS_LIMIT_MIB);
  expect(rec.observed).toEqual(rec.expected);
  expect({ lost: rec.lost, doubled: rec.doubled }).toEqual({ lost: 0, doubled: 0 });
});
