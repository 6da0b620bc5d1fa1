import type { Rng } from './prng';

/**
 * A cumulative plan: how much of an amount should be delivered by the end of each day of a
 * period. `rate` multiplies the planned daily rate (1 = on plan; a scenario slows a stream to
 * 0.3 or lets it catch up at 4), so the plan bends without changing anything else.
 */
export class CumulativePlan {
  private readonly prefix: Float64Array;

  constructor(
    readonly total: number,
    readonly days: number,
    rate: (day: number) => number = () => 1,
  ) {
    this.prefix = new Float64Array(days);
    let sum = 0;
    for (let i = 0; i < days; i++) {
      sum += rate(i);
      this.prefix[i] = sum;
    }
  }

  /** Planned cumulative amount at the end of day `day` (0-based; clipped to the period). */
  at(day: number): number {
    if (day < 0) return 0;
    const i = Math.min(day, this.days - 1);
    return (this.total * this.prefix[i]) / this.days;
  }
}

export type Rounding = 'up' | 'down' | 'nearest' | 'none';

export interface DeliveryOptions {
  /**
   * `advance`: each delivery covers the plan up to the day before the next one (a floor stays
   * ahead of its pace between deliveries); `arrears`: up to the delivery day (a cap stays below).
   */
  mode: 'advance' | 'arrears';
  rounding: Rounding;
  /** The cumulative amount never exceeds this (an exact target is met, not overshot). */
  limit: number;
  /** Each delivery lands within ±jitter of its planned cumulative amount. */
  jitter: number;
  /** Decimals kept when rounding is 'none'. */
  decimals?: number;
  rngFor: (day: number) => Rng;
}

export interface Delivery {
  day: number;
  amount: number;
  cumulative: number;
}

/** Amounts delivered on `days` (ascending day indices) so the cumulative follows `plan`. */
export function deliveries(plan: CumulativePlan, days: readonly number[], o: DeliveryOptions): Delivery[] {
  const out: Delivery[] = [];
  let delivered = 0;
  for (let k = 0; k < days.length; k++) {
    const day = days[k];
    const horizon = o.mode === 'advance' ? (k + 1 < days.length ? days[k + 1] - 1 : plan.days - 1) : day;
    const wanted = plan.at(horizon) * (1 + o.rngFor(day).uniform(-o.jitter, o.jitter));
    const cumulative = Math.min(o.limit, round(wanted, o.rounding, o.decimals ?? 2));
    const amount = round(cumulative - delivered, o.rounding === 'none' ? 'none' : 'nearest', o.decimals ?? 2);
    if (amount <= 0) continue;
    delivered += amount;
    out.push({ day, amount, cumulative: delivered });
  }
  return out;
}

function round(x: number, how: Rounding, decimals: number): number {
  switch (how) {
    case 'up':
      return Math.ceil(x - 1e-9);
    case 'down':
      return Math.floor(x + 1e-9);
    case 'nearest':
      return Math.round(x);
    case 'none': {
      const f = 10 ** decimals;
      return Math.round(x * f) / f;
    }
  }
}
