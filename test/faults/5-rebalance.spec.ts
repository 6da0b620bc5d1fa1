import { applyEvents } from '@iw/measures';
import { ProgressRepository, connectMongo } from '@iw/mongo';
import { ensureBuilt, freePort, uniqueId } from '@iw/testing';
import { eventsRead, TRAFFIC_IDS } from '../integration/ingest/harness';
import { generateTraffic } from '../integration/ingest/traffic';
import { runIngest, saveLog, waitFor, type AppProcess } from './support/apps';
import { recordScenario, since } from './support/results';
import { TrafficStream, toRaw } from './support/stream';
import { brief, observedCounts, reconcile } from './support/totals';
import { createIngestWorld, type IngestWorld } from './support/world';

/**
 * Scenario 5 — rebalance under load. A second ingest instance joins the group mid-stream (the
 * partitions are split between the two) and leaves again mid-stream (they go back to the
 * first): totals exact. Each instance's own /metrics shows it consumed events.
 *
 * Two members write the same tracked units at the same time (a unit takes events from every
 * partition), which ingest makes safe by claiming each progress version with an insert (atomic on
 * FerretDB, where a conditional update is not). The second test checks that premise directly on
 * the real server: concurrent writers through ProgressRepository.update, as ingest writes.
 */
const N = Number(process.env.IW_FAULTS_REBALANCE_EVENTS || 12_000);
/** How long both instances consume side by side. */
const OVERLAP_MS = 10_000;

let w: IngestWorld;
const apps: AppProcess[] = [];
let stream: TrafficStream | undefined;

beforeAll(async () => {
  ensureBuilt();
  w = await createIngestWorld({ partitions: 6 });
});

afterAll(async () => {
  stream?.stop();
  await Promise.all(apps.map((a) => a.stop('SIGTERM', 10_000)));
  apps.forEach((a, i) => saveLog(`5-rebalance-ingest-${'AB'[i]}`, a));
  await w?.teardown();
});

const sum = (o: Record<string, number>) => Object.values(o).reduce((a, b) => a + b, 0);

it(`a second ingest instance joining and leaving mid-stream changes nothing: ${N} events counted exactly`, async () => {
  const t0 = Date.now();
  const events = generateTraffic(N, 5, uniqueId('rebal'), TRAFFIC_IDS);
  const [portA, portB] = [await freePort(), await freePort()];
  apps.push(await runIngest({ ...w.env, IW_METRICS_PORT_INGEST: String(portA) }));
  stream = new TrafficStream(w.topics, toRaw(events), { brokers: w.brokers, ratePerSec: 250 });
  await waitFor(async () => sum(await observedCounts(w.conn)) > 500, {
    timeoutMs: 120_000,
    intervalMs: 200,
    message: 'ingest under way',
  });

  const joinedAt = { s: Math.round(since(t0)), published: stream.sent };
  const b = await runIngest({ ...w.env, IW_METRICS_PORT_INGEST: String(portB) });
  apps.push(b);
  // B has its partitions once it has read something of its own.
  const readByB = await waitFor(async () => eventsRead(portB), {
    timeoutMs: 120_000,
    intervalMs: 500,
    message: 'second instance consuming',
  });
  // Both members write progress for the same units meanwhile (a unit takes events from every partition).
  await new Promise((r) => setTimeout(r, OVERLAP_MS));
  const leftAt = { s: Math.round(since(t0)), published: stream.sent, readByB: await eventsRead(portB) };
  const stopped = await b.stop('SIGTERM', 20_000);

  await stream.done;
  await w.drain(300_000);
  const readByA = await eventsRead(portA);
  const rec = await reconcile(w.conn, events);
  recordScenario({
    scenario: '5. rebalance under load',
    published: N,
    expected: brief(rec.expected),
    observed: brief(rec.observed),
    lost: rec.lost,
    doubled: rec.doubled,
    emailsExpected: null,
    emailsReceived: null,
    emailsDuplicated: null,
    notes: `6 partitions; ${stream.resends} chunks resent; B joined at ${joinedAt.s}s (published ${joinedAt.published}), first read ${readByB}, left (SIGTERM → exit ${stopped.code}) at ${leftAt.s}s (published ${leftAt.published}) having read ${leftAt.readByB}; A read ${readByA} in all${rec.diff ? `; counts off: ${rec.diff}` : ''}`,
    seconds: since(t0),
  });
  expect(joinedAt.published).toBeLessThan(N);
  expect(leftAt.published).toBeLessThan(N);
  expect(leftAt.readByB).toBeGreaterThan(0);
  expect(stopped.code).toBe(0);
  expect(rec.observed).toEqual(rec.expected);
  expect({ lost: rec.lost, doubled: rec.doubled }).toEqual({ lost: 0, doubled: 0 });
  expect(await w.dlqCount()).toBe(0);
});

it('concurrent progress writers on one unit lose no event (the premise of scale-out)', async () => {
  const t0 = Date.now();
  const WRITERS = 4;
  const EACH = 30;
  const unit = {
    id: `claim-probe-${uniqueId('u')}`,
    measure: 'sum' as const,
    period: { from: '2019-01-01', to: '2019-12-31' },
  };
  const conns = await Promise.all(Array.from({ length: 2 }, () => connectMongo(w.mongoUrl)));
  let saves = 0;
  let rounds = 0;
  try {
    // Each writer is a partition of its own: its events carry its own positions, as in ingest,
    // and writes through the same ProgressRepository.update (version claims) as ingest does.
    const writer = async (n: number) => {
      const repo = new ProgressRepository(conns[n % conns.length]);
      for (let i = 0; i < EACH; i++) {
        const event = {
          trackedId: unit.id,
          eventId: `w${n}-${i}`,
          occurredAt: '2019-05-01T10:00:00+08:00',
          input: { kind: 'add' as const, value: 1 },
          position: { topic: 'probe', partition: n, offset: i },
        };
        const written = await repo.update(
          [unit.id],
          (before) => {
            rounds++;
            return {
              progress: applyEvents(before, unit, [event], 'Asia/Shanghai'),
              indicatorId: null,
              projectId: 'probe',
            };
          },
          new Date(),
        );
        if (written.length === 1) saves++;
      }
    };
    await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(n)));
    const final = (await new ProgressRepository(conns[0]).find([unit.id])).get(unit.id);
    const applied = WRITERS * EACH;
    recordScenario({
      scenario: '5b. concurrent progress writers (version claims)',
      published: applied,
      expected: `actual ${applied}, version ${applied}`,
      observed: `actual ${final?.actual}, version ${final?.version}`,
      lost: applied - (final?.eventCount ?? 0),
      doubled: Math.max(0, (final?.eventCount ?? 0) - applied),
      emailsExpected: null,
      emailsReceived: null,
      emailsDuplicated: null,
      notes: `${WRITERS} writers on 2 connections, ${EACH} events each, through ProgressRepository.update (insert-claimed versions): ${saves} updates written, ${rounds - saves} recomputed after a lost claim; the document counts ${final?.eventCount} events`,
      seconds: since(t0),
    });
    expect(saves).toBe(applied);
    expect({ actual: final?.actual, eventCount: final?.eventCount }).toEqual({ actual: applied, eventCount: applied });
  } finally {
    await Promise.all(conns.map((c) => c.close()));
  }
});
