import type { ProfileSummary } from './profile';

/**
 * What one run measured (bench/results/latest.json), the targets checked against
 * it, and the table printed at the end. A stage that failed keeps nulls and says why in `error`.
 */

export interface Machine {
  cpu: string;
  cores: number;
  memGb: number;
  os: string;
  node: string;
  kafka: string;
  mongo: string;
  loadAvg: number[];
}

export interface IngestResult {
  events: number;
  partitions: number;
  eventsPerSec: number | null;
  ceilingAPerSec: number | null;
  ceilingBPerSec: number | null;
  baselineCPerSec: number | null;
  ratioA: number | null;
  ratioC: number | null;
  /** ingest / ceiling B: how close ingest comes to the store's own write rate. */
  ratioB?: number | null;
  peakRssMb: number | null;
  /** Ingest from spawn to lag 0 with every offset committed. */
  seconds: number | null;
  ceilingA?: { seconds: number; batches: number; meanBatch: number };
  /** Writes: the batch's event-id segment and texts (two inserts) + one upsert per unit changed per batch. */
  ceilingB?: { seconds: number; writes: number; bulkWrites: number };
  baselineC?: { events: number; seconds: number; bounded: boolean; how: string };
  progressDocs?: number;
  /** How ingest ended after SIGTERM when it did not exit 0 (e.g. its 20 s shutdown limit hit mid-batch). */
  shutdown?: string;
  /** Events committed when the run ran out of time (absent when it drained). */
  committed?: number;
  profile?: ProfileSummary & { file: string; eventsPerSec: number | null; committed: number };
  /** CPU seconds (user + system) of the ingest process until drained. */
  cpuSeconds?: number | null;
  /** The event-id log ingest grew: segments, ids, and how long a fresh process takes to read it. */
  eventLog?: { segments: number; ids: number; loadMs: number };
  /** Documents per collection after the run (bounded growth). */
  collections?: Record<string, number>;
  error?: string;
}

export interface Spread {
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
}

export interface AlertLatencyResult {
  indicators: number;
  mails: number;
  p50Ms: number | null;
  p95Ms: number | null;
  maxMs: number | null;
  /** The first mail of the burst (pipeline latency without queueing behind other mails). */
  firstMs?: number | null;
  /** Mails per second from the first of the burst to the last (the sender's pace). */
  mailsPerSec?: number | null;
  /** The warm-up: one tipping event alone, publish → SMTP. */
  singleMs?: number | null;
  /** Per mail: publish → its indicators.progress message (ingest), and that → SMTP accepted (alerting). */
  split?: { ingest: Spread; alerting: Spread; lastProgressMs: number | null; measured: number };
  how: string;
  error?: string;
}

export interface RiskResult {
  nsPerEval: Record<string, number | null>;
  error?: string;
}

export interface SweepResult {
  indicators: number;
  units: number | null;
  /** A second sweep on the same day (evaluations stored, nothing to write). */
  seconds: number | null;
  /** The next day's sweep, as the daily schedule runs it: every evaluation written again. */
  newDaySeconds?: number | null;
  /** What the next day's sweep wrote: project evaluation documents, alerts, notifications (claims taken). */
  newDayWrites?: { projectEvaluations: number; alerts: number; notifications: number };
  /** Documents in the collections a sweep writes to, after the stage. */
  collections?: Record<string, number>;
  /** The first sweep after start (every evaluation written for the first time, alerts opened). */
  firstSeconds: number | null;
  how: string;
  error?: string;
}

export interface ProvinceResult {
  agencies: number;
  projects: number | null;
  indicators: number | null;
  /** Tracked units alerting evaluated in its first sweep. */
  units: number | null;
  /** `iw targets import <folder> --owners …`, a process of its own, start to exit. */
  importSeconds: number | null;
  /** Alerting spawned → "successfully started" (catalogue loaded). */
  alertingStartSeconds: number | null;
  /** Status spawned → GET /api/agencies answered 200. */
  statusStartSeconds: number | null;
  /** VmHWM of alerting, through its first sweep. */
  alertingPeakRssMb: number | null;
  /** VmHWM of status, through its first /api/agencies. */
  statusPeakRssMb: number | null;
  /** Alerting's first sweep: every unit evaluated and written for the first time. */
  evaluateSeconds: number | null;
  how: string;
  error?: string;
}

export interface ParserResult {
  medianMs: number | null;
  runs: number;
  file: string;
  error?: string;
}

export interface BenchResult {
  machine: Machine;
  at: string;
  options: Record<string, unknown>;
  ingest?: IngestResult;
  alertLatency?: AlertLatencyResult;
  riskEngine?: RiskResult;
  sweep?: SweepResult;
  province?: ProvinceResult;
  parser?: ParserResult;
  targets?: TargetCheck[];
}

export interface TargetCheck {
  what: string;
  target: string;
  value: string;
  ok: boolean | null; // null: not measured
}

/** How much the ns/eval may grow from the smallest to the largest size and still count as flat. */
export const FLAT_FACTOR = 1.5;

const fmt = (v: number | null | undefined, digits = 1) => (v == null ? '—' : v.toFixed(digits));
/** A ratio: two decimals, or two significant digits when it is that small (0.0011, not 0.00). */
const ratioText = (v: number | null | undefined) =>
  v == null ? '—' : v !== 0 && Math.abs(v) < 0.1 ? v.toPrecision(2) : v.toFixed(2);

const int = (v: number | null | undefined) => (v == null ? '—' : Math.round(v).toLocaleString('en-US'));

/** The benchmark targets against a result. Pure. */
export function checkTargets(r: BenchResult): TargetCheck[] {
  const out: TargetCheck[] = [];
  const add = (
    what: string,
    target: string,
    value: number | null | undefined,
    ok: (v: number) => boolean,
    shown = fmt(value),
  ) => out.push({ what, target, value: value == null ? '—' : shown, ok: value == null ? null : ok(value) });
  if (r.ingest) {
    add('ingest / ceiling A', '≥ 0.50', r.ingest.ratioA, (v) => v >= 0.5, ratioText(r.ingest.ratioA));
    add('ingest / baseline C', '≥ 10×', r.ingest.ratioC, (v) => v >= 10, `${fmt(r.ingest.ratioC, 1)}×`);
    add('ingest peak RSS', '≤ 300 MB', r.ingest.peakRssMb, (v) => v <= 300, `${fmt(r.ingest.peakRssMb, 0)} MB`);
  }
  if (r.alertLatency)
    add('alert latency p95', '≤ 1000 ms', r.alertLatency.p95Ms, (v) => v <= 1000, `${fmt(r.alertLatency.p95Ms, 0)} ms`);
  if (r.riskEngine) {
    const values = Object.values(r.riskEngine.nsPerEval);
    const worst = values.some((v) => v == null) ? null : Math.max(...(values as number[]));
    add('risk evaluation', '≤ 1000 ns', worst, (v) => v <= 1000, `${fmt(worst, 0)} ns (worst size)`);
    // Flat: no size costs more than FLAT_FACTOR × another, whichever way it leans.
    const spread =
      worst !== null && Math.min(...(values as number[])) > 0 ? worst / Math.min(...(values as number[])) : null;
    add('risk evaluation flat', `max/min over sizes ≤ ${FLAT_FACTOR}`, spread, (v) => v <= FLAT_FACTOR, fmt(spread, 2));
  }
  if (r.sweep) {
    add(
      `sweep of ${r.sweep.indicators} (next day)`,
      '≤ 30 s',
      r.sweep.newDaySeconds ?? null,
      (v) => v <= 30,
      `${fmt(r.sweep.newDaySeconds ?? null)} s`,
    );
    add(
      `sweep of ${r.sweep.indicators} (same day)`,
      '≤ 30 s',
      r.sweep.seconds,
      (v) => v <= 30,
      `${fmt(r.sweep.seconds)} s`,
    );
    add(
      `sweep of ${r.sweep.indicators} (first)`,
      '≤ 30 s',
      r.sweep.firstSeconds,
      (v) => v <= 30,
      `${fmt(r.sweep.firstSeconds)} s`,
    );
  }
  if (r.province) {
    const p = r.province;
    const n = p.indicators == null ? `${p.agencies} agencies` : `${int(p.indicators)} indicators`;
    add(`province import (${n})`, '≤ 60 s', p.importSeconds, (v) => v <= 60, `${fmt(p.importSeconds)} s`);
    add(
      'province: alerting start',
      '≤ 10 s',
      p.alertingStartSeconds,
      (v) => v <= 10,
      `${fmt(p.alertingStartSeconds)} s`,
    );
    add('province: status start', '≤ 10 s', p.statusStartSeconds, (v) => v <= 10, `${fmt(p.statusStartSeconds)} s`);
    add(
      'province: alerting peak RSS',
      '≤ 300 MB',
      p.alertingPeakRssMb,
      (v) => v <= 300,
      `${fmt(p.alertingPeakRssMb, 0)} MB`,
    );
    add('province: status peak RSS', '≤ 300 MB', p.statusPeakRssMb, (v) => v <= 300, `${fmt(p.statusPeakRssMb, 0)} MB`);
  }
  if (r.parser)
    add('seed parse (median)', '≤ 20 ms', r.parser.medianMs, (v) => v <= 20, `${fmt(r.parser.medianMs, 2)} ms`);
  return out;
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...(r[i] ?? '')].length)));
  return rows
    .map((r) =>
      r
        .map((c, i) => c + ' '.repeat(widths[i] - [...c].length))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** The human-readable summary printed at the end of a run. Pure. */
export function renderReport(r: BenchResult): string {
  const lines: string[] = [];
  const m = r.machine;
  lines.push(`Indicator Watch bench — ${r.at}`);
  lines.push(
    `machine: ${m.cpu}, ${m.cores} cores, ${m.memGb} GB, ${m.os}, Node ${m.node}; Kafka ${m.kafka}, ${m.mongo}; load ${m.loadAvg.map((l) => l.toFixed(2)).join(' ')}`,
  );
  lines.push('');
  const rows: string[][] = [['figure', 'value', 'note']];
  if (r.ingest) {
    const i = r.ingest;
    const span =
      i.committed != null
        ? `only ${int(i.committed)} committed in ${fmt(i.seconds)} s`
        : `spawn → lag 0 committed${i.seconds ? ` in ${fmt(i.seconds)} s` : ''}`;
    rows.push(['ingest events/s', int(i.eventsPerSec), `${int(i.events)} events, ${i.partitions} partitions, ${span}`]);
    rows.push([
      '  ceiling A events/s',
      int(i.ceilingAPerSec),
      i.ceilingA ? `bare eachBatch consumer, ${i.ceilingA.batches} batches of ~${int(i.ceilingA.meanBatch)}` : '',
    ]);
    rows.push([
      '  ceiling B events/s',
      int(i.ceilingBPerSec),
      i.ceilingB ? `${int(i.ceilingB.writes)} writes in ${i.ceilingB.bulkWrites} commands` : '',
    ]);
    rows.push([
      '  baseline C events/s',
      int(i.baselineCPerSec),
      i.baselineC
        ? `${int(i.baselineC.events)} events in ${fmt(i.baselineC.seconds)} s${i.baselineC.bounded ? ' (bounded subset)' : ''}`
        : '',
    ]);
    rows.push(['  ingest / A', ratioText(i.ratioA), '']);
    rows.push(['  ingest / B', ratioText(i.ratioB), '']);
    rows.push(['  ingest / C', i.ratioC == null ? '—' : `${fmt(i.ratioC, 1)}×`, '']);
    rows.push([
      '  ingest peak RSS',
      i.peakRssMb == null ? '—' : `${fmt(i.peakRssMb, 0)} MB`,
      'VmHWM of the ingest process',
    ]);
    if (i.profile)
      rows.push([
        '  profiled ingest events/s',
        int(i.profile.eventsPerSec),
        `under --cpu-prof, ${int(i.profile.committed)} events: ${i.profile.file}`,
      ]);
    if (i.cpuSeconds != null)
      rows.push(['  ingest CPU', `${fmt(i.cpuSeconds, 1)} s`, 'user + system of the ingest process, spawn → drained']);
    if (i.eventLog)
      rows.push([
        '  event-id log',
        `${int(i.eventLog.segments)} segments`,
        `${int(i.eventLog.ids)} ids, read back by a fresh process in ${int(i.eventLog.loadMs)} ms`,
      ]);
    if (i.collections) rows.push(collectionsRow(i.collections));
    if (i.shutdown) rows.push(['  ingest shutdown', 'unclean', i.shutdown.split('\n')[0]]);
    if (i.error) rows.push(['  error', i.error.split('\n')[0], '']);
  }
  if (r.alertLatency) {
    const a = r.alertLatency;
    rows.push([
      'alert latency p50/p95/max',
      a.p50Ms == null ? '—' : `${int(a.p50Ms)} / ${int(a.p95Ms)} / ${int(a.maxMs)} ms`,
      `${a.mails} of ${a.indicators} mails; ${a.how}`,
    ]);
    if (a.firstMs != null)
      rows.push([
        '  first mail of the burst',
        `${int(a.firstMs)} ms`,
        a.mailsPerSec != null ? `then ${fmt(a.mailsPerSec)} mails/s` : '',
      ]);
    if (a.singleMs != null)
      rows.push(['  one alert alone', `${int(a.singleMs)} ms`, 'the warm-up: a single tipping event']);
    if (a.split) {
      const show = (x: Spread) => (x.p50Ms == null ? '—' : `${int(x.p50Ms)} / ${int(x.p95Ms)} / ${int(x.maxMs)} ms`);
      rows.push([
        '  of which ingest',
        show(a.split.ingest),
        "publish → the unit's indicators.progress message, p50/p95/max",
      ]);
      rows.push(['  of which alerting', show(a.split.alerting), 'that message → SMTP accepted, p50/p95/max']);
    }
    if (a.error) rows.push(['  error', a.error.split('\n')[0], '']);
  }
  if (r.riskEngine) {
    for (const [size, ns] of Object.entries(r.riskEngine.nsPerEval))
      rows.push([`risk ns/eval @ ${int(Number(size))}`, fmt(ns, 0), '']);
    if (r.riskEngine.error) rows.push(['  error', r.riskEngine.error.split('\n')[0], '']);
  }
  if (r.sweep) {
    const s = r.sweep;
    rows.push([
      `sweep of ${int(s.indicators)} indicators`,
      s.newDaySeconds == null ? '—' : `${fmt(s.newDaySeconds)} s`,
      `the next day's; same day ${fmt(s.seconds)} s; first sweep ${fmt(s.firstSeconds)} s; ${int(s.units)} units; ${s.how}`,
    ]);
    if (s.newDayWrites)
      rows.push([
        "  the next day's writes",
        '',
        `${int(s.newDayWrites.projectEvaluations)} project evaluation documents, ${int(s.newDayWrites.alerts)} alerts, ${int(s.newDayWrites.notifications)} notifications`,
      ]);
    if (s.collections) rows.push(collectionsRow(s.collections));
    if (s.error) rows.push(['  error', s.error.split('\n')[0], '']);
  }
  if (r.province) {
    const p = r.province;
    rows.push([
      `province of ${p.agencies} agencies`,
      p.importSeconds == null ? '—' : `${fmt(p.importSeconds)} s`,
      `import of ${int(p.projects)} projects, ${int(p.indicators)} indicators; ${p.how}`,
    ]);
    rows.push([
      '  alerting start / peak RSS',
      `${fmt(p.alertingStartSeconds)} s / ${fmt(p.alertingPeakRssMb, 0)} MB`,
      'spawn → started (catalogue loaded); VmHWM through its first sweep',
    ]);
    rows.push(['  full evaluation', `${fmt(p.evaluateSeconds)} s`, `alerting's first sweep, ${int(p.units)} units`]);
    rows.push([
      '  status start / peak RSS',
      `${fmt(p.statusStartSeconds)} s / ${fmt(p.statusPeakRssMb, 0)} MB`,
      'spawn → GET /api/agencies answered; VmHWM by then',
    ]);
    if (p.error) rows.push(['  error', p.error.split('\n')[0], '']);
  }
  if (r.parser) {
    rows.push([
      'seed parse median',
      r.parser.medianMs == null ? '—' : `${fmt(r.parser.medianMs, 2)} ms`,
      `${r.parser.runs} runs`,
    ]);
    if (r.parser.error) rows.push(['  error', r.parser.error.split('\n')[0], '']);
  }
  lines.push(table(rows));
  const checks = r.targets ?? checkTargets(r);
  if (checks.length) {
    lines.push('');
    lines.push(
      table([
        ['target', 'wanted', 'measured', ''],
        ...checks.map((c) => [c.what, c.target, c.value, c.ok === null ? 'not measured' : c.ok ? 'met' : 'MISSED']),
      ]),
    );
  }
  const p = r.ingest?.profile;
  if (p) {
    lines.push('');
    lines.push(
      `ingest CPU profile: ${fmt(p.busyMs / 1000)} s busy of ${fmt(p.wallMs / 1000)} s (GC ${fmt(p.gcMs / 1000)} s)`,
    );
    lines.push(
      table([
        ['package', 'self ms', '% busy'],
        ...p.byPackage.slice(0, 10).map((x) => [x.package, int(x.selfMs), fmt(x.pct)]),
      ]),
    );
    lines.push(
      table([
        ['function', 'where', 'self ms', '% busy'],
        ...p.top.slice(0, 12).map((x) => [x.name, x.where, int(x.selfMs), fmt(x.pct)]),
      ]),
    );
  }
  return lines.join('\n');
}

/** The documents each non-empty collection holds after a stage. */
function collectionsRow(sizes: Record<string, number>): [string, string, string] {
  const held = Object.entries(sizes).filter(([, n]) => n > 0);
  return ['  collections after', '', held.map(([c, n]) => `${c} ${int(n)}`).join(', ')];
}
