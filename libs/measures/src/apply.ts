import { localDate } from '@iw/clock';
import { copyState } from './copy';
import type { Period } from './period';
import type { DailyPoint, KeptReading, Likelihood, MeasureKind, Progress } from './progress';

/**
 * Applying contributions to one tracked unit's Progress — pure and deterministic.
 *
 * Order independence: every measure is computed so that the result does not depend on the
 * order events arrive in (sums and sets commute; `latest` and `milestone` keep the reading
 * with the greatest (occurredAt, eventId)). The daily history is the source of truth: each
 * point holds the raw state at the end of its local day, a late event updates its day and the
 * days after it, and the top-level fields mirror the last point.
 *
 * Exactly once: `applied` records, per Kafka source partition, the highest offset already
 * applied to this unit. A consumer applies a partition's messages in offset order and writes
 * each unit's Progress atomically, so the offsets applied to a unit are always a prefix of the
 * partition: anything at or below the mark is a redelivery and is skipped.
 */

export interface KafkaPosition {
  topic: string;
  partition: number;
  /** Kafka offset; offsets stay far below 2^53. */
  offset: number;
}

/** What one event gives one tracked unit, already reduced from the event by its binding. */
export type MeasureInput =
  | { kind: 'add'; value: number } // sum, count (value 1), measurements increment
  | { kind: 'ratio'; numerator: number; denominator: number } // ratio; mean (value, weight)
  | { kind: 'distinct'; value: string }
  | { kind: 'reading'; value: number; numerator?: number; denominator?: number } // max, min, latest
  | { kind: 'milestone'; done: boolean }
  | { kind: 'assessment'; likelihood: Likelihood; text: string };

export interface MeasureContribution {
  trackedId: string;
  eventId: string;
  /** ISO instant with offset, from the event. */
  occurredAt: string;
  input: MeasureInput;
  /**
   * A correction takes this contribution back: `eventId`, `occurredAt` and `input` are the
   * corrected event's, as it fed the unit; its effect is removed (positioned at the correction,
   * so the fence counts the removal once).
   */
  retract?: true;
}

export interface AppliedEvent extends MeasureContribution {
  /** Where the event was read from: the exactly-once fence is kept per partition. */
  position: KafkaPosition;
}

/** What a unit's Progress starts from; taken from its TrackedUnit. */
export interface ProgressInit {
  id: string;
  measure: MeasureKind;
  period: Period;
  scale?: number;
  of?: number | null;
}

/** Which inputs each measure takes (assessments go with any: a manual 完成目标可能性). */
const ACCEPTS: Record<MeasureKind, MeasureInput['kind']> = {
  sum: 'add',
  count: 'add',
  ratio: 'ratio',
  mean: 'ratio',
  distinct: 'distinct',
  max: 'reading',
  min: 'reading',
  latest: 'reading',
  milestone: 'milestone',
  assessment: 'assessment',
};

export function accepts(measure: MeasureKind, input: MeasureInput['kind']): boolean {
  return input === 'assessment' || ACCEPTS[measure] === input;
}

/**
 * A MongoDB-safe field name for a source partition: Kafka topic names may contain `.` (and
 * legal names never contain `%` or `@`), so `.` becomes `%2E` and the partition follows `@`.
 * `actuals.cases`, partition 3 → `actuals%2Ecases@3`. Injective.
 */
export function partitionKey(topic: string, partition: number): string {
  return `${topic.replace(/%/g, '%25').replace(/\./g, '%2E').replace(/\$/g, '%24')}@${partition}`;
}

export function newProgress(init: ProgressInit): Progress {
  return recomputeActuals({
    id: init.id,
    measure: init.measure,
    actual: null,
    eventCount: 0,
    firstEventAt: null,
    lastEventAt: null,
    history: [],
    period: { ...init.period },
    scale: init.scale ?? 1,
    ...(init.of !== undefined ? { of: init.of } : {}),
    applied: {},
    version: 0,
  });
}

/**
 * `progress` (or a new one from `init`) with `events` applied; events whose (partition,
 * offset) is at or below the recorded mark are skipped, so replaying a batch — the same range
 * or an overlapping one — changes nothing. `init` is authoritative for period, scale and `of`
 * (a re-imported catalogue may move a deadline); a changed measure needs a rebuild and throws.
 * Local dates of the history are in `timeZone`. Never mutates its arguments.
 */
export function applyEvents(
  progress: Progress | null,
  init: ProgressInit,
  events: readonly AppliedEvent[],
  timeZone: string,
): Progress {
  if (progress && progress.id !== init.id) throw new Error(`progress ${progress.id} given with init for ${init.id}`);
  if (progress && progress.measure !== init.measure) {
    throw new Error(`${init.id}: measure changed from ${progress.measure} to ${init.measure}; rebuild its progress`);
  }
  const p: Progress = progress ? copyState(progress) : newProgress(init);
  p.applied ??= {};
  p.version ??= 0;
  p.period = { ...init.period };
  p.scale = init.scale ?? 1;
  if (init.of !== undefined) p.of = init.of;
  else delete p.of;

  // Within one partition, offsets must be applied in order for the mark to be a prefix.
  const ordered = inOrder(events);

  // The marks as stored: one message may give a unit several contributions (a correction's
  // removal of the event it corrects, and its own), all at its position.
  const marks = { ...p.applied };
  const fresh: Array<{ e: AppliedEvent; t: number }> = [];
  const retracted: AppliedEvent[] = [];
  let skipped = 0;
  for (const { e, key } of ordered) {
    if (e.trackedId !== p.id) throw new Error(`contribution for ${e.trackedId} applied to ${p.id}`);
    if (!accepts(p.measure, e.input.kind))
      throw new Error(`${p.id}: a ${p.measure} measure cannot take a ${e.input.kind} input`);
    const mark = marks[key];
    if (mark !== undefined && e.position.offset <= mark) continue;
    p.applied[key] = e.position.offset;
    const t = Date.parse(e.occurredAt);
    if (!Number.isFinite(t)) throw new Error(`${p.id}: occurredAt ${e.occurredAt} is not an instant`);
    if (e.retract) retracted.push(e);
    else if (p.unmatched?.includes(e.eventId)) {
      // Taken back before it came (its batch replayed after the correction's): it never counts.
      p.unmatched = p.unmatched.filter((id) => id !== e.eventId);
      if (p.unmatched.length === 0) delete p.unmatched;
      skipped++;
    } else fresh.push({ e, t });
  }
  if (fresh.length === 0 && retracted.length === 0 && skipped === 0) return recomputeActuals(p);
  if (fresh.length > 0) {
    count(p, fresh);
    applyAll(p, fresh, timeZone);
    keepReadings(p, fresh, timeZone);
  }
  if (retracted.length > 0) retract(p, retracted, timeZone);
  p.version += 1;
  return recomputeActuals(p);
}

/** Measures whose figures are picks among readings, not sums: a removal recomputes them from the readings kept. */
const PICKED: ReadonlySet<MeasureKind> = new Set(['max', 'min', 'latest', 'milestone']);

/**
 * Readings a unit keeps so that a correction can remove one exactly (max, min, latest,
 * milestone): the most recent MAX_READINGS one by one; older ones are folded, a local day at a
 * time, into that day's pick (what the day shows). Kept in (occurredAt, eventId) order, so the
 * state does not depend on arrival order.
 */
export const MAX_READINGS = 1000;

function keepReadings(p: Progress, fresh: ReadonlyArray<{ e: AppliedEvent; t: number }>, timeZone: string): void {
  if (!PICKED.has(p.measure)) return;
  const added = fresh.filter((f) => f.e.input.kind !== 'assessment');
  if (added.length === 0) return;
  // Each reading's instant parsed once (a sort comparing the texts parsed them millions of times a batch).
  const kept: Timed[] = (p.readings ?? []).map((r) => ({ r, t: Date.parse(r.occurredAt) }));
  const known = new Set(kept.map((k) => k.r.eventId));
  for (const { e, t } of added)
    if (!known.has(e.eventId)) {
      kept.push({ r: { eventId: e.eventId, occurredAt: e.occurredAt, input: e.input }, t });
      known.add(e.eventId);
    }
  // Stored readings are in order already: usually only the new ones need sorting in.
  if (!isSorted(kept)) kept.sort(byTime);
  let loose = 0;
  for (const k of kept) if (!k.r.folded) loose++;
  if (loose <= MAX_READINGS) {
    p.readings = kept.map((k) => k.r);
    return;
  }
  // The day of the oldest loose reading folds, then the next one's, until few enough stay loose:
  // all of a day's readings (folded or not) become its pick, kept in (occurredAt, eventId) order.
  const dates = kept.map((k) => localDate(k.t, timeZone));
  const byDate = new Map<string, number[]>();
  dates.forEach((d, i) => {
    const list = byDate.get(d);
    if (list) list.push(i);
    else byDate.set(d, [i]);
  });
  const pickOf = new Map<string, number>(); // folded day → index of its pick
  for (let i = 0; i < kept.length && loose > MAX_READINGS; i++) {
    if (kept[i].r.folded || pickOf.has(dates[i])) continue;
    const ofDay = byDate.get(dates[i])!;
    let pick = ofDay[0];
    for (const j of ofDay) {
      if (j !== pick && picks(p.measure, kept[j], kept[pick])) pick = j;
      if (!kept[j].r.folded) loose--;
    }
    pickOf.set(dates[i], pick);
  }
  const out: KeptReading[] = [];
  kept.forEach((k, i) => {
    const pick = pickOf.get(dates[i]);
    if (pick === undefined) out.push(k.r);
    else if (pick === i) out.push(k.r.folded ? k.r : { ...k.r, folded: true as const });
  });
  p.readings = out;
}

/** A kept reading and its instant. */
interface Timed {
  r: KeptReading;
  t: number;
}

function byTime(a: Timed, b: Timed): number {
  const d = a.t - b.t;
  return d !== 0 ? d : a.r.eventId < b.r.eventId ? -1 : a.r.eventId > b.r.eventId ? 1 : 0;
}

function isSorted(list: readonly Timed[]): boolean {
  for (let i = 1; i < list.length; i++) if (byTime(list[i - 1], list[i]) > 0) return false;
  return true;
}

/** Whether reading `b` is what its day shows rather than `a`. */
function picks(measure: MeasureKind, b: Timed, a: Timed): boolean {
  const vb = b.r.input.kind === 'reading' ? b.r.input.value : 0;
  const va = a.r.input.kind === 'reading' ? a.r.input.value : 0;
  if (measure === 'max') return vb > va;
  if (measure === 'min') return vb < va;
  return byTime(a, b) < 0; // latest, milestone: the later
}

/**
 * Removes each retracted contribution's effect: sums and ratios subtract it from its day on;
 * distinct takes one sighting of the value back (it then counts from its next earliest day, or
 * no more); an assessment leaves the list; max, min, latest and milestone recompute from the
 * readings kept without it. eventCount goes down by one each; firstEventAt and lastEventAt stay
 * (they say when events came, corrected or not).
 */
function retract(p: Progress, retracted: readonly AppliedEvent[], timeZone: string): void {
  let recompute = false;
  // A removal that finds nothing to remove: the corrected event has not reached this unit yet
  // (its batch is replayed after a crash, while the correction came on another partition). It
  // is remembered, and the event skipped when it comes; sums and ratios need not (they commute).
  const unmatched = (e: AppliedEvent) => {
    p.unmatched = [...(p.unmatched ?? []), e.eventId];
    p.eventCount += 1;
  };
  p.eventCount -= retracted.length;
  for (const e of retracted) {
    const input = e.input;
    if (input.kind === 'assessment') {
      const all = (p.assessments ??= p.assessment ? [p.assessment] : []);
      const i = all.findIndex((a) => a.eventId === e.eventId);
      if (i >= 0) all.splice(i, 1);
      else if (p.assessment?.eventId !== e.eventId) unmatched(e);
      if (i >= 0 || p.assessment?.eventId === e.eventId) p.assessment = all[all.length - 1] ?? null;
      continue;
    }
    if (PICKED.has(p.measure)) {
      const kept = p.readings ?? [];
      const i = kept.findIndex((r) => r.eventId === e.eventId && !r.folded);
      // A reading folded into its day's pick and not the pick itself changed nothing; a folded pick stays.
      if (i >= 0) {
        kept.splice(i, 1);
        recompute = true;
      } else if (!kept.some((r) => r.eventId === e.eventId)) unmatched(e);
      continue;
    }
    const date = localDate(Date.parse(e.occurredAt), timeZone);
    if (input.kind === 'distinct') {
      if (!undistinct(p, input.value, date)) unmatched(e);
      continue;
    }
    const h = p.history;
    // From its day on (a point carrying the day before, if that day has none: a removal may come first).
    for (let j = ensurePoint(h, date); j < h.length; j++) {
      if (input.kind === 'add') h[j].numerator = (h[j].numerator ?? 0) - input.value;
      else if (input.kind === 'ratio') {
        h[j].numerator = (h[j].numerator ?? 0) - input.numerator;
        h[j].denominator = (h[j].denominator ?? 0) - input.denominator;
      }
    }
  }
  if (recompute) {
    // The picked measures' history is a function of their readings alone.
    const q = newProgress({ id: p.id, measure: p.measure, period: p.period, scale: p.scale, of: p.of });
    const readings = (p.readings ?? []).map((r) => ({
      e: { trackedId: p.id, eventId: r.eventId, occurredAt: r.occurredAt, input: r.input, position: NOWHERE },
      t: Date.parse(r.occurredAt),
    }));
    if (readings.length > 0) applyAll(q, readings, timeZone);
    p.history = q.history;
    if (p.measure === 'milestone') {
      p.doneAt = q.doneAt ?? null;
      p.undoneAt = q.undoneAt ?? null;
    }
  }
}

const NOWHERE: KafkaPosition = { topic: '', partition: 0, offset: 0 };

/** distinct: one sighting of `value` on `date` taken back; false when there was none. */
function undistinct(p: Progress, value: string, date: string): boolean {
  const seen = p.distinctSeen ?? [];
  const s = seen.find((x) => x.value === value);
  if (!s) return false;
  const days = (s.days ??= { [s.date]: 1 });
  if (!days[date]) return false;
  if (--days[date] === 0) delete days[date];
  const next = Object.keys(days).sort()[0];
  // The value counted from s.date on; now from `next` on (or no more).
  for (const pt of p.history)
    if (pt.date >= s.date && (next === undefined || pt.date < next)) pt.numerator = (pt.numerator ?? 0) - 1;
  if (next === undefined) seen.splice(seen.indexOf(s), 1);
  else s.date = next;
  return true;
}

/**
 * The events by partition, then offset (stable). Ingest hands over one partition's batch in
 * offset order: then nothing needs sorting.
 */
function inOrder(events: readonly AppliedEvent[]): Array<{ e: AppliedEvent; key: string }> {
  const keys = new Map<string, Map<number, string>>();
  let sorted = true;
  // The key of the previous event's partition: a batch's events share one, so it is built once.
  let topic: string | undefined;
  let partition = -1;
  let key = '';
  const out = events.map((e, i) => {
    const prevKey = key;
    if (e.position.topic !== topic || e.position.partition !== partition) {
      ({ topic, partition } = e.position);
      let ofTopic = keys.get(topic);
      if (!ofTopic) keys.set(topic, (ofTopic = new Map<number, string>()));
      let k = ofTopic.get(partition);
      if (k === undefined) ofTopic.set(partition, (k = partitionKey(topic, partition)));
      key = k;
    }
    if (sorted && i > 0 && (prevKey > key || (prevKey === key && events[i - 1].position.offset > e.position.offset)))
      sorted = false;
    return { e, i, key };
  });
  if (!sorted)
    out.sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : a.e.position.offset - b.e.position.offset || a.i - b.i,
    );
  return out;
}

/** eventCount, firstEventAt and lastEventAt, each instant parsed once. */
function count(p: Progress, fresh: ReadonlyArray<{ e: AppliedEvent; t: number }>): void {
  p.eventCount += fresh.length;
  let first = p.firstEventAt;
  let firstT = first === null ? NaN : Date.parse(first);
  let last = p.lastEventAt;
  let lastT = last === null ? NaN : Date.parse(last);
  for (const { e, t } of fresh) {
    if (first === null || t < firstT || (t === firstT && e.occurredAt < first)) {
      first = e.occurredAt;
      firstT = t;
    }
    if (last === null || lastT < t || (t === lastT && last < e.occurredAt)) {
      last = e.occurredAt;
      lastT = t;
    }
  }
  p.firstEventAt = first;
  p.lastEventAt = last;
}

/**
 * The events' effect on the history, in O(events + days) for the cumulative measures: the days
 * they fall on are added at once, then one pass carries each day's change to the days after
 * it. Readings and assessments, which keep one event per day, go one event at a time. Gives
 * what applying the events one by one gives (apply.spec checks it against that).
 */
function applyAll(p: Progress, fresh: ReadonlyArray<{ e: AppliedEvent; t: number }>, timeZone: string): void {
  const rest: Array<{ e: AppliedEvent; t: number }> = [];
  const dated: Array<{ e: AppliedEvent; date: string }> = [];
  for (const f of fresh) {
    const kind = f.e.input.kind;
    if (kind === 'assessment' || kind === 'milestone' || (kind === 'reading' && p.measure === 'latest')) rest.push(f);
    else dated.push({ e: f.e, date: localDate(f.t, timeZone) });
  }
  if (dated.length > 0) {
    const index = ensurePoints(
      p.history,
      dated.map((d) => d.date),
    );
    const h = p.history;
    if (p.measure === 'distinct') {
      // Per value, the earliest day the events show it; then as one event of that day.
      const earliest = new Map<string, string>();
      const sightings = new Map<string, Record<string, number>>();
      for (const { e, date } of dated) {
        const v = (e.input as { value: string }).value;
        const d = earliest.get(v);
        if (d === undefined || date < d) earliest.set(v, date);
        const days = sightings.get(v) ?? {};
        days[date] = (days[date] ?? 0) + 1;
        sightings.set(v, days);
      }
      for (const [value, date] of earliest) distinctFrom(p, value, date, index.get(date)!, sightings.get(value)!);
    } else if (p.measure === 'max' || p.measure === 'min') {
      const pick = p.measure === 'max' ? Math.max : Math.min;
      const byDay = new Array<number | undefined>(h.length);
      for (const { e, date } of dated) {
        const v = (e.input as { value: number }).value;
        const i = index.get(date)!;
        byDay[i] = byDay[i] === undefined ? v : pick(byDay[i], v);
      }
      let running: number | undefined;
      for (let j = 0; j < h.length; j++) {
        if (byDay[j] !== undefined) running = running === undefined ? byDay[j] : pick(running, byDay[j]!);
        if (running !== undefined) h[j].value = h[j].value === undefined ? running : pick(h[j].value!, running);
      }
    } else {
      // add (sum, count, increments) and ratio (ratio, mean): per-day changes, carried forward.
      const num = new Array<number>(h.length).fill(0);
      const den = new Array<number>(h.length).fill(0);
      const touched = new Array<boolean>(h.length).fill(false);
      let from = h.length;
      for (const { e, date } of dated) {
        const i = index.get(date)!;
        const input = e.input;
        if (input.kind === 'add') num[i] += input.value;
        else if (input.kind === 'ratio') {
          num[i] += input.numerator;
          den[i] += input.denominator;
          touched[i] = true;
        }
        if (i < from) from = i;
      }
      let n = 0;
      let d = 0;
      let ratio = false;
      for (let j = from; j < h.length; j++) {
        n += num[j];
        d += den[j];
        ratio ||= touched[j];
        h[j].numerator = (h[j].numerator ?? 0) + n;
        if (ratio) h[j].denominator = (h[j].denominator ?? 0) + d;
      }
    }
  }
  for (const { e } of rest) applyOne(p, e, timeZone);
}

/** distinct: `value` seen on `date` (history index `i`). */
function distinctFrom(p: Progress, value: string, date: string, i: number, sightings: Record<string, number>): void {
  const h = p.history;
  const seen = (p.distinctSeen ??= []);
  const known = seen.find((s) => s.value === value);
  // How many events saw it on each day, so that a correction can take one back.
  const days = known ? (known.days ??= { [known.date]: 1 }) : {};
  for (const [d, n] of Object.entries(sightings)) days[d] = (days[d] ?? 0) + n;
  // A new value counts from its day on; a value seen again earlier than before moves its first day back.
  const until = known ? known.date : null;
  if (known && known.date <= date) return;
  if (known) known.date = date;
  else seen.push({ value, date, days });
  for (let j = i; j < h.length && (until === null || h[j].date < until); j++)
    h[j].numerator = (h[j].numerator ?? 0) + 1;
}

/** One event, one day: assessments, latest readings, milestones. */
function applyOne(p: Progress, e: MeasureContribution, timeZone: string): void {
  const t = Date.parse(e.occurredAt);
  const input = e.input;
  if (input.kind === 'assessment') {
    const a = p.assessment;
    const made = { likelihood: input.likelihood, text: input.text, at: e.occurredAt, eventId: e.eventId };
    if (!a || newer(t, e.eventId, a.at, a.eventId)) p.assessment = made;
    // Every assessment, oldest first, so a back-dated report reads the one made by then.
    const all = (p.assessments ??= a ? [a] : []);
    if (!all.some((x) => x.eventId === e.eventId && x.at === e.occurredAt)) {
      let i = all.length;
      while (i > 0 && newer(Date.parse(all[i - 1].at), all[i - 1].eventId ?? '', e.occurredAt, e.eventId)) i--;
      all.splice(i, 0, made);
    }
    return; // the history charts the measure, not assessments
  }

  const date = localDate(t, timeZone);
  const h = p.history;
  const i = ensurePoint(h, date);
  switch (input.kind) {
    case 'reading':
      setIfNewer(h[i], t, e, input.value, input);
      break;
    case 'milestone':
      setIfNewer(h[i], t, e, input.done ? 1 : 0);
      applyMilestone(p, t, e.occurredAt, input.done);
      break;
    default:
      throw new Error(`${p.id}: a ${input.kind} input goes with the cumulative measures`);
  }
}

/** latest/milestone: a day's point keeps the reading with the greatest (occurredAt, eventId). */
function setIfNewer(
  pt: DailyPoint,
  t: number,
  e: MeasureContribution,
  value: number,
  ratio?: { numerator?: number; denominator?: number },
): void {
  if (pt.latestAt !== undefined && !newer(t, e.eventId, pt.latestAt, pt.latestEventId)) return;
  pt.value = value;
  pt.latestAt = e.occurredAt;
  pt.latestEventId = e.eventId;
  if (ratio?.numerator !== undefined) {
    pt.numerator = ratio.numerator;
    pt.denominator = ratio.denominator;
  } else if (ratio) {
    delete pt.numerator;
    delete pt.denominator;
  }
}

/**
 * doneAt: the earliest `done: true` after the latest `done: false`. Exact unless a late
 * `false` lands between several `true`s; then the latest `true` is kept (an upper bound).
 */
function applyMilestone(p: Progress, t: number, at: string, done: boolean): void {
  const last = p.history[p.history.length - 1];
  const isDone = last?.value === 1;
  if (done) {
    const afterUndo = !p.undoneAt || t > Date.parse(p.undoneAt);
    if (isDone && afterUndo && (!p.doneAt || t < Date.parse(p.doneAt))) p.doneAt = at;
  } else {
    if (!p.undoneAt || t > Date.parse(p.undoneAt)) p.undoneAt = at;
    if (p.doneAt && Date.parse(p.doneAt) <= Date.parse(p.undoneAt)) p.doneAt = isDone ? last.latestAt! : null;
  }
  if (!isDone) p.doneAt = null;
}

/**
 * Adds a point for each of `dates` the history lacks, each carrying the state of the day before
 * it (as ensurePoint does one at a time); returns the index of every date's point.
 */
function ensurePoints(h: DailyPoint[], dates: readonly string[]): Map<string, number> {
  const wanted = [...new Set(dates)].sort();
  const have = new Set(h.map((pt) => pt.date));
  const missing = wanted.filter((d) => !have.has(d));
  if (missing.length > 0) {
    const merged: DailyPoint[] = [];
    let k = 0;
    for (let j = 0; j <= h.length; j++) {
      while (k < missing.length && (j === h.length || missing[k] < h[j].date)) {
        merged.push(carried(missing[k++], merged[merged.length - 1]));
      }
      if (j < h.length) merged.push(h[j]);
    }
    h.splice(0, h.length, ...merged);
  }
  const index = new Map<string, number>();
  const want = new Set(wanted);
  h.forEach((pt, i) => {
    if (want.has(pt.date)) index.set(pt.date, i);
  });
  return index;
}

/** A new point for `date` carrying the state of `prev`, the day before it. */
function carried(date: string, prev: DailyPoint | undefined): DailyPoint {
  const point: DailyPoint = { date, actual: null };
  if (prev) {
    for (const k of ['numerator', 'denominator', 'value', 'latestAt', 'latestEventId'] as const) {
      if (prev[k] !== undefined) (point as unknown as Record<string, unknown>)[k] = prev[k];
    }
  }
  return point;
}

/** Index of the point for `date`, inserting one that carries the previous day's state. */
function ensurePoint(h: DailyPoint[], date: string): number {
  let i = h.length;
  while (i > 0 && h[i - 1].date > date) i--;
  if (i > 0 && h[i - 1].date === date) return i - 1;
  h.splice(i, 0, carried(date, i > 0 ? h[i - 1] : undefined));
  return i;
}

/** Recomputes every `actual` from raw state and mirrors the last point at the top level. */
function recomputeActuals(p: Progress): Progress {
  const scale = p.scale ?? 1;
  for (const pt of p.history) pt.actual = actualOf(p.measure, pt, scale, p.of);
  const last = p.history[p.history.length - 1];
  const fixedOf = typeof p.of === 'number' && ['sum', 'count', 'distinct'].includes(p.measure);
  if (fixedOf) for (const pt of p.history) pt.denominator = p.of as number;

  p.actual = p.measure === 'assessment' || !last ? null : last.actual;
  assign(p, 'numerator', last?.numerator);
  assign(p, 'denominator', fixedOf ? (p.of as number) : last?.denominator);
  assign(p, 'value', last?.value);
  if (p.measure === 'latest' || p.measure === 'milestone') {
    p.latestAt = last?.latestAt ?? null;
    p.latestEventId = last?.latestEventId ?? null;
  }
  if (p.measure === 'milestone') {
    p.done = last?.value === 1;
    p.doneAt ??= null;
    p.undoneAt ??= null;
  }
  if (p.measure === 'distinct') {
    p.distinctSeen = [...(p.distinctSeen ?? [])].sort((a, b) => (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
    p.distinctValues = p.distinctSeen.map((s) => s.value);
    if (p.of !== undefined && p.of !== null) p.distinctOf = p.of;
  }
  if (p.assessment === undefined && p.measure === 'assessment') p.assessment = null;
  return p;
}

function actualOf(measure: MeasureKind, pt: DailyPoint, scale: number, of: number | null | undefined): number | null {
  switch (measure) {
    case 'sum':
    case 'count':
    case 'distinct': {
      const n = pt.numerator ?? 0;
      if (of === undefined) return n * scale;
      return of === null || of <= 0 ? null : (n / of) * scale;
    }
    case 'ratio':
    case 'mean':
      return pt.denominator ? ((pt.numerator ?? 0) / pt.denominator) * scale : null;
    case 'max':
    case 'min':
    case 'latest':
      return pt.value === undefined ? null : pt.value * scale;
    case 'milestone':
      return pt.value ?? null;
    case 'assessment':
      return null;
  }
}

function assign<K extends 'numerator' | 'denominator' | 'value'>(p: Progress, k: K, v: number | undefined): void {
  if (v === undefined) delete p[k];
  else p[k] = v;
}

function newer(
  t: number,
  eventId: string,
  at: string | undefined | null,
  atEventId: string | undefined | null,
): boolean {
  if (!at) return true;
  const u = Date.parse(at);
  return t > u || (t === u && eventId > (atEventId ?? ''));
}
