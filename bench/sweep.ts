import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestMicroservice } from '@nestjs/common';
import { FixedClock } from '@iw/clock';
import { loadConfig } from '@iw/config';
import { SmtpSink } from '@iw/mail';
import { applyEvents, type AppliedEvent, type MeasureInput, type TrackedUnit } from '@iw/measures';
import {
  BindingsProvider,
  catalogueVersionOf,
  closeMongo,
  COLLECTIONS,
  connectMongo,
  EvaluationRepository,
  indicatorsOf,
  MONGO_CONNECTION,
  ownersOf,
  ownersToDoc,
  progressOf,
  projectsOf,
  type Connection,
  type IndicatorDoc,
  type ProgressDoc,
  type ProjectDoc,
} from '@iw/mongo';
import { indicatorParts, parseOwners, parseTargetTable, type ParsedCatalogue } from '@iw/targets';
import { createAlertingApp } from '../apps/alerting/src/app';
import { CatalogueService } from '../apps/alerting/src/services/catalogue.service';
import { EvaluationService } from '../apps/alerting/src/services/evaluation.service';
import { ownersYaml, targetTableText } from './catalogue';
import type { BenchOptions } from './options';
import { startPrivateFerret, usesLocalFerret, type PrivateFerret } from './private-ferret';
import type { SweepResult } from './report';
import { round } from './stats';
import { ROOT, type BenchWorld } from './world';

const PER_PROJECT = 100;
const NOW = Date.parse('2019-08-15T12:00:00+08:00');
const TZ = 'Asia/Shanghai';
const EVENT_DAYS = ['2019-03-01T10:00:00+08:00', '2019-05-01T10:00:00+08:00', '2019-08-01T10:00:00+08:00'];

/** The number a unit's target asks for (its floor, cap or range minimum); 1 when it has none. */
function targetNumber(unit: TrackedUnit): number {
  const t = unit.target;
  if (unit.of) return unit.of;
  if (t.kind === 'numeric' || t.kind === 'formula') return t.value || 1;
  if (t.kind === 'range') return t.min || 1;
  return 1;
}

/**
 * Three events' worth of progress for a unit, through the real measures code (so every
 * field, history included, is what ingest would have written). One unit in ten lags behind.
 */
export function syntheticProgress(unit: TrackedUnit, i: number): ReturnType<typeof applyEvents> {
  const behind = i % 10 === 0;
  const want = targetNumber(unit);
  const input = (k: number): MeasureInput => {
    switch (unit.measure) {
      case 'sum':
      case 'count':
        return { kind: 'add', value: Math.max(1, Math.round(((behind ? 0.2 : 0.7) * want) / EVENT_DAYS.length)) };
      case 'ratio':
      case 'mean':
        return { kind: 'ratio', numerator: behind ? 50 : 95, denominator: 100 };
      case 'distinct':
        return { kind: 'distinct', value: `r${k}` };
      case 'latest':
      case 'max':
      case 'min':
        return { kind: 'reading', value: behind ? want * 0.5 : want };
      case 'milestone':
        return { kind: 'milestone', done: false };
      case 'assessment':
        return { kind: 'assessment', likelihood: behind ? '有可能' : '确定能', text: '按计划推进' };
    }
  };
  const events: AppliedEvent[] = EVENT_DAYS.map((occurredAt, k) => ({
    trackedId: unit.id,
    eventId: `bench-${i}-${k}`,
    occurredAt,
    input: input(k),
    position: { topic: 'bench', partition: 0, offset: i * EVENT_DAYS.length + k },
  }));
  return applyEvents(null, unit, events, TZ);
}

/**
 * The catalogue as `importCatalogue` stores it on a first import, written with insertMany:
 * importCatalogue's per-indicator upserts each scan the collection on FerretDB 1.24 (string
 * `_id`s are not pushed down), which takes minutes at this size and is not what is measured.
 */
async function storeCatalogue(conn: Connection, catalogue: ParsedCatalogue, ownersText: string): Promise<void> {
  const now = new Date();
  const projects: ProjectDoc[] = catalogue.projects.map((p) => ({
    _id: p.id,
    fiscalYear: catalogue.fiscalYear,
    name: p.name,
    tableKind: p.tableKind,
    budgetUnit: p.budgetUnit,
    funds: p.funds,
    goal: p.goal,
    line: p.line,
    sourceFile: 'bench:sweep',
    archived: false,
    importedAt: now,
    updatedAt: now,
  }));
  const indicators: IndicatorDoc[] = catalogue.projects.flatMap((p) =>
    p.indicators.map((i) => ({
      _id: i.id,
      projectId: p.id,
      fiscalYear: catalogue.fiscalYear,
      level1: i.level1,
      level2: i.level2,
      name: i.name,
      value: i.value,
      target: i.target,
      parts: indicatorParts(i).map((x) => ({ id: x.id, label: x.target.label || x.key, target: x.target })),
      line: i.line,
      archived: false,
      deviation: null,
      importedAt: now,
      updatedAt: now,
    })),
  );
  await projectsOf(conn).insertMany(projects, { ordered: false });
  for (let k = 0; k < indicators.length; k += 5000)
    await indicatorsOf(conn).insertMany(indicators.slice(k, k + 5000), { ordered: false });
  await ownersOf(conn).insertOne({
    _id: 'owners',
    ...ownersToDoc(parseOwners(ownersText, 'yaml')),
    sourceFile: 'bench:sweep',
    updatedAt: now,
  });
  // The version token an import writes last: without it every reload check (each 5 s) would
  // scan 100,000 indicators for their latest change, beside the sweep being measured.
  await catalogueVersionOf(conn).insertOne({ _id: 'catalogue', token: randomUUID(), changedAt: now });
}

async function storeProgress(conn: Connection, units: TrackedUnit[]): Promise<void> {
  const now = new Date();
  for (let start = 0; start < units.length; start += 2000) {
    const docs = units.slice(start, start + 2000).map((unit, k) => {
      const { id, ...rest } = syntheticProgress(unit, start + k);
      return {
        ...rest,
        _id: id,
        indicatorId: unit.indicatorId,
        projectId: unit.projectId,
        updatedAt: now,
      } as ProgressDoc;
    });
    await progressOf(conn).insertMany(docs, { ordered: false });
  }
}

/** Runs `fn`, failing after `ms` (the promise it started is left behind). */
async function within<T>(ms: number, what: string, fn: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      fn(),
      new Promise<never>(
        (_, reject) =>
          (timer = setTimeout(() => reject(new Error(`${what} did not finish within ${ms / 1000} s`)), ms)),
      ),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

/** The alerting app's own report of a sweep: `sweep (<reason>) at …: N units in X ms`. */
const SWEEP_LINE = /sweep \(([^)]*)\) at [^:]+:[^:]+:[^:]+: (\d+) units in (\d+) ms/;

/**
 * Stage 4: N indicators (N/100 synthetic projects of mixed targets, each with its own owner)
 * with progress stored, and the alerting app's own sweep (EvaluationService.sweep, the function
 * its scheduler calls) run in-process: the first one after start (every evaluation written for
 * the first time, alerts opened for the units behind), then a second one the same day timed around
 * the call (nothing to write), then the next day's, which the app's scheduler starts when the
 * clock reaches a new local day (every evaluation written again, as each day's sweep does).
 */
export async function benchSweep(
  world: BenchWorld,
  opts: BenchOptions,
  log: (m: string) => void,
  result: SweepResult,
): Promise<void> {
  const projects = Math.ceil(opts.sweep / PER_PROJECT);
  let ferret: PrivateFerret | null = null;
  let app: INestMicroservice | null = null;
  // The alerts the sweep opens are mailed meanwhile (as in production); the sink runs in this
  // process, so it does not parse them: that would be the bench's CPU, not the app's.
  const sink = new SmtpSink({ parse: false });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-bench-sweep-'));
  let firstSweep!: (ms: number) => void;
  const firstSweepDone = new Promise<number>((resolve) => (firstSweep = resolve));
  let newDaySweep!: (ms: number) => void;
  const newDaySweepDone = new Promise<number>((resolve) => (newDaySweep = resolve));
  const restoreStdout = tapLines((line) => {
    const m = SWEEP_LINE.exec(line);
    if (m && m[1].startsWith('new day')) newDaySweep(Number(m[3]));
    else if (m && m[1] !== 'bench') firstSweep(Number(m[3]));
  });
  let failed = false;
  try {
    let url: string;
    if (usesLocalFerret()) {
      ferret = await startPrivateFerret(log);
      url = ferret.url('iw-bench-sweep');
      result.how =
        "alerting EvaluationService.sweep in-process, against a FerretDB of the bench's own (see README: FerretDB 1.24 and bulk updates)";
    } else {
      url = world.mongoUrl('sweep');
      result.how = 'alerting EvaluationService.sweep in-process';
    }
    log(`sweep: reading a synthetic table of ${projects} projects × ${PER_PROJECT} indicators`);
    const catalogue = parseTargetTable(targetTableText({ projects, indicatorsPerProject: PER_PROJECT }), {
      fiscalYear: 2019,
    });
    const errors = catalogue.problems.filter((p) => p.severity === 'error');
    if (errors.length) throw new Error(`synthetic table: ${errors.length} errors, first: ${errors[0].message}`);
    result.indicators = catalogue.projects.reduce((s, p) => s + p.indicators.length, 0);

    const conn = await connectMongo(url);
    let t = Date.now();
    await storeCatalogue(conn, catalogue, ownersYaml(projects));
    log(`sweep: catalogue of ${result.indicators} indicators stored in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    const bindingsFile = path.join(dir, 'bindings.yaml');
    fs.writeFileSync(bindingsFile, 'version: 1\nbindings: []\n');
    const units = [
      ...(
        await new BindingsProvider(conn, { bindingsFile, timeZone: TZ, satisfiedShare: 0.8 }).get(Date.now())
      ).units.values(),
    ];
    result.units = units.length;
    t = Date.now();
    await storeProgress(conn, units);
    log(`sweep: progress of ${units.length} units stored in ${((Date.now() - t) / 1000).toFixed(1)} s`);
    await closeMongo(conn);

    await sink.start();
    const { prefix } = await world.topics('sweep', 1);
    const config = loadConfig({
      ...process.env,
      MONGO_URL: url,
      KAFKA_TOPIC_PREFIX: prefix,
      IW_ALERTING_GROUP: `${world.runId}-sweep`,
      SMTP_URL: sink.url,
      IW_BINDINGS: bindingsFile,
      IW_TIMEZONE: TZ,
      IW_PENDING_FOR: '0s',
      // IW_BENCH_SWEEP_LOG=debug shows each chunk's timings (read, save, alerts).
      IW_LOG_LEVEL: process.env.IW_BENCH_SWEEP_LOG ?? 'log',
    });
    const clock = new FixedClock(NOW);
    app = await createAlertingApp(config, { clock, metricsPort: null });
    const evaluation = app.get(EvaluationService);
    // listen() (not init(), which runs a microservice's bootstrap hooks twice) as main.ts does;
    // taking the lead at start sweeps at once.
    await app.listen();
    log('sweep: alerting started in-process; waiting for its first sweep');
    const counted = (what: string) => async (e: Error) => {
      const done = await evaluatedSoFar(url);
      throw new Error(`${e.message} (${done ?? '?'} of ${result.units} units evaluated by then)`, { cause: what });
    };
    const firstMs = await within(opts.sweepSeconds * 1000, 'the first sweep', () => firstSweepDone).catch(
      counted('first'),
    );
    result.firstSeconds = round(firstMs / 1000, 2);
    await evaluation.idle();
    const view = await app.get(CatalogueService).current(Date.now());
    if (view) result.units = view.bindings.units.size;
    log(`sweep: first sweep ${result.firstSeconds} s; now a second one the same day`);
    t = Date.now();
    await within(opts.sweepSeconds * 1000, 'the same-day sweep', () => evaluation.sweep('bench')).catch(
      counted('same day'),
    );
    result.seconds = round((Date.now() - t) / 1000, 2);
    log(`sweep: same-day sweep of ${result.units} units in ${result.seconds} s; now the next day's`);
    // The daily sweep proper: a new local day moves every unit's days left and expected value
    // (what it writes is counted by the claims it takes). The app's scheduler starts it (a
    // fixed clock is checked for a new local day every second).
    const appConn = app.get<Connection>(MONGO_CONNECTION);
    const before = await sizesOf(appConn, SWEEP_COLLECTIONS);
    clock.advance(86_400_000);
    const newDayMs = await within(opts.sweepSeconds * 1000, "the next day's sweep", () => newDaySweepDone).catch(
      counted('new day'),
    );
    result.newDaySeconds = round(newDayMs / 1000, 2);
    await evaluation.idle();
    const after = await sizesOf(appConn, SWEEP_COLLECTIONS);
    const grew = (c: string) => (after[c] ?? 0) - (before[c] ?? 0);
    result.newDayWrites = {
      projectEvaluations: grew(COLLECTIONS.evaluationVersions),
      alerts: grew(COLLECTIONS.alertVersions),
      notifications: grew(COLLECTIONS.outbox),
    };
    result.collections = after;
    log(
      `sweep: the next day's sweep of ${result.units} units in ${result.newDaySeconds} s; it wrote ${result.newDayWrites.projectEvaluations} project evaluation document(s), ${result.newDayWrites.alerts} alert(s), ${result.newDayWrites.notifications} notification(s)`,
    );
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    restoreStdout();
    if (app)
      await within(30_000, 'closing alerting', () => app!.close()).catch((e: Error) => log(`sweep: ${e.message}`));
    await sink.stop();
    // A failed sweep keeps the private FerretDB's goroutine dump: what it was waiting on.
    const dump = path.join(ROOT, 'bench/results/private-ferretdb.log');
    if (ferret) await ferret.stop(failed ? dump : undefined);
    if (ferret && failed) log(`sweep: the private FerretDB's goroutine dump is in ${path.relative(ROOT, dump)}`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * What a sweep writes to, counted before and after the next day's sweep. Not every collection:
 * on FerretDB a count reads the whole collection, and counting the 100,000 indicators and
 * progress documents beside a busy FerretDB timed out.
 */
const SWEEP_COLLECTIONS = [
  COLLECTIONS.evaluations,
  COLLECTIONS.evaluationVersions,
  COLLECTIONS.judged,
  COLLECTIONS.alerts,
  COLLECTIONS.alertVersions,
  COLLECTIONS.outbox,
  COLLECTIONS.outboxClaims,
  COLLECTIONS.sweeps,
];

async function sizesOf(conn: Connection, names: readonly string[]): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of names) out[name] = await conn.db!.collection(name).countDocuments({});
  return out;
}

/** Evaluations written so far (to say how far a sweep that ran out of time got). */
async function evaluatedSoFar(url: string): Promise<number | null> {
  try {
    const conn = await connectMongo(url);
    try {
      return await within(30_000, 'counting', () => new EvaluationRepository(conn).statuses().then((all) => all.size));
    } finally {
      await closeMongo(conn).catch(() => undefined);
    }
  } catch {
    return null;
  }
}

/** Calls `onLine` for every line written to stdout (where Nest's logger writes) until restored. */
function tapLines(onLine: (line: string) => void): () => void {
  const write = process.stdout.write.bind(process.stdout);
  let partial = '';
  process.stdout.write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    partial += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    const lines = partial.split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) onLine(l.replace(/\x1b\[[0-9;]*m/g, ''));
    return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
  };
  return () => {
    process.stdout.write = write;
  };
}
