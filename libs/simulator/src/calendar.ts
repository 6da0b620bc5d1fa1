import { addDays, daysBetween, isoWithOffset as clockIsoWithOffset, zoneOffsetMs } from '@iw/clock';

/**
 * The story's calendar: local dates (YYYY-MM-DD) of the fiscal year, working days, and the
 * ISO instants events carry (always with the zone's offset, e.g. `2019-04-12T10:30:00+08:00`).
 */

const MINUTE_MS = 60_000;

/** Every date from `from` to `to`, both included. */
export function datesBetween(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) out.push(d);
  return out;
}

/** Monday to Friday (public holidays are not modelled). */
export function isWorkday(date: string): boolean {
  const [y, m, d] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return weekday !== 0 && weekday !== 6;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/** The first working day on or after `date`. */
export function workdayOnOrAfter(date: string): string {
  let d = date;
  while (!isWorkday(d)) d = addDays(d, 1);
  return d;
}

/** `MM-DD` of the fiscal year → `YYYY-MM-DD`. */
export function fiscalDate(fiscalYear: number, monthDay: string): string {
  if (!/^\d{2}-\d{2}$/.test(monthDay)) throw new Error(`expected MM-DD, got "${monthDay}"`);
  return `${fiscalYear}-${monthDay}`;
}

/** Day index of `date` in a period starting at `from` (0 on the first day). */
export function dayIndex(from: string, date: string): number {
  return daysBetween(from, date);
}

/** Epoch ms of local `date` at `minute` minutes past midnight in `timeZone`. */
export function instantMs(date: string, minute: number, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const wall = Date.UTC(y, m - 1, d) + minute * MINUTE_MS;
  // Two passes settle a DST edge; zones without DST need one.
  let ms = wall - zoneOffsetMs(wall, timeZone);
  ms = wall - zoneOffsetMs(ms, timeZone);
  return ms;
}

/** ISO 8601 of an instant as a local time with its offset (`+08:00`), with the offset cached. */
export function isoWithOffset(ms: number, timeZone: string): string {
  return clockIsoWithOffset(ms, timeZone, zoneOffsetMs(ms, timeZone));
}
