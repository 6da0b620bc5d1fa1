/**
 * How the risk engine judges. Every knob has a documented default; services build a
 * RiskConfig from DEFAULT_RISK_CONFIG plus whatever the environment overrides.
 */

/**
 * Where a cumulative measure should be by now, as a share of the target (the pace).
 * `linear`: evenly over the period (序时进度, the elapsed share of the year; the official pace of
 * 预算执行率). `monthly` / `quarterly`: `cumulative[k]` is the share due by the end of the
 * (k+1)-th month / quarter of the period, linear within it; months or quarters past the list
 * are due in full. `steps`: nothing is due until the first date, then each step's share from
 * its date on (`MM-DD` within the period's year). `name`: the profile's name in the pace file.
 */
export type Pace =
  | { kind: 'linear'; name?: string }
  | { kind: 'monthly'; cumulative: readonly number[]; name?: string }
  | { kind: 'quarterly'; cumulative: readonly number[]; name?: string }
  | { kind: 'steps'; steps: readonly PaceStep[]; name?: string };

export interface PaceStep {
  /** `MM-DD`: the share is due from this local date on. */
  at: string;
  share: number;
}

export const LINEAR_PACE: Pace = Object.freeze({ kind: 'linear' });

export class PaceError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'PaceError';
  }
}

function risingShares(what: string, shares: readonly number[], max: number): void {
  if (shares.length === 0 || shares.length > max) throw new PaceError(`${what}: 1 to ${max} cumulative shares`);
  let prev = 0;
  for (const share of shares) {
    if (!(typeof share === 'number' && share >= prev && share <= 1)) {
      throw new PaceError(`${what}: cumulative shares must rise within [0, 1], got ${shares.join(', ')}`);
    }
    prev = share;
  }
}

/** A monthly pace, checked: at most 12 shares in [0, 1], never decreasing. */
export function monthlyPace(cumulative: readonly number[], name?: string): Pace {
  risingShares('monthly pace', cumulative, 12);
  return { kind: 'monthly', cumulative: [...cumulative], ...(name ? { name } : {}) };
}

/** A quarterly pace, checked: at most 4 shares in [0, 1], never decreasing. */
export function quarterlyPace(cumulative: readonly number[], name?: string): Pace {
  risingShares('quarterly pace', cumulative, 4);
  return { kind: 'quarterly', cumulative: [...cumulative], ...(name ? { name } : {}) };
}

const MONTH_DAY = /^(\d{2})-(\d{2})$/;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Steps at dates, checked: valid `MM-DD` dates in order, shares rising within [0, 1]. */
export function stepsPace(steps: readonly PaceStep[], name?: string): Pace {
  if (steps.length === 0) throw new PaceError('steps pace: at least one step');
  let prevAt = '';
  for (const s of steps) {
    const m = MONTH_DAY.exec(s.at);
    if (
      !m ||
      Number(m[1]) < 1 ||
      Number(m[1]) > 12 ||
      Number(m[2]) < 1 ||
      Number(m[2]) > DAYS_IN_MONTH[Number(m[1]) - 1]
    )
      throw new PaceError(`steps pace: "${s.at}" is not a date MM-DD`);
    if (s.at <= prevAt) throw new PaceError(`steps pace: dates must rise, ${s.at} after ${prevAt}`);
    prevAt = s.at;
  }
  risingShares(
    'steps pace',
    steps.map((s) => s.share),
    366,
  );
  return { kind: 'steps', steps: steps.map((s) => ({ at: s.at, share: s.share })), ...(name ? { name } : {}) };
}

/** The pace in words, as the page, the email and the report show it. */
export function paceLabel(pace: Pace): string {
  const named = (what: string) => (pace.name ? `${what}「${pace.name}」` : what);
  switch (pace.kind) {
    case 'linear':
      return pace.name && pace.name !== 'linear' ? `序时进度「${pace.name}」` : '序时进度';
    case 'monthly':
      return named('按月进度');
    case 'quarterly':
      return named('按季度进度');
    case 'steps':
      return named('节点进度');
  }
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
