import { addDays } from '@iw/clock';
import { dayNumber, recurrencePeriods } from '@iw/risk';
import type { RecurringTarget, Target } from '@iw/targets';
import { fiscalDate, isWorkday, workdayOnOrAfter } from '../calendar';
import {
  AHEAD,
  UNDER,
  indexOf,
  weeklyIndices,
  workdayIndices,
  yearPlan,
  type Draft,
  type StreamContext,
} from '../context';
import { deliveries, type DeliveryOptions } from '../plan';
import { Rng } from '../prng';
import { goalOf, isExact, type UnitView } from '../view';

/** Counts are reported every other week; rates and levels once a quarter (the volume a laptop ingests with ease). */
const SUM_EVERY_WEEKS = 2;
const READING_MONTHS = [1, 4, 7, 10];
/** Milestones are reported done this many days before their deadline (outside every warning window). */
const DONE_DAYS_BEFORE = 45;
/** Qualitative indicators are assessed this many days before the period ends. */
const ASSESSED_DAYS_BEFORE = 45;

export interface Unfed {
  unitId: string;
  reason: string;
}

/**
 * The ops portal: direct readings (actuals.measurements) for every unit no binding feeds —
 * fortnightly increments of counts, quarterly readings of rates and levels, milestones done well
 * before their deadline, and a 确定能 assessment of each qualitative indicator in November.
 * Units no reading can satisfy (`<0`) are left alone and reported.
 */
export function measurementDrafts(ctx: StreamContext): { drafts: Draft[]; unfed: Unfed[] } {
  const drafts: Draft[] = [];
  const unfed: Unfed[] = [];
  for (const v of ctx.views) {
    if (v.binding || v.unit.kind === 'budget') continue;
    const key = `measurement:${v.unit.id}`;
    if (ctx.effects.find(key, 'silent')) continue;
    const made = unitDrafts(ctx, v, key);
    if (typeof made === 'string') unfed.push({ unitId: v.unit.id, reason: made });
    else drafts.push(...made);
  }
  return { drafts, unfed };
}

function unitDrafts(ctx: StreamContext, v: UnitView, key: string): Draft[] | string {
  const u = v.unit;
  const draft = (day: number, body: Record<string, unknown>, scenario?: string): Draft => ({
    role: 'measurements',
    date: ctx.dates[day],
    minute: Rng.for(ctx.seed, key, 'minute', day).int(9 * 60, 18 * 60),
    source: 'ops-portal',
    body: { indicatorId: u.id, ...body },
    ...(scenario ? { scenario } : {}),
  });
  switch (u.measure) {
    case 'sum':
      if (u.target.kind === 'recurring')
        return occurrenceDays(ctx, u.target, key).map((day) => draft(day, { kind: 'increment', value: 1 }));
      if (u.target.kind === 'relative' && u.target.baseline === undefined)
        return 'no base to compare with (缺少上年基数): last year is not simulated';
      return sums(ctx, v, key).map((d) => draft(d.day, { kind: 'increment', value: d.amount }));
    case 'latest': {
      const reading = readingFor(u.target, v.direction);
      if (reading === null) return `no reading meets ${describe(u.target)}`;
      return quarterlyDays(ctx, key).map((day) =>
        draft(day, { kind: 'set', value: reading(Rng.for(ctx.seed, key, day)) }),
      );
    }
    case 'milestone': {
      const day = milestoneDay(ctx, u.target, u.period.to);
      return day === null ? 'no date inside its window' : [draft(day, { kind: 'milestone', done: true })];
    }
    case 'assessment': {
      const assess = ctx.effects.find(key, 'assess');
      if (assess) {
        const day = indexOf(ctx, fiscalDate(ctx.fiscalYear, assess.effect.on));
        return [
          draft(
            day,
            { kind: 'assessment', likelihood: assess.effect.likelihood, text: assess.effect.text },
            assess.scenario,
          ),
        ];
      }
      if (u.target.kind === 'missing') return 'its target is missing';
      const day = indexOf(ctx, workdayOnOrAfter(addDays(u.period.to, -ASSESSED_DAYS_BEFORE)));
      const text = u.target.kind === 'qualitative' ? `按计划推进，预计“${u.target.text}”可以实现` : '按计划推进';
      return [draft(day, { kind: 'assessment', likelihood: '确定能', text })];
    }
    default:
      return `measure ${u.measure} is not fed by measurements`;
  }
}

/** Increments of a count or amount: floors ahead of pace, caps under it, ranges every working day. */
function sums(ctx: StreamContext, v: UnitView, key: string) {
  const goal = goalOf(v.unit.target) ?? 0;
  const integer = Number.isInteger(goal);
  const rngFor = (day: number) => Rng.for(ctx.seed, key, 'amount', day);
  let options: DeliveryOptions;
  let total: number;
  let days: number[];
  if (v.direction === 'cap') {
    if (goal <= 0) return []; // "none": nothing to report
    total = goal * UNDER;
    days = weeklyIndices(ctx, key, SUM_EVERY_WEEKS);
    options = { mode: 'arrears', rounding: integer ? 'down' : 'none', limit: goal, jitter: 0.02, rngFor };
  } else if (v.direction === 'range' && v.unit.target.kind === 'range') {
    // Both ends matter: near the middle, reported as it happens (no lumps that overshoot).
    total = (v.unit.target.min + v.unit.target.max) / 2;
    days = workdayIndices(ctx);
    options = { mode: 'arrears', rounding: 'nearest', limit: v.unit.target.max, jitter: 0, rngFor };
  } else {
    total = goal * AHEAD;
    days = weeklyIndices(ctx, key, SUM_EVERY_WEEKS);
    options = {
      mode: 'advance',
      rounding: integer ? 'up' : 'none',
      limit: isExact(v.unit.target) ? goal : Infinity,
      jitter: 0.02,
      rngFor,
    };
  }
  return deliveries(yearPlan(ctx, total), days, options);
}

/**
 * A recurring target's occurrences: each period's count (one when only the frequency is
 * written), one per working day from a working day early in the period, all before its due
 * day and outside its warning windows.
 */
function occurrenceDays(ctx: StreamContext, t: RecurringTarget, key: string): number[] {
  const first = dayNumber(ctx.dates[0]);
  const periods = recurrencePeriods(t, first, first + ctx.dates.length - 1);
  const days: number[] = [];
  for (const p of periods) {
    const need = t.count ?? 1;
    // Within the first third of the time to the due day (at most 4 days in).
    const latestStart = Math.min(4, Math.floor((p.due - p.from) / 3));
    let day = p.from - first + Rng.for(ctx.seed, key, 'period', p.key).int(0, Math.max(0, latestStart));
    for (let n = 0; n < need; n++) {
      while (day < p.due - first && !isWorkday(ctx.dates[day])) day++;
      days.push(day);
      if (day < p.due - first) day++;
    }
  }
  return days;
}

/** A working day in the first fortnight of each quarter, the same one per unit (readings spread out). */
function quarterlyDays(ctx: StreamContext, key: string): number[] {
  const offset = Rng.for(ctx.seed, key, 'quarter-day').int(0, 13);
  return READING_MONTHS.map((m) =>
    indexOf(ctx, workdayOnOrAfter(addDays(`${ctx.fiscalYear}-${String(m).padStart(2, '0')}-01`, offset))),
  );
}

/** A reading that meets the target, with a little variation; null when none can (`<0`). */
function readingFor(target: Target, direction: UnitView['direction']): ((rng: Rng) => number) | null {
  if (target.kind === 'range') return (rng) => round1(rng.uniform(target.min, target.max));
  if (target.kind !== 'numeric') return null;
  const { op, value } = target;
  const percent = target.unit.includes('%');
  if (direction === 'cap') {
    if (value < 0 || (value === 0 && op === '<')) return null;
    if (value === 0) return () => 0;
    return (rng) => round1(value * rng.uniform(0.6, 0.9));
  }
  const ceiling = percent ? 100 : Infinity;
  if (op === '>' && value >= ceiling) return null;
  const low = op === '>' ? value + (percent ? 0.5 : Math.max(1, value * 0.02)) : value;
  const high = Math.min(ceiling, low + (percent ? 2 : Math.max(1, value * 0.1)));
  return (rng) => Math.min(ceiling, Math.max(low, round1(rng.uniform(low, high))));
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

/** The day a milestone is done: well before its deadline, inside its window. */
function milestoneDay(ctx: StreamContext, target: Target, periodEnd: string): number | null {
  const first = addDays(ctx.dates[0], 10);
  if (target.kind === 'window') {
    // Ten days into the window, unless that is inside its last month's warning window.
    const start = target.from > first ? target.from : first;
    let day = addDays(start, 10);
    if (day > addDays(target.to, -31)) day = start;
    day = workdayOnOrAfter(day);
    return day <= target.to ? indexOf(ctx, day) : null;
  }
  const by =
    target.kind === 'deadline' && target.byAlternative && target.byAlternative > target.by
      ? target.byAlternative
      : target.kind === 'deadline'
        ? target.by
        : periodEnd;
  let day = addDays(by, -DONE_DAYS_BEFORE);
  if (day < first) day = first;
  day = workdayOnOrAfter(day);
  return day <= by ? indexOf(ctx, day) : indexOf(ctx, by);
}

function describe(target: Target): string {
  return target.kind === 'numeric' ? `${target.op}${target.value}${target.unit}` : target.kind;
}
