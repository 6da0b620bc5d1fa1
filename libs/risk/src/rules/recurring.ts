import type { JudgedProgress } from '@iw/measures';
import type { RecurringTarget } from '@iw/targets';
import { fmt } from '../format';
import { result, type Ctx, type Evaluation, type RecurringSummary } from '../evaluation';
import { DAY_MS, dateOfDay, dayNumber, localDayOf } from '../time';

/**
 * Recurring targets (每月2次, 1次/月, 每月10日前, 按季度报送) are tracked period by period:
 * each period has its own window and deadline (`dueDay` counts from the period's first day,
 * so 每月10日前 is due on the 10th of each month; without it, on the period's last day). A
 * period whose deadline has passed is met when its count was reached inside [start, deadline],
 * else missed (done after the deadline is late, still missed). The current period drives the
 * status; missed periods are listed (reason, `recurring.missed`) for the page and the alerts.
 * Once every period is decided the indicator is final: achieved when none was missed. The
 * warning windows that apply are those under half a period's span to its deadline (a month:
 * 7 and 1 days; a quarter: 30, 7, 1; a week, or a month due on the 10th: 1).
 */

export interface RecurrencePeriod {
  /** Stable key: `2019-03`, `2019-Q1`, `2019-H1`, `2019-W05`, `2019`. */
  key: string;
  /** In words: 2019年3月, 2019年第1季度, 2019年上半年, 第5周（01-29至02-04）, 2019年. */
  label: string;
  /** Local day numbers, inclusive. */
  from: number;
  to: number;
  due: number;
}

const periodsCache = new Map<string, RecurrencePeriod[]>();

/**
 * The periods of `every` within [fromDay, toDay] (local day numbers), calendar-aligned except
 * weeks: weeks are 7-day blocks from the first day, a remainder under 4 days joins the last one.
 */
export function recurrencePeriods(t: Pick<RecurringTarget, 'every' | 'dueDay'>, fromDay: number, toDay: number) {
  const cacheKey = `${t.every}|${t.dueDay}|${fromDay}|${toDay}`;
  let periods = periodsCache.get(cacheKey);
  if (periods) return periods;
  periods = [];
  const due = (from: number, to: number) => (t.dueDay === null ? to : Math.min(from + t.dueDay - 1, to));
  if (t.every === 'week') {
    let n = 1;
    for (let from = fromDay; from <= toDay; from += 7, n++) {
      let to = Math.min(from + 6, toDay);
      if (toDay - to > 0 && toDay - to < 4) to = toDay; // a short remainder joins this week
      const md = (d: number) => dateOfDay(d).slice(5);
      const year = dateOfDay(from).slice(0, 4);
      periods.push({
        key: `${year}-W${String(n).padStart(2, '0')}`,
        label: `第${n}周（${md(from)}至${md(to)}）`,
        from,
        to,
        due: due(from, to),
      });
      if (to === toDay) break;
    }
  } else {
    const months = t.every === 'month' ? 1 : t.every === 'quarter' ? 3 : t.every === 'half-year' ? 6 : 12;
    const first = new Date(fromDay * DAY_MS);
    let y = first.getUTCFullYear();
    // Calendar-aligned: the segment containing the first day starts at its calendar boundary.
    let m = Math.floor(first.getUTCMonth() / months) * months;
    for (;;) {
      const segFrom = Date.UTC(y, m, 1) / DAY_MS;
      if (segFrom > toDay) break;
      const segTo = Date.UTC(y, m + months, 1) / DAY_MS - 1;
      const from = Math.max(segFrom, fromDay);
      const to = Math.min(segTo, toDay);
      periods.push({ ...keyAndLabel(t.every, y, m), from, to, due: due(from, to) });
      m += months;
      if (m >= 12) {
        y += Math.floor(m / 12);
        m %= 12;
      }
    }
  }
  if (periodsCache.size >= 10_000) periodsCache.clear();
  periodsCache.set(cacheKey, periods);
  return periods;
}

function keyAndLabel(every: RecurringTarget['every'], y: number, m: number): { key: string; label: string } {
  switch (every) {
    case 'month':
      return { key: `${y}-${String(m + 1).padStart(2, '0')}`, label: `${y}年${m + 1}月` };
    case 'quarter':
      return { key: `${y}-Q${m / 3 + 1}`, label: `${y}年第${m / 3 + 1}季度` };
    case 'half-year':
      return { key: `${y}-H${m / 6 + 1}`, label: `${y}年${m === 0 ? '上' : '下'}半年` };
    default:
      return { key: `${y}`, label: `${y}年` };
  }
}

/**
 * Cumulative actual at the end of local day `day`, from the daily history (each point holds
 * the measure's value at the end of its day): O(log n).
 */
function cumulativeAt(ctx: Ctx, p: JudgedProgress | null, day: number): number {
  if (!p || p.eventCount === 0) return 0;
  const h = p.history;
  if (h.length === 0) {
    // No history kept (older documents): everything counts from the last event's day.
    const last = localDayOf(p.lastEventAt, ctx.input.timeZone);
    return Number.isNaN(last) || last <= day ? (p.actual ?? 0) : 0;
  }
  const date = dateOfDay(day);
  let lo = 0;
  let hi = h.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (h[mid].date <= date) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : (h[lo - 1].actual ?? 0);
}

function valueIn(ctx: Ctx, p: JudgedProgress | null, from: number, to: number): number {
  return to < from ? 0 : cumulativeAt(ctx, p, to) - cumulativeAt(ctx, p, from - 1);
}

const MAX_LISTED = 3;

function listOf(missed: RecurringSummary['missed']): string {
  const names = missed.slice(-MAX_LISTED).map((m) => m.label);
  return missed.length > MAX_LISTED ? `…${names.join('、')}` : names.join('、');
}

export function recurring(ctx: Ctx, t: RecurringTarget): Evaluation {
  const p = ctx.progress;
  const periods = recurrencePeriods(t, dayNumber(ctx.input.period.from), ctx.toDay);
  const need = t.count ?? 1;
  const times = (n: number) => `${fmt(n)}次`;
  const missed: RecurringSummary['missed'] = [];
  let met = 0;
  let current: RecurrencePeriod | null = null;
  for (const per of periods) {
    if (per.due >= ctx.today && !ctx.ended) {
      current = per;
      break;
    }
    const v = valueIn(ctx, p, per.from, per.due);
    if (v >= need) met++;
    else missed.push({ key: per.key, label: per.label, due: dateOfDay(per.due), value: v });
  }
  const decided = met + missed.length;
  const summary: RecurringSummary = { periods: periods.length, decided, met, missed, current: null };
  const missedText = missed.length ? `；已有${missed.length}期未按时完成：${listOf(missed)}` : '';

  if (current === null) {
    const last = periods[periods.length - 1];
    const deadline = last ? dateOfDay(last.due) : ctx.input.period.to;
    const daysLeft = (last ? last.due : ctx.toDay) - ctx.today;
    const e = missed.length
      ? result(
          'missed',
          `共${periods.length}期，按时完成${met}期，${missed.length}期未按时完成：${listOf(missed)}`,
          need,
          null,
          daysLeft,
          deadline,
        )
      : result(
          'achieved',
          `共${periods.length}期，每期均按时完成（每期${times(need)}）`,
          need,
          null,
          daysLeft,
          deadline,
        );
    e.recurring = summary;
    return e;
  }

  const due = dateOfDay(current.due);
  const daysLeft = current.due - ctx.today;
  const v = valueIn(ctx, p, current.from, Math.min(ctx.today, current.due));
  summary.current = {
    key: current.key,
    label: current.label,
    from: dateOfDay(current.from),
    to: dateOfDay(current.to),
    due,
    value: v,
    need,
  };
  let e: Evaluation;
  if (ctx.today < current.from) {
    e = result(
      'on_track',
      `下一期${current.label}自${dateOfDay(current.from)}开始，截止${due}${missedText}`,
      need,
      null,
      daysLeft,
      due,
    );
  } else if (v >= need) {
    e = result(
      'on_track',
      `本期${current.label}已完成${times(v)}（每期${times(need)}）${missedText}`,
      need,
      null,
      daysLeft,
      due,
    );
  } else {
    // Only warning windows under half the period's span: a month is not at risk from its first day.
    const span = current.due - current.from + 1;
    let warning: number | undefined;
    for (const w of ctx.cfg.warningDays)
      if (2 * w < span && daysLeft <= w && (warning === undefined || w < warning)) warning = w;
    const left = daysLeft === 0 ? '今天截止' : `截止${due}，还有${daysLeft}天`;
    e =
      warning !== undefined
        ? result(
            'at_risk',
            `本期${current.label}${left}，已完成${times(v)}，每期需${times(need)}${missedText}`,
            need,
            null,
            daysLeft,
            due,
          )
        : result(
            'on_track',
            `本期${current.label}进行中：已完成${times(v)}，每期需${times(need)}，${left}${missedText}`,
            need,
            null,
            daysLeft,
            due,
          );
    if (warning !== undefined) e.warningDays = warning;
  }
  e.recurring = summary;
  return e;
}
