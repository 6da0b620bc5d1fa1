/** Builders for the risk engine's specs (not exported from the lib). */
import type { MeasureKind, Progress } from '@iw/measures';
import type { ComparisonOp, NumericTarget } from '@iw/targets';
import type { EvaluationInput, UnitTarget } from '../src/evaluation';

export const TZ = 'Asia/Shanghai';
export const YEAR_2019 = { from: '2019-01-01', to: '2019-12-31' };

/** A local instant in Asia/Shanghai: `2019-03-31` (noon) or `2019-03-31T23:59:59`. */
export function at(local: string): number {
  const iso = local.length === 10 ? `${local}T12:00:00+08:00` : `${local}+08:00`;
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`bad instant ${local}`);
  return ms;
}

export function num(op: ComparisonOp, value: number, unit = ''): NumericTarget {
  return { kind: 'numeric', op, value, unit };
}

export function progress(measure: MeasureKind, fields: Partial<Progress> = {}): Progress {
  return {
    id: 'unit',
    measure,
    actual: null,
    eventCount: fields.actual != null || fields.done != null || fields.assessment != null ? 1 : 0,
    firstEventAt: null,
    lastEventAt: null,
    history: [],
    period: YEAR_2019,
    ...fields,
  };
}

/** A ratio's progress: `x` of `n`, actual in percent. */
export function rate(x: number, n: number): Progress {
  return progress('ratio', { numerator: x, denominator: n, actual: n > 0 ? (x / n) * 100 : null, eventCount: n });
}

export function input(
  target: UnitTarget,
  measure: MeasureKind | null,
  p: Progress | null,
  now: string,
  extra: Partial<EvaluationInput> = {},
): EvaluationInput {
  return { target, measure, progress: p, period: YEAR_2019, now: at(now), timeZone: TZ, ...extra };
}
