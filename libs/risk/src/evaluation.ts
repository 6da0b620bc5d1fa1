import type { JudgedProgress, Likelihood, MeasureKind } from '@iw/measures';
import type { CompoundTarget, Target } from '@iw/targets';
import type { Pace, RiskConfig } from './config';
import { likelihoodOf, type Status } from './status';
import type { Interval } from './wilson';

/** A target one tracked unit is judged against: compounds are split into parts first. */
export type UnitTarget = Exclude<Target, CompoundTarget>;

export interface EvaluationInput {
  target: UnitTarget;
  /** The bound measure, or null when the indicator is not bound. */
  measure: MeasureKind | null;
  /** null until the first event. */
  progress: JudgedProgress | null;
  /** Tracking period, local dates inclusive (the fiscal year unless the caller says otherwise). */
  period: { from: string; to: string };
  /** Epoch ms, from the one Clock. */
  now: number;
  /** IANA zone the local dates are in (IW_TIMEZONE). */
  timeZone: string;
  /** Pace for cumulative measures; RiskConfig.pace (linear) when absent. */
  pace?: Pace;
  /** The indicator's 二级指标: under 成本指标 a bare number (`70万元`) is a ceiling. */
  level2?: string;
  /**
   * Year-on-year targets: the base the change applies to (last year's actual, or a baseline
   * given at import). Absent or null: no base, the status is no_data (缺少上年基数).
   */
  base?: RelativeBase | null;
}

/** The base of a year-on-year (`relative`) target, in the measure's unit. */
export interface RelativeBase {
  value: number;
  /** `previous_year`: last year's actual in the catalogue; `baseline`: given at import. */
  source: 'previous_year' | 'baseline';
  /** The fiscal year the base is the actual of, when known. */
  year?: number;
}

/** A recurring target period by period (see rules/recurring.ts). */
export interface RecurringSummary {
  /** Periods in the tracking period. */
  periods: number;
  /** Periods whose deadline has passed. */
  decided: number;
  met: number;
  /** Decided periods whose count was not reached by their deadline, oldest first. */
  missed: Array<{ key: string; label: string; due: string; value: number }>;
  /** The period being worked on (or the next one), null once every period is decided. */
  current: {
    key: string;
    label: string;
    from: string;
    to: string;
    due: string;
    value: number;
    need: number;
  } | null;
}

export interface Evaluation {
  status: Status;
  likelihood: Likelihood | null;
  /** Where the measure should be by now (cumulative), or the target level (ratios, levels). */
  expected: number | null;
  /** 全年预计完成值: projected to the period end; the current value for ratios and levels. */
  forecast: number | null;
  /** One line, Chinese. */
  reason: string;
  /** Days from today (local) to `deadline`; 0 on the day itself, negative once past. */
  daysLeft: number | null;
  /** The local date the target is judged at: period end, deadline or window end. */
  deadline: string | null;
  /** Ratios: Wilson interval of the rate, in the target's unit. */
  interval?: Interval;
  /** Deadlines and windows: the warning window (days) entered, so each window is notified once. */
  warningDays?: number;
  /** Cumulative measures: the pace judged against, in words (序时进度, 按月进度「汛期」). */
  pace?: string;
  /** Recurring targets: the periods, the missed ones and the current one. */
  recurring?: RecurringSummary;
}

/**
 * What an evaluation says of a unit wherever it is passed on (the alert path, the stored
 * evaluation, the pages): the engine's verdict with the actual it judged.
 */
export interface EvaluationSummary extends Pick<
  Evaluation,
  'status' | 'likelihood' | 'expected' | 'forecast' | 'reason' | 'daysLeft' | 'deadline'
> {
  /** 实际完成值, in the target's unit. */
  actual: number | null;
}

/** What every rule reads; built once per evaluation. */
export interface Ctx {
  input: EvaluationInput;
  cfg: RiskConfig;
  progress: JudgedProgress | null;
  nowLocal: number;
  today: number;
  /** Period in local ms: [startLocal, endLocal). */
  startLocal: number;
  endLocal: number;
  toDay: number;
  /** Local today is after the period's last day. */
  ended: boolean;
  /** Inside the first paceWarmupDays of the period. */
  warming: boolean;
}

export function result(
  status: Status,
  reason: string,
  expected: number | null,
  forecast: number | null,
  daysLeft: number | null,
  deadline: string | null,
): Evaluation {
  return { status, likelihood: likelihoodOf(status), expected, forecast, reason, daysLeft, deadline };
}
