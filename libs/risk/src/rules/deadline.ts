import type { DeadlineTarget, WindowTarget } from '@iw/targets';
import type { JudgedProgress } from '@iw/measures';
import { result, type Ctx, type Evaluation } from '../evaluation';
import { dateOfDay, dayNumber, localDayOf } from '../time';

/**
 * Deadlines and windows are judged by the calendar: done on or before the deadline (inside
 * the window) is achieved, not done once it is past is missed, and the last warningDays
 * before the end are at_risk. A milestone says done/doneAt; any other measure counts as done
 * from its first event with a positive actual.
 */

export function deadline(ctx: Ctx, target: Pick<DeadlineTarget, 'by' | 'byAlternative'>): Evaluation {
  // `X月前` has two readings; the later one decides, so no one is told "missed" too early.
  const alt = target.byAlternative;
  const by = alt && alt > target.by ? alt : target.by;
  const text = by === target.by ? by : `${by}（较早理解为${target.by}）`;
  const byDay = dayNumber(by);
  const daysLeft = byDay - ctx.today;
  const p = ctx.progress;
  if (isDone(ctx, p)) {
    const doneDay = doneDayOf(ctx, p!);
    if (Number.isNaN(doneDay) || doneDay <= byDay) {
      const when = Number.isNaN(doneDay) ? '已完成' : `已于${dateOfDay(doneDay)}完成`;
      return result('achieved', `${when}，截止${text}`, null, null, daysLeft, by);
    }
    return result('missed', `逾期完成：${dateOfDay(doneDay)}完成，截止${text}`, null, null, daysLeft, by);
  }
  if (daysLeft < 0) return result('missed', `已过截止日期${text}，尚未完成`, null, null, daysLeft, by);
  const warning = warningWindow(ctx, daysLeft);
  if (warning !== undefined) {
    const e = result(
      'at_risk',
      daysLeft === 0 ? `今天截止：${text}，尚未完成` : `距截止日期${text}还有${daysLeft}天，尚未完成`,
      null,
      null,
      daysLeft,
      by,
    );
    e.warningDays = warning;
    return e;
  }
  return result('on_track', `距截止日期${text}还有${daysLeft}天`, null, null, daysLeft, by);
}

export function window(ctx: Ctx, target: WindowTarget): Evaluation {
  const fromDay = dayNumber(target.from);
  const toDay = dayNumber(target.to);
  const daysLeft = toDay - ctx.today;
  const span = `${target.from}至${target.to}`;
  const p = ctx.progress;
  let inside: boolean;
  if (ctx.input.measure === 'milestone') {
    const doneDay = p?.done === true ? doneDayOf(ctx, p) : NaN;
    inside = doneDay >= fromDay && doneDay <= toDay;
  } else {
    inside = p !== null && activityInside(ctx, p, target.from, target.to, fromDay, toDay);
  }
  if (inside) return result('achieved', `已在${span}内开展`, null, null, daysLeft, target.to);
  if (daysLeft < 0) return result('missed', `${span}已结束，期间未开展`, null, null, daysLeft, target.to);
  if (ctx.today < fromDay) return result('on_track', `尚未到开展时间（${span}）`, null, null, daysLeft, target.to);
  const warning = warningWindow(ctx, daysLeft);
  if (warning !== undefined) {
    const e = result(
      'at_risk',
      `${span}内尚未开展，${daysLeft === 0 ? '今天结束' : `距结束还有${daysLeft}天`}`,
      null,
      null,
      daysLeft,
      target.to,
    );
    e.warningDays = warning;
    return e;
  }
  return result('on_track', `开展期内（${span}），距结束还有${daysLeft}天`, null, null, daysLeft, target.to);
}

/** The tightest warning window `daysLeft` is in, if any. */
function warningWindow(ctx: Ctx, daysLeft: number): number | undefined {
  let entered: number | undefined;
  for (const w of ctx.cfg.warningDays) {
    if (daysLeft <= w && (entered === undefined || w < entered)) entered = w;
  }
  return entered;
}

function isDone(ctx: Ctx, p: JudgedProgress | null): boolean {
  if (!p) return false;
  if (p.done != null || ctx.input.measure === 'milestone') return p.done === true;
  return p.actual !== null && p.actual > 0;
}

function doneDayOf(ctx: Ctx, p: JudgedProgress): number {
  const at = p.doneAt ?? (ctx.input.measure === 'milestone' ? p.lastEventAt : p.firstEventAt);
  return localDayOf(at, ctx.input.timeZone);
}

/**
 * Whether any event fell inside [from, to]. History has a point per day with events, so a
 * binary search for the first day ≥ from answers in O(log n).
 */
function activityInside(
  ctx: Ctx,
  p: JudgedProgress,
  from: string,
  to: string,
  fromDay: number,
  toDay: number,
): boolean {
  const h = p.history;
  if (h.length > 0) {
    let lo = 0;
    let hi = h.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (h[mid].date < from) lo = mid + 1;
      else hi = mid;
    }
    return lo < h.length && h[lo].date <= to;
  }
  const tz = ctx.input.timeZone;
  const first = localDayOf(p.firstEventAt, tz);
  const last = localDayOf(p.lastEventAt, tz);
  return (first >= fromDay && first <= toDay) || (last >= fromDay && last <= toDay);
}
