import { fiscalDate } from '../calendar';
import { AHEAD, indexOf, rateOf, weeklyIndices, yearPlan, type Draft, type StreamContext } from '../context';
import { deliveries } from '../plan';
import { Rng } from '../prng';
import { goalOf, isExact, type UnitView } from '../view';

/** Capped budget lines together stay under this share of the project's budget… */
const CAPPED_SHARE_OF_BUDGET = 0.7;
/** …and each under this share of its own cap. */
const CAP_SHARE = 0.9;
/** Spending without an item is at least this share of the budget. */
const MIN_GENERAL_SHARE = 0.15;

interface Line {
  item: string | null;
  total: number;
  mode: 'advance' | 'arrears';
  limit: number;
}

/**
 * Finance: each project pays once a week. Budget lines a binding counts (`item`: 线路租用,
 * 检验费 …) are paid in arrears when capped (成本指标) and ahead when they are floors; the rest
 * of the budget is paid ahead without an item, so 预算执行率 keeps up with the time elapsed.
 */
export function spendingDrafts(ctx: StreamContext): Draft[] {
  const budgets = ctx.views.filter((v) => v.unit.kind === 'budget');
  return budgets.flatMap((b) => projectDrafts(ctx, b));
}

function projectDrafts(ctx: StreamContext, budget: UnitView): Draft[] {
  const projectId = budget.unit.projectId;
  const projectName = budget.unit.projectName;
  const budgetYuan = budget.unit.of ?? null;
  const items = ctx.views.filter(
    (v) => v.unit.projectId === projectId && v.binding?.from === 'spending' && itemOf(v) !== null,
  );

  const capped = items.filter((v) => v.direction === 'cap');
  const capsTotal = capped.reduce((n, v) => n + rawGoal(v), 0);
  const capShare =
    budgetYuan && capsTotal > 0 ? Math.min(CAP_SHARE, (CAPPED_SHARE_OF_BUDGET * budgetYuan) / capsTotal) : CAP_SHARE;
  const lines: Line[] = items.map((v) =>
    v.direction === 'cap'
      ? { item: itemOf(v), total: rawGoal(v) * capShare, mode: 'arrears', limit: rawGoal(v) * 0.98 }
      : {
          item: itemOf(v),
          total: rawGoal(v) * AHEAD,
          mode: 'advance',
          limit: isExact(v.unit.target) ? rawGoal(v) : Infinity,
        },
  );
  if (budgetYuan) {
    const planned = lines.reduce((n, l) => n + Math.min(l.total, l.limit), 0);
    lines.push({
      item: null,
      total: Math.max(MIN_GENERAL_SHARE * budgetYuan, AHEAD * budgetYuan - planned),
      mode: 'advance',
      limit: Infinity,
    });
  }

  const days = weeklyIndices(ctx, `spending:${projectId}`);
  const drafts: Draft[] = [];
  for (const line of lines) {
    const key = `spending:${projectId}:${line.item ?? ''}`;
    const rate = ctx.effects.find(key, 'rate');
    const payment = ctx.effects.find(key, 'payment');
    const paid = deliveries(yearPlan(ctx, line.total, rateOf(ctx, rate?.effect.segments)), days, {
      mode: line.mode,
      rounding: 'nearest',
      limit: line.limit,
      jitter: 0.02,
      rngFor: (day) => Rng.for(ctx.seed, key, 'amount', day),
    }).map((d) => ({ day: d.day, amount: d.amount, scenario: rate?.scenario }));
    if (payment) {
      const day = indexOf(ctx, fiscalDate(ctx.fiscalYear, payment.effect.on));
      paid.push({ day, amount: Math.round(rawGoal(payment.unit) * payment.effect.share), scenario: payment.scenario });
    }
    for (const p of paid) {
      const rng = Rng.for(ctx.seed, key, p.day, p.amount);
      drafts.push({
        role: 'spending',
        date: ctx.dates[p.day],
        minute: rng.int(10 * 60, 17 * 60),
        source: 'finance',
        body: { projectName, amountYuan: p.amount, ...(line.item ? { item: line.item } : {}) },
        ...(p.scenario ? { scenario: p.scenario } : {}),
      });
    }
  }
  return drafts;
}

function itemOf(v: UnitView): string | null {
  const values = v.binding?.where.find((w) => w.field === 'item')?.values;
  return values?.length ? String(values[0]) : null;
}

/** The unit's goal in yuan: targets are in 万元 and bindings scale yuan by 0.0001. */
function rawGoal(v: UnitView): number {
  return (goalOf(v.unit.target) ?? 0) / (v.binding?.scale ?? 1);
}
