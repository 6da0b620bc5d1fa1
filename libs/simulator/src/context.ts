import type { ActualsRole, DlqReasonClass } from '@iw/events';
import { addDays } from '@iw/clock';
import { datesBetween, fiscalDate, isWorkday } from './calendar';
import { CumulativePlan } from './plan';
import { Rng } from './prng';
import type { EffectIndex } from './sources';
import type { StoryInput, UnitView } from './view';

/** What every stream generator reads. */
export interface StreamContext {
  input: StoryInput;
  views: readonly UnitView[];
  effects: EffectIndex;
  seed: number;
  fiscalYear: number;
  /** Every date of the fiscal year. */
  dates: readonly string[];
  timeZone: string;
}

/** One event before it gets its id and time stamp: a stream's output. */
export interface Draft {
  role: ActualsRole;
  date: string;
  /** Minutes after local midnight. */
  minute: number;
  /** The envelope's `source`: the upstream system. */
  source: string;
  /** The event's own fields (the envelope is added when the story is assembled). */
  body: Record<string, unknown>;
  scenario?: string;
  /** Malformed on purpose: the raw value, given the envelope fields it would have had. */
  raw?: (envelope: { eventId: string; occurredAt: string; source: string }) => string;
  /** The DLQ reason class ingest must give a malformed draft. */
  malformed?: DlqReasonClass;
  /** Message key of a malformed draft (a valid one is keyed by keyFor). */
  key?: string;
}

/** Floors are planned a little ahead of the pace of time, so they stay on track between deliveries. */
export const AHEAD = 1.08;
/** Caps are planned under their ceiling. */
export const UNDER = 0.85;

export function streamContext(
  input: StoryInput,
  views: readonly UnitView[],
  effects: EffectIndex,
  seed: number,
): StreamContext {
  const fiscalYear = input.bindings.fiscalYear;
  return {
    input,
    views,
    effects,
    seed,
    fiscalYear,
    dates: datesBetween(`${fiscalYear}-01-01`, `${fiscalYear}-12-31`),
    timeZone: input.bindings.timeZone,
  };
}

/** Day indices of the fiscal year's working days. */
export function workdayIndices(ctx: StreamContext): number[] {
  return ctx.dates.map((d, i) => (isWorkday(d) ? i : -1)).filter((i) => i >= 0);
}

/**
 * Day indices of one weekday (1 = Monday … 5 = Friday) every `everyWeeks` weeks, weekday and
 * week chosen per stream so reports spread over the days.
 */
export function weeklyIndices(ctx: StreamContext, stream: string, everyWeeks = 1): number[] {
  const rng = Rng.for(ctx.seed, 'weekday', stream);
  const weekday = 1 + rng.int(0, 4);
  const phase = rng.int(0, everyWeeks - 1);
  const days = ctx.dates
    .map((d, i) => (new Date(`${d}T00:00:00Z`).getUTCDay() === weekday ? i : -1))
    .filter((i) => i >= 0);
  return days.filter((_, k) => k % everyWeeks === phase);
}

/** Index of a date in the fiscal year (clamped). */
export function indexOf(ctx: StreamContext, date: string): number {
  const i = ctx.dates.indexOf(date);
  if (i >= 0) return i;
  return date < ctx.dates[0] ? 0 : ctx.dates.length - 1;
}

/** A rate function from a scenario's rate segments (MM-DD), 1 elsewhere. */
export function rateOf(
  ctx: StreamContext,
  segments: ReadonlyArray<{ from: string; to: string; rate: number }> | undefined,
): (day: number) => number {
  if (!segments?.length) return () => 1;
  const spans = segments.map((s) => ({
    from: indexOf(ctx, fiscalDate(ctx.fiscalYear, s.from)),
    to: indexOf(ctx, fiscalDate(ctx.fiscalYear, s.to)),
    rate: s.rate,
  }));
  return (day) => spans.find((s) => day >= s.from && day <= s.to)?.rate ?? 1;
}

/** A plan over the fiscal year. */
export function yearPlan(ctx: StreamContext, total: number, rate?: (day: number) => number): CumulativePlan {
  return new CumulativePlan(total, ctx.dates.length, rate);
}

/** A working day `days` after `date`, within the year; null when it falls after it. */
export function workdayAfter(ctx: StreamContext, date: string, days: number): string | null {
  let d = addDays(date, days);
  while (!isWorkday(d)) d = addDays(d, 1);
  return d <= ctx.dates[ctx.dates.length - 1] ? d : null;
}
