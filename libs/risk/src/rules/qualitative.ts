import { oneLine } from '../format';
import { result, type Ctx, type Evaluation } from '../evaluation';
import { statusOfLikelihood } from '../status';
import { dateOfDay, localDayOf } from '../time';

/**
 * Qualitative targets (有所提升, 显著, 正常运行) wait for a manual assessment; the latest one's
 * 完成目标可能性 is the status. None recorded with qualitativeDueDays or fewer left → at_risk,
 * so the year does not close on a blank.
 */
export function qualitative(ctx: Ctx): Evaluation {
  const deadline = ctx.input.period.to;
  const daysLeft = ctx.toDay - ctx.today;
  const a = ctx.progress?.assessment;
  if (a) {
    const day = localDayOf(a.at, ctx.input.timeZone);
    const when = Number.isNaN(day) ? '' : `，${dateOfDay(day)}`;
    const text = a.text ? `${oneLine(a.text)}` : '无说明';
    return result(
      statusOfLikelihood(a.likelihood),
      `人工评估：${a.likelihood}（${text}${when}）`,
      null,
      null,
      daysLeft,
      deadline,
    );
  }
  if (daysLeft <= ctx.cfg.qualitativeDueDays) {
    const why = daysLeft < 0 ? '考核期已结束' : `距考核期末还有${daysLeft}天`;
    return result('at_risk', `${why}，尚无人工评估`, null, null, daysLeft, deadline);
  }
  return result('manual', '等待人工评估', null, null, daysLeft, deadline);
}
