import { localDate } from '@iw/clock';
import type { Target } from '@iw/targets';

export interface Period {
  /** Local dates (YYYY-MM-DD), inclusive. */
  from: string;
  to: string;
}

/**
 * The period a tracked unit counts events in (docs/domain.md, Tracking): its fiscal year, unless the
 * target is a deadline or a window — then from the fiscal-year start to the deadline (the
 * later reading when `X月前` has two) or the window's end. Work done before a window opens
 * still counts (preparation); an event after the deadline does not (it is out of period).
 */
export function periodOf(target: Target, fiscalYear: number): Period {
  const fiscal = { from: `${fiscalYear}-01-01`, to: `${fiscalYear}-12-31` };
  let end: string | null = null;
  if (target.kind === 'deadline')
    end = target.byAlternative && target.byAlternative > target.by ? target.byAlternative : target.by;
  if (target.kind === 'window') end = target.to;
  if (end === null) return fiscal;
  return { from: end < fiscal.from ? end : fiscal.from, to: end };
}

/** Whether `occurredAt` (ISO instant or epoch ms) falls on a local date inside `period`. */
export function isInPeriod(occurredAt: string | number, period: Period, timeZone: string): boolean {
  const ms = typeof occurredAt === 'number' ? occurredAt : Date.parse(occurredAt);
  if (!Number.isFinite(ms)) return false;
  const date = localDate(ms, timeZone);
  return date >= period.from && date <= period.to;
}

/** The fiscal year an event counts in: the year of its occurredAt's local date. NaN for a bad instant. */
export function fiscalYearOf(occurredAt: string, timeZone: string): number {
  const t = Date.parse(occurredAt);
  return Number.isFinite(t) ? Number(localDate(t, timeZone).slice(0, 4)) : NaN;
}
