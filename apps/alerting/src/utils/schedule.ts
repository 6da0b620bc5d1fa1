import { localDate, type Clock } from '@iw/clock';

/**
 * When sweeps run. The system clock follows IW_SWEEP_CRON (node-cron, in IW_TIMEZONE); a
 * simulated or fixed clock has no cron of its own, so a real-time ticker sweeps whenever the
 * clock's local date changes — a simulated year then gets its 365 daily sweeps.
 */

const DAY_MS = 86_400_000;

/** The clock's local date when it differs from `lastDate` (a sweep is due), else null. */
export function newLocalDay(lastDate: string | null, now: number, timeZone: string): string | null {
  const today = localDate(now, timeZone);
  return today === lastDate ? null : today;
}

/** Real ms between date checks: a few per simulated day, at most `baseMs`, at least 20 ms. */
export function tickMsFor(clock: Pick<Clock, 'speed'>, baseMs: number): number {
  return Math.max(20, Math.min(baseMs, Math.floor(DAY_MS / clock.speed / 4)));
}

export function usesCron(clock: Pick<Clock, 'kind'>): boolean {
  return clock.kind === 'system';
}
