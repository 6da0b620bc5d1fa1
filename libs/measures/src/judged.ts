import type { Progress } from './progress';

/** The fields of a unit's progress the risk engine and the evaluate stage read, nothing else. */
export const JUDGED_FIELDS = [
  'id',
  'measure',
  'actual',
  'numerator',
  'denominator',
  'distinctOf',
  'done',
  'doneAt',
  'assessment',
  'eventCount',
  'firstEventAt',
  'lastEventAt',
  'history',
  'period',
  'version',
] as const satisfies ReadonlyArray<keyof Progress>;

/**
 * Progress as it is judged: what alerting keeps beside each evaluation, so a sweep judges a unit
 * again without reading its whole progress document (its readings, fences and distinct
 * sightings are for ingest and corrections, not for judging).
 */
export type JudgedProgress = Pick<Progress, (typeof JUDGED_FIELDS)[number]>;

/** The judged fields of a progress (absent ones stay absent). Pure. */
export function judgedProgressOf(p: Progress | JudgedProgress): JudgedProgress {
  const out: Record<string, unknown> = {};
  for (const k of JUDGED_FIELDS) if (p[k] !== undefined) out[k] = p[k];
  return out as JudgedProgress;
}
