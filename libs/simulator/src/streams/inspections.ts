import { AHEAD, rateOf, workdayIndices, yearPlan, indexOf, type Draft, type StreamContext } from '../context';
import { fiscalDate } from '../calendar';
import { deliveries } from '../plan';
import { Rng } from '../prng';
import { goalOf, isExact, type UnitView } from '../view';

/** Xinjiang's 14 prefecture-level divisions (地州市): where batches are sampled. */
export const PREFECTURES = [
  '乌鲁木齐市',
  '克拉玛依市',
  '吐鲁番市',
  '哈密市',
  '昌吉回族自治州',
  '博尔塔拉蒙古自治州',
  '巴音郭楞蒙古自治州',
  '阿克苏地区',
  '克孜勒苏柯尔克孜自治州',
  '喀什地区',
  '和田地区',
  '伊犁哈萨克自治州',
  '塔城地区',
  '阿勒泰地区',
] as const;

/** Share of batches that fail, never more than MAX_UNQUALIFIED of all so far (合格率 ≥ 90 % holds). */
const UNQUALIFIED = 0.04;
const MAX_UNQUALIFIED = 0.05;
/** Cost per batch as a share of its cap. */
const COST_SHARE_OF_CAP = 0.88;
const DEFAULT_COST_PER_BATCH = 2000;
const DEFAULT_BATCHES_PER_YEAR = 100;

/**
 * Inspection labs: one stream per category a binding names (汽油, 柴油, 化肥, 农膜, 食品 …).
 * Every working day a lab reports the day's batches (ahead of the yearly plan of the
 * category's largest batch target), how many passed, the prefecture and the cost.
 */
export function inspectionDrafts(ctx: StreamContext): Draft[] {
  const bound = ctx.views.filter((v) => v.binding?.from === 'inspectionBatches');
  const categories = [...new Set(bound.flatMap((v) => categoriesOf(v)))];
  return categories.flatMap((category, i) => categoryDrafts(ctx, category, i, bound));
}

function categoriesOf(v: UnitView): string[] {
  return v.binding?.where.find((w) => w.field === 'category')?.values.map(String) ?? [];
}

function categoryDrafts(ctx: StreamContext, category: string, index: number, bound: UnitView[]): Draft[] {
  const mine = bound.filter((v) => categoriesOf(v).includes(category));
  const counts = mine.filter(
    (v) =>
      v.binding!.measure === 'sum' &&
      v.binding!.field === 'batches' &&
      categoriesOf(v).length === 1 &&
      v.direction !== 'cap',
  );
  const goals = counts.map((v) => goalOf(v.unit.target) ?? 0);
  const goal = goals.length ? Math.max(...goals) : DEFAULT_BATCHES_PER_YEAR;
  // An exact target (=800批次) is met, not overshot; with a floor (≥700) the lab may go on.
  const limit = counts.length && counts.every((v) => isExact(v.unit.target)) ? goal : Infinity;
  const caps = mine
    .filter((v) => v.binding!.measure === 'mean' && v.binding!.field === 'costYuan' && v.direction === 'cap')
    .map((v) => goalOf(v.unit.target)!);
  const costPerBatch = caps.length ? Math.min(...caps) * COST_SHARE_OF_CAP : DEFAULT_COST_PER_BATCH;

  const key = `inspection:${category}`;
  const rate = ctx.effects.find(key, 'rate');
  const cost = ctx.effects.find(key, 'cost');
  const costFrom = cost ? indexOf(ctx, fiscalDate(ctx.fiscalYear, cost.effect.from)) : Infinity;
  const plan = yearPlan(ctx, goal * AHEAD, rateOf(ctx, rate?.effect.segments));
  const planned = deliveries(plan, workdayIndices(ctx), {
    mode: 'advance',
    rounding: 'up',
    limit,
    jitter: 0.02,
    rngFor: (day) => Rng.for(ctx.seed, key, 'amount', day),
  });
  let unqualifiedSoFar = 0;
  return planned.map((d) => {
    const rng = Rng.for(ctx.seed, key, d.day);
    const batches = d.amount;
    const unqualified = Math.min(
      rng.binomial(batches, UNQUALIFIED),
      Math.max(0, Math.floor(MAX_UNQUALIFIED * d.cumulative) - unqualifiedSoFar),
    );
    unqualifiedSoFar += unqualified;
    const factor = d.day >= costFrom ? cost!.effect.factor : 1;
    const scenario = (d.day >= costFrom ? cost?.scenario : undefined) ?? rate?.scenario;
    return {
      role: 'inspectionBatches',
      date: ctx.dates[d.day],
      minute: rng.int(9 * 60, 17 * 60 + 30),
      source: `lab-${index + 1}`,
      body: {
        category,
        batches,
        qualifiedBatches: batches - unqualified,
        // Each category tours the prefectures, one per reporting day.
        region: PREFECTURES[(d.day + index * 5) % PREFECTURES.length],
        costYuan: Math.round(batches * costPerBatch * factor * rng.uniform(0.96, 1.04)),
      },
      ...(scenario ? { scenario } : {}),
    } satisfies Draft;
  });
}
