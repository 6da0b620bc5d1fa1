import { zoneOffsetMs } from '@iw/clock';
import type { Pace, PaceStep } from './config';

/**
 * Local-calendar arithmetic for the hot path. Dates are handled as "local ms": the instant
 * plus the zone's offset, so a local day D spans [D·DAY, (D+1)·DAY). Intl is far too slow to
 * call per evaluation, so zone offsets are cached per UTC day.
 */

export const DAY_MS = 86_400_000;

// Period and deadline dates repeat across units: parse each once.
const dayNumbers = new Map<string, number>();

/** `YYYY-MM-DD` → day number (days since 1970-01-01). */
export function dayNumber(date: string): number {
  let day = dayNumbers.get(date);
  if (day === undefined) {
    day = parseDay(date);
    if (dayNumbers.size >= 10_000) dayNumbers.clear();
    dayNumbers.set(date, day);
  }
  return day;
}

function parseDay(date: string): number {
  const y = digits(date, 0, 4);
  const m = digits(date, 5, 2);
  const d = digits(date, 8, 2);
  if (date.length !== 10 || !(m >= 1 && m <= 12 && d >= 1 && d <= 31)) {
    throw new Error(`not a local date (YYYY-MM-DD): "${date}"`);
  }
  return Date.UTC(y, m - 1, d) / DAY_MS;
}

function digits(s: string, at: number, n: number): number {
  let v = 0;
  for (let i = at; i < at + n; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return NaN;
    v = v * 10 + c;
  }
  return v;
}

const dates = new Map<number, string>();

/** Day number → `YYYY-MM-DD` (memoised: reasons print the same few dates over and over). */
export function dateOfDay(day: number): string {
  let date = dates.get(day);
  if (date === undefined) {
    date = new Date(day * DAY_MS).toISOString().slice(0, 10);
    if (dates.size >= 10_000) dates.clear();
    dates.set(day, date);
  }
  return date;
}

/** Instant → local ms. */
export function toLocalMs(ms: number, timeZone: string): number {
  return ms + zoneOffsetMs(ms, timeZone);
}

/** ISO instant → local day number; NaN when absent or unreadable. */
export function localDayOf(iso: string | null | undefined, timeZone: string): number {
  if (!iso) return NaN;
  const ms = parseInstant(iso);
  if (Number.isNaN(ms)) return NaN;
  return Math.floor(toLocalMs(ms, timeZone) / DAY_MS);
}

/**
 * Share of a cumulative target due by `nowLocal` over the period [startLocal, endLocal)
 * (local ms), in [0, 1].
 */
export function paceShare(pace: Pace, nowLocal: number, startLocal: number, endLocal: number): number {
  if (nowLocal <= startLocal) return 0;
  if (nowLocal >= endLocal) return 1;
  switch (pace.kind) {
    case 'linear':
      return (nowLocal - startLocal) / (endLocal - startLocal);
    case 'monthly':
      return segmentShare(pace.cumulative, 1, nowLocal, startLocal, endLocal);
    case 'quarterly':
      return segmentShare(pace.cumulative, 3, nowLocal, startLocal, endLocal);
    case 'steps':
      return stepShare(pace.steps, nowLocal, startLocal);
  }
}

/**
 * Cumulative shares by segments of `months` calendar months counted from the period's first
 * month (the first segment starts at the period start), linear within a segment.
 */
function segmentShare(
  shares: readonly number[],
  months: number,
  nowLocal: number,
  startLocal: number,
  endLocal: number,
): number {
  const start = new Date(startLocal);
  const now = new Date(nowLocal);
  const y0 = start.getUTCFullYear();
  const m0 = start.getUTCMonth();
  const elapsedMonths = (now.getUTCFullYear() - y0) * 12 + now.getUTCMonth() - m0;
  const k = Math.floor(elapsedMonths / months);
  const segStart = k === 0 ? startLocal : Date.UTC(y0, m0 + k * months, 1);
  const segEnd = Math.min(Date.UTC(y0, m0 + (k + 1) * months, 1), endLocal);
  const before = k === 0 ? 0 : k - 1 < shares.length ? shares[k - 1] : 1;
  const by = k < shares.length ? shares[k] : 1;
  return before + ((by - before) * (nowLocal - segStart)) / (segEnd - segStart);
}

/** The share of the last step whose date (in the period's first year) has begun by now. */
function stepShare(steps: readonly PaceStep[], nowLocal: number, startLocal: number): number {
  const year = new Date(startLocal).getUTCFullYear();
  let share = 0;
  for (const s of steps) {
    const from = Date.UTC(year, Number(s.at.slice(0, 2)) - 1, Number(s.at.slice(3, 5)));
    if (nowLocal < from) break;
    share = s.share;
  }
  return share;
}

/**
 * Epoch ms of an ISO 8601 instant. The shape events carry (`2019-04-12T10:30:00+08:00`, `…Z`,
 * optional fraction) is read by hand, several times faster than Date.parse; anything else
 * goes to Date.parse.
 */
export function parseInstant(iso: string): number {
  const len = iso.length;
  if (len >= 20 && iso.charCodeAt(10) === 84 /* T */ && iso.charCodeAt(13) === 58 && iso.charCodeAt(16) === 58) {
    let i = 19;
    let fraction = 0;
    if (iso.charCodeAt(i) === 46 /* . */) {
      let scale = 100;
      for (i++; i < len; i++) {
        const c = iso.charCodeAt(i) - 48;
        if (c < 0 || c > 9) break;
        fraction += c * scale;
        scale /= 10;
      }
      fraction = Math.floor(fraction);
    }
    let offset = NaN;
    const z = iso.charCodeAt(i);
    if (z === 90 /* Z */ && i === len - 1) offset = 0;
    else if ((z === 43 || z === 45) && i === len - 6 && iso.charCodeAt(i + 3) === 58) {
      const sign = z === 43 ? 1 : -1;
      offset = sign * (digits(iso, i + 1, 2) * 60 + digits(iso, i + 4, 2)) * 60_000;
    }
    const y = digits(iso, 0, 4);
    const mo = digits(iso, 5, 2);
    const d = digits(iso, 8, 2);
    const h = digits(iso, 11, 2);
    const mi = digits(iso, 14, 2);
    const sec = digits(iso, 17, 2);
    if (offset === offset && mo >= 1 && mo <= 12 && d >= 1 && d <= 31 && h <= 24 && mi <= 59 && sec <= 60) {
      return Date.UTC(y, mo - 1, d, h, mi, sec, fraction) - offset;
    }
  }
  return Date.parse(iso);
}
