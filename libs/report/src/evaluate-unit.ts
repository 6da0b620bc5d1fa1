import type { Progress, TrackedUnit } from '@iw/measures';
import {
  DEFAULT_RISK_CONFIG,
  evaluate,
  type Evaluation,
  type Pace,
  type RelativeBase,
  type RiskConfig,
} from '@iw/risk';

/**
 * The one way status and report judge a tracked unit: its target, measure and period from the
 * unit (BindingsProvider), its progress, at `now`. A compound indicator is never a unit itself
 * (its parts are), so the target is a UnitTarget here.
 */
export function evaluateUnit(
  unit: TrackedUnit,
  progress: Progress | null,
  now: number,
  timeZone: string,
  options: { level2?: string; config?: RiskConfig; pace?: Pace; base?: RelativeBase | null } = {},
): Evaluation {
  if (unit.target.kind === 'compound') throw new Error(`${unit.id}: a compound target is judged part by part`);
  return evaluate(
    {
      target: unit.target,
      measure: unit.measure,
      progress,
      period: unit.period,
      now,
      timeZone,
      level2: options.level2,
      ...(options.pace ? { pace: options.pace } : {}),
      ...(options.base ? { base: options.base } : {}),
    },
    options.config ?? DEFAULT_RISK_CONFIG,
  );
}
