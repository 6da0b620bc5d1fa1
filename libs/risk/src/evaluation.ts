import type { Likelihood, MeasureKind, Progress } from '@iw/measures';
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
  progress: Progress | null;
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
}

/** What every rule reads; built once per evaluation. */
export interface Ctx {
  input: EvaluationInput;
  cfg: RiskConfig;
  progress: Progress | null;
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
