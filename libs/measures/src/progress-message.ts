import type { ProgressMessage } from '@iw/events';
import type { Progress } from './progress';

/**
 * The `indicators.progress` message for a durable change of a tracked unit: what ingest sends
 * after each write and `iw progress rebuild` after each rebuilt unit, so alerting re-evaluates
 * it at once. `unit` names its indicator and project. A unit the bindings no longer know is not
 * announced: the message needs its project, and alerting judges only units it knows.
 */
export function progressMessageOf(
  p: Progress,
  unit: { indicatorId: string | null; projectId: string },
  at: string,
): ProgressMessage {
  return {
    schemaVersion: 1,
    trackedId: p.id,
    indicatorId: unit.indicatorId,
    projectId: unit.projectId,
    measure: p.measure,
    actual: p.actual,
    ...(p.numerator !== undefined ? { numerator: p.numerator } : {}),
    ...(p.denominator !== undefined ? { denominator: p.denominator } : {}),
    lastEventAt: p.lastEventAt,
    version: p.version ?? 0,
    at,
  };
}
