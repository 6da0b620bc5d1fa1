import * as fs from 'node:fs';
import * as path from 'node:path';
import { loadConfig, type TopicRole } from '@iw/config';
import {
  BindingsProvider,
  closeMongo,
  collectionSizes,
  connectMongo,
  EventIdRepository,
  progressOf,
  type Connection,
} from '@iw/mongo';
import { observedTotals, withoutCount } from '../../test/integration/ingest/harness';
import { expectedTotals } from '../../test/integration/ingest/traffic';
import type { BenchOptions } from '../options';
import { summariseProfile, type CpuProfile } from '../profile';
import type { IngestResult } from '../report';
import { importSeed } from '../seed';
import { perSecond, ratio, round } from '../stats';
import { BUILD_DIR, ROOT, type BenchWorld } from '../world';
import { runBaselineC } from './baseline-c';
import { ceilingA } from './ceiling-a';
import { planCeilingB, runCeilingB } from './ceiling-b';
import { benchTraffic, publishTraffic } from './publish';
import { runUntilDrained } from './run-app';

const ACTUALS: TopicRole[] = ['inspectionBatches', 'cases', 'surveys', 'spending', 'measurements'];
const INGEST_ENTRY = path.join(BUILD_DIR, 'apps/ingest/src/main.js');

/**
 * Stage 1: the same pre-published traffic read four times, one after another — ceiling A,
 * ceiling B (its writes), baseline C, then the real ingest app — each with a group and a
 * database of its own.
 */
export function emptyIngestResult(opts: BenchOptions): IngestResult {
  return {
    events: opts.events,
    partitions: opts.partitions,
    eventsPerSec: null,
    ceilingAPerSec: null,
    ceilingBPerSec: null,
    baselineCPerSec: null,
    ratioA: null,
    ratioC: null,
    peakRssMb: null,
    seconds: null,
  };
}

/** Fills `result` as the measurements come in, so a later failure keeps the earlier figures. */
export async function benchIngest(
  world: BenchWorld,
  opts: BenchOptions,
  log: (m: string) => void,
  result: IngestResult,
): Promise<void> {
  const n = opts.events;
  const { prefix, topics } = await world.topics('ingest', opts.partitions);
  const actuals = ACTUALS.map((r) => topics[r]);
  const appEnv = (mongoUrl: string) => ({
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    KAFKA_PARTITIONS: String(opts.partitions),
    IW_LOG_LEVEL: process.env.IW_BENCH_LOG_LEVEL ?? 'warn',
    IW_METRICS_PORT_INGEST: '0',
  });
  const timeoutMs = 120_000 + n * 5; // ceiling A only: a bare consumer

  const events = benchTraffic(n, opts.seed, world.runId);
  log(`ingest: publishing ${n} events to ${prefix}* (${opts.partitions} partitions)`);
  const published = Date.now();
  await publishTraffic(topics, events);
  log(`ingest: published in ${((Date.now() - published) / 1000).toFixed(1)} s`);

  log('ingest: ceiling A (bare eachBatch consumer)');
  const a = await ceilingA(`${world.runId}-a`, actuals, n, timeoutMs);
  result.ceilingAPerSec = round(perSecond(a.messages, a.ms));
  result.ceilingA = {
    seconds: round(a.ms / 1000, 2)!,
    batches: a.batches.length,
    meanBatch: round(a.messages / a.batches.length)!,
  };
  log(`ingest: ceiling A ${result.ceilingAPerSec} events/s (${a.batches.length} batches)`);

  const ingestUrl = world.mongoUrl('ingest');
  await importSeed(ingestUrl);
  {
    log('ingest: ceiling B (bare driver writes of what ingest writes, same batches)');
    const config = loadConfig(process.env);
    const seeded = await connectMongo(ingestUrl);
    const bindings = await new BindingsProvider(seeded, {
      bindingsFile: config.files.bindings,
      timeZone: config.timeZone,
      satisfiedShare: config.surveys.satisfiedShare,
    }).get(Date.now());
    await closeMongo(seeded);
    const planned = planCeilingB(a.batches, topics, bindings, new Date());
    a.batches.length = 0; // let the messages go
    const conn = await connectMongo(world.mongoUrl('ceiling-b'));
    try {
      const b = await runCeilingB(conn, planned);
      result.ceilingBPerSec = round(perSecond(n, b.ms));
      result.ceilingB = { seconds: round(b.ms / 1000, 2)!, writes: b.writes, bulkWrites: b.bulkWrites };
      log(`ingest: ceiling B ${result.ceilingBPerSec} events/s (${b.writes} writes in ${b.bulkWrites} commands)`);
    } finally {
      await closeMongo(conn);
    }
  }

  {
    log(
      `ingest: baseline C (stock Nest Kafka transport, per message; at most ${opts.cEvents} events or ${opts.cSeconds} s)`,
    );
    const cUrl = world.mongoUrl('baseline-c');
    await importSeed(cUrl);
    const c = await runBaselineC(
      { ...appEnv(cUrl), BENCH_C_GROUP: `${world.runId}-c` },
      { maxEvents: opts.cEvents, maxMs: opts.cSeconds * 1000, total: n },
    );
    result.baselineCPerSec = round(perSecond(c.handled, c.ms));
    result.baselineC = {
      events: c.handled,
      seconds: round(c.ms / 1000, 2)!,
      bounded: c.bounded,
      how: 'stock Transport.KAFKA, @EventPattern per message; event-id claim + one fenced findOneAndUpdate per unit fed; rate from its first to its last message',
    };
    log(
      `ingest: baseline C ${result.baselineCPerSec} events/s (${c.handled} events${c.bounded ? ', bounded subset' : ''})`,
    );
  }

  log('ingest: the ingest app (spawned, until lag 0 and offsets committed)');
  const run = await runUntilDrained({
    entry: INGEST_ENTRY,
    env: { ...appEnv(ingestUrl), IW_INGEST_GROUP: `${world.runId}-ingest` },
    groupId: `${world.runId}-ingest`,
    topics: actuals,
    timeoutMs: opts.ingestSeconds * 1000,
  });
  result.seconds = round(run.ms / 1000, 2);
  // The app's own output next to the results (IW_BENCH_LOG_LEVEL=debug adds per-batch stage times).
  fs.writeFileSync(path.join(path.dirname(path.resolve(ROOT, opts.out)), 'ingest-app.log'), run.output);
  // Events committed per second of the run; when it ran out of time, of what it committed by then.
  result.eventsPerSec = round(perSecond(n - run.left, run.ms));
  if (run.left > 0) result.committed = n - run.left;
  result.peakRssMb = round(run.peakRssMb);
  result.cpuSeconds = round(run.cpuSeconds, 2);
  result.ratioA = round(ratio(result.eventsPerSec, result.ceilingAPerSec), 3);
  result.ratioB = round(ratio(result.eventsPerSec, result.ceilingBPerSec), 3);
  result.ratioC = round(ratio(result.eventsPerSec, result.baselineCPerSec), 2);
  log(
    `ingest: ${result.eventsPerSec} events/s, peak RSS ${result.peakRssMb} MB${run.left ? `; did not drain: ${n - run.left} of ${n} committed in ${opts.ingestSeconds} s` : ''}`,
  );
  if (run.left > 0)
    result.error = `ingest did not drain within ${opts.ingestSeconds} s: ${n - run.left} of ${n} events committed (events/s is of those)`;
  if (run.uncleanExit) {
    result.shutdown = run.uncleanExit;
    log(`ingest: ${run.uncleanExit}`);
  }

  const conn = await connectMongo(ingestUrl);
  try {
    result.eventLog = await probeEventLog(conn);
    result.progressDocs = await progressOf(conn).countDocuments({});
    // Bounded growth: what the run left in each collection.
    result.collections = await collectionSizes(conn);
    // A fast wrong answer is no answer: once drained, the totals must be those of the traffic.
    if (run.left === 0) {
      const want = withoutCount(expectedTotals(events));
      const got = await observedTotals(conn);
      const diff = Object.keys(want).filter(
        (k) => JSON.stringify(want[k as keyof typeof want]) !== JSON.stringify(got[k as keyof typeof got]),
      );
      if (diff.length)
        result.error = `ingest totals differ from the traffic's: ${diff.map((k) => `${k} ${JSON.stringify(got[k as keyof typeof got])} ≠ ${JSON.stringify(want[k as keyof typeof want])}`).join(', ')}`;
    }
  } finally {
    await closeMongo(conn);
  }

  if (opts.profile) {
    log('ingest: once more under --cpu-prof (fresh group and database)');
    const url = world.mongoUrl('ingest-prof');
    await importSeed(url);
    const dir = path.join(ROOT, 'bench/results/profiles');
    const prof = await runUntilDrained({
      entry: INGEST_ENTRY,
      env: { ...appEnv(url), IW_INGEST_GROUP: `${world.runId}-prof` },
      groupId: `${world.runId}-prof`,
      topics: actuals,
      timeoutMs: opts.profileSeconds * 1000,
      profileDir: dir,
    });
    if (prof.profileFile) {
      const summary = summariseProfile(JSON.parse(fs.readFileSync(prof.profileFile, 'utf8')) as CpuProfile);
      result.profile = {
        ...summary,
        file: path.relative(ROOT, prof.profileFile),
        eventsPerSec: round(perSecond(n - prof.left, prof.ms)),
        committed: n - prof.left,
      };
    } else {
      log('ingest: no .cpuprofile was written');
    }
  }
}

/**
 * The event-id log ingest grew: its segments, and what a restart pays to read it back (a fresh
 * process loads every segment of a topic before its first batch of that topic).
 */
async function probeEventLog(conn: Connection): Promise<NonNullable<IngestResult['eventLog']>> {
  const logs = (await conn.db!.collection('event_ids').distinct('log')) as string[];
  const repo = new EventIdRepository(conn);
  const t = Date.now();
  for (const log of logs) await repo.load(log);
  const remembered = Object.values(repo.remembered()).reduce((a, b) => a + b, 0);
  return {
    segments: await conn.db!.collection('event_ids').countDocuments({}),
    ids: remembered,
    loadMs: Date.now() - t,
  };
}
