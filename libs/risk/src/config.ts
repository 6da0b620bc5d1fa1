/**
 * How the risk engine judges. Every knob has a documented default; services build a
 * RiskConfig from DEFAULT_RISK_CONFIG plus whatever the environment overrides.
 */

/**
 * Where a cumulative measure should be by now, as a share of the target.
 * `linear`: evenly over the period. `monthly`: `cumulative[k]` is the share due by the end of
 * the (k+1)-th month of the period (counted from the period's first month), linear within a
 * month; months past the list are due in full.
 */
export type Pace = { kind: 'linear' } | { kind: 'monthly'; cumulative: readonly number[] };

export const LINEAR_PACE: Pace = { kind: 'linear' };

/** A monthly pace, checked: shares in [0, 1], never decreasing. */
export function monthlyPace(cumulative: readonly number[]): Pace {
  let prev = 0;
  for (const share of cumulative) {
    if (!(share >= prev && share <= 1)) {
      throw new Error(`monthly pace: cumulative shares must rise within [0, 1], got ${cumulative.join(', ')}`);
    }
    prev = share;
  }
  return { kind: 'monthly', cumulative: [...cumulative] };
}

export interface RiskConfig {
  /** Cumulative measures: behind the expected value by more than this share of it → at_risk. */
  paceTolerance: number;
  /** No pace judgement and no forecast in the first days of a period: a few days project nothing. */
  paceWarmupDays: number;
  /**
   * Cumulative measures: the rest of the target needs more than this multiple of the planned
   * rate (target ÷ period, under the pace) in the time left → off_track.
   */
  implausibleRateFactor: number;
  /** Deadlines and windows: days before the end at which a not-done item turns at_risk. */
  warningDays: readonly number[];
  /** Ratios and means: sample (denominator) needed before a judgement other than on_track. */
  minSample: number;
  /** Ratios: z of the Wilson score interval (1.96 ≈ 95 %). */
  wilsonZ: number;
  /** Means: beyond the target by more than this share of it, with minSample behind it → off_track. */
  levelTolerance: number;
  /** Bound but no event: on_track ("尚无数据") for this long after the period starts, then no_data. */
  noDataGraceMs: number;
  /** Qualitative: no assessment with this many days (or fewer) left in the period → at_risk. */
  qualitativeDueDays: number;
  /** Pace used when the input names none. */
  pace: Pace;
}

export const DEFAULT_RISK_CONFIG: Readonly<RiskConfig> = Object.freeze({
  paceTolerance: 0.1,
  paceWarmupDays: 30,
  implausibleRateFactor: 3,
  warningDays: Object.freeze([30, 7, 1]),
  minSample: 30,
  wilsonZ: 1.96,
  levelTolerance: 0.1,
  noDataGraceMs: 30 * 86_400_000,
  qualitativeDueDays: 30,
  pace: LINEAR_PACE,
});

/** DEFAULT_RISK_CONFIG with overrides. */
export function riskConfig(overrides: Partial<RiskConfig> = {}): RiskConfig {
  return { ...DEFAULT_RISK_CONFIG, ...overrides };
}
