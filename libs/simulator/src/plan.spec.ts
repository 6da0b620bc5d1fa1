import { CumulativePlan, deliveries, type DeliveryOptions } from './plan';
import { Rng } from './prng';

const days = 365;
const weekly = Array.from({ length: 53 }, (_, k) => k * 7).filter((d) => d < days);
const base = (o: Partial<DeliveryOptions>): DeliveryOptions => ({
  mode: 'advance',
  rounding: 'up',
  limit: Infinity,
  jitter: 0.02,
  rngFor: (day) => Rng.for(1, 'plan', day),
  ...o,
});

/** Cumulative delivered at the end of `day`. */
function cumulativeAt(ds: ReturnType<typeof deliveries>, day: number): number {
  let c = 0;
  for (const d of ds) if (d.day <= day) c = d.cumulative;
  return c;
}

describe('CumulativePlan', () => {
  it.each([
    ['linear', () => 1, 0, 100 / 365],
    ['linear, last day', () => 1, 364, 100],
    ['slowed first half', (d: number) => (d < 182 ? 0.5 : 1), 181, (100 * 91) / 365],
    ['before the period', () => 1, -1, 0],
    ['after the period is clipped', () => 1, 500, 100],
  ])('%s', (_name, rate, day, expected) => {
    expect(new CumulativePlan(100, days, rate).at(day)).toBeCloseTo(expected, 6);
  });
});

describe('deliveries', () => {
  it('in advance: the cumulative is at or above the plan on every day between deliveries', () => {
    const plan = new CumulativePlan(50, days);
    const ds = deliveries(plan, weekly, base({ mode: 'advance', rounding: 'up' }));
    for (let day = 0; day < days; day++) expect(cumulativeAt(ds, day)).toBeGreaterThanOrEqual(plan.at(day) * 0.98);
    expect(ds.every((d) => Number.isInteger(d.amount) && d.amount > 0)).toBe(true);
  });

  it('in arrears: never above the plan of the delivery day', () => {
    const plan = new CumulativePlan(50, days);
    const ds = deliveries(plan, weekly, base({ mode: 'arrears', rounding: 'down', jitter: 0 }));
    for (const d of ds) expect(d.cumulative).toBeLessThanOrEqual(plan.at(d.day) + 1e-9);
  });

  it('stops at the limit: an exact target is met, not overshot', () => {
    const ds = deliveries(new CumulativePlan(108, days), weekly, base({ limit: 100 }));
    expect(ds[ds.length - 1].cumulative).toBe(100);
    expect(ds.reduce((n, d) => n + d.amount, 0)).toBe(100);
  });

  it('keeps decimals when asked', () => {
    const ds = deliveries(new CumulativePlan(801.1, days), weekly, base({ rounding: 'none', decimals: 2, jitter: 0 }));
    expect(ds[ds.length - 1].cumulative).toBeCloseTo(801.1, 2);
    expect(ds.some((d) => !Number.isInteger(d.amount))).toBe(true);
  });

  it('delivers a single unit early when the target is 1', () => {
    const ds = deliveries(new CumulativePlan(1.08, days), weekly, base({ limit: 1 }));
    expect(ds).toEqual([{ day: 0, amount: 1, cumulative: 1 }]);
  });
});
