import { fmt } from '../format';
import { result, type Ctx, type Evaluation } from '../evaluation';
import { DAY_MS } from '../time';

/** Bound but nothing yet: on_track during the grace period after the period starts, then no_data. */
export function noData(ctx: Ctx): Evaluation {
  const daysLeft = ctx.toDay - ctx.today;
  if (ctx.nowLocal < ctx.startLocal + ctx.cfg.noDataGraceMs) {
    return result('on_track', '尚无数据', null, null, daysLeft, ctx.input.period.to);
  }
  const days = fmt(ctx.cfg.noDataGraceMs / DAY_MS);
  return result('no_data', `考核期开始已超过${days}天，仍无数据`, null, null, daysLeft, ctx.input.period.to);
}
