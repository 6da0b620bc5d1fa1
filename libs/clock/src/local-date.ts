/**
 * Deadlines and periods are local calendar dates in IW_TIMEZONE (Asia/Shanghai by
 * default). These helpers turn instants into local dates and back without a date library.
 */

const DAY_MS = 86_400_000;

// Building an Intl.DateTimeFormat costs tens of µs; ingest calls these per event, so one
// formatter per zone is kept (the profile showed 55% of ingest's CPU here before).
const dateFormats = new Map<string, Intl.DateTimeFormat>();
const offsetFormats = new Map<string, Intl.DateTimeFormat>();

function dateFormat(timeZone: string): Intl.DateTimeFormat {
  let f = dateFormats.get(timeZone);
  if (!f)
    dateFormats.set(
      timeZone,
      (f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' })),
    );
  return f;
}

/**
 * On days the offset changes, local dates are cached by 15-minute slice of UTC, per zone: every
 * zone's offset (and every change of it) falls on a quarter hour, so all instants of one slice
 * share a local date. Ingest asks several times per event, and formatting was still 21% of its
 * CPU with cached formatters.
 */
const SLICE_MS = 15 * 60_000;
const MAX_SLICES = 50_000;
const dateBySlice = new Map<string, Map<number, string>>();

const MAX_DAYS = 20_000;
const dateByDayNumber = new Map<number, string>();

/** `YYYY-MM-DD` of the instant `ms` in `timeZone`: on a day of one offset, that offset added. */
export function localDate(ms: number, timeZone: string): string {
  const offset = dayOffset(Math.floor(ms / DAY_MS), timeZone);
  if (offset !== undefined && offset !== null) {
    const local = Math.floor((ms + offset) / DAY_MS);
    let date = dateByDayNumber.get(local);
    if (date === undefined) {
      if (dateByDayNumber.size >= MAX_DAYS) dateByDayNumber.clear();
      date = new Date(local * DAY_MS).toISOString().slice(0, 10);
      dateByDayNumber.set(local, date);
    }
    return date;
  }
  return localDateBySlice(ms, timeZone);
}

function localDateBySlice(ms: number, timeZone: string): string {
  const slice = Math.floor(ms / SLICE_MS);
  let zone = dateBySlice.get(timeZone);
  if (!zone) dateBySlice.set(timeZone, (zone = new Map<number, string>()));
  let date = zone.get(slice);
  if (date === undefined) {
    if (Number.isNaN(slice)) return formatLocalDate(ms, timeZone);
    if (zone.size >= MAX_SLICES) zone.clear();
    date = formatLocalDate(slice * SLICE_MS, timeZone);
    zone.set(slice, date);
  }
  return date;
}

function formatLocalDate(ms: number, timeZone: string): string {
  const parts = dateFormat(timeZone).formatToParts(new Date(ms));
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * The zone's offset on each UTC day, per zone: a day on which it does not change (every day but
 * DST changes) has one offset for all its instants, so two Intl lookups serve the whole day
 * (null: it changes that day, and each instant is looked up). Intl formatting is slow: ingest,
 * the risk engine and the status app ask for offsets and local dates per unit and per event.
 */
const offsetByDay = new Map<string, Map<number, number | null>>();
let lastZone = '';
let lastDay = NaN;
let lastOffset: number | null = null;

function dayOffset(day: number, timeZone: string): number | null | undefined {
  if (day === lastDay && timeZone === lastZone) return lastOffset;
  if (!Number.isFinite(day)) return undefined;
  let offsets = offsetByDay.get(timeZone);
  if (!offsets) offsetByDay.set(timeZone, (offsets = new Map<number, number | null>()));
  let offset = offsets.get(day);
  if (offset === undefined) {
    if (offsets.size >= MAX_DAYS) offsets.clear();
    const start = day * DAY_MS;
    const a = formatOffset(start, timeZone);
    offset = a === formatOffset(start + DAY_MS - 1000, timeZone) ? a : null;
    offsets.set(day, offset);
  }
  lastZone = timeZone;
  lastDay = day;
  lastOffset = offset;
  return offset;
}

/** Offset of `timeZone` from UTC at instant `ms`, in milliseconds (whole seconds). */
export function zoneOffsetMs(ms: number, timeZone: string): number {
  return dayOffset(Math.floor(ms / DAY_MS), timeZone) ?? formatOffset(ms, timeZone);
}

/** zoneOffsetMs by Intl, uncached. */
function formatOffset(ms: number, timeZone: string): number {
  let f = offsetFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    offsetFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(ms));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return asUtc - Math.floor(ms / 1000) * 1000;
}

/** The instant local midnight starts `date` (YYYY-MM-DD) in `timeZone`. */
export function startOfLocalDay(date: string, timeZone: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const guess = Date.UTC(y, m - 1, d);
  // Two passes settle DST edges; Asia/Shanghai has none but other zones do.
  let ms = guess - zoneOffsetMs(guess, timeZone);
  ms = guess - zoneOffsetMs(ms, timeZone);
  return ms;
}

/** The last instant (exclusive end) of local `date`: start of the next day. */
export function endOfLocalDay(date: string, timeZone: string): number {
  return startOfLocalDay(addDays(date, 1), timeZone);
}

/** Calendar arithmetic on `YYYY-MM-DD`. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, d) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from local date `a` to local date `b` (b - a). */
export function daysBetween(a: string, b: string): number {
  const [ya, ma, da] = a.split('-').map(Number);
  const [yb, mb, db] = b.split('-').map(Number);
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / DAY_MS);
}

/** Last day of month `month` (1-12) of `year`, as YYYY-MM-DD. */
export function lastDayOfMonth(year: number, month: number): string {
  const d = new Date(Date.UTC(year, month, 0));
  return d.toISOString().slice(0, 10);
}

/**
 * ISO 8601 of an instant as a local time in `timeZone` with its offset
 * (`2019-04-12T10:30:00+08:00`): what events carry. `offsetMs` lets a hot caller pass a cached offset.
 */
export function isoWithOffset(ms: number, timeZone: string, offsetMs = zoneOffsetMs(ms, timeZone)): string {
  const local = new Date(ms + offsetMs).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMs) / 60_000;
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${local}${offsetMs < 0 ? '-' : '+'}${hh}:${mm}`;
}

// Intl formatters are costly to build (a new one per call was 7 % of the alerting app's CPU in
// the alert-latency profile): one per time zone per process.
const dateTimeFormats = new Map<string, Intl.DateTimeFormat>();

/** `YYYY-MM-DD HH:mm` of an instant (ms or ISO text) in a zone: how pages and mail show a time. */
export function localDateTime(instant: number | string, timeZone: string): string {
  let f = dateTimeFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    dateTimeFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(new Date(instant));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
