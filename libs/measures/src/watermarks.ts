import { ACTUALS_ROLES, type ActualsRole } from '@iw/events';
import type { BindingSet } from './bindings';
import type { TrackedUnit } from './units';

/**
 * Event time. Progress is only as current as what ingest has processed: while a source lags
 * (ingest slow, stopped, or events of the last days still in Kafka), judging its indicators as
 * of the clock's now would find them behind pace when they are not. So each source (actuals
 * topic) has a watermark — the time up to which ingest has processed it — and a unit is judged
 * as of the earliest watermark of the sources that feed it, never after the clock's now. Pure.
 */

/** What ingest knows about one partition when it reports (every few seconds, after committed batches). */
export interface PartitionReport {
  /** The group's committed offset is the partition's end offset (or the partition is empty): nothing is left to read. */
  caughtUp: boolean;
  /** Latest occurredAt (ms) among the events of the batches committed since the last report; null when none. */
  eventTime: number | null;
}

/**
 * A partition's next watermark. Caught up: the clock's now (everything published so far is
 * processed). Lagging: the latest event time it has processed. Never ahead of the clock's now
 * (an event up to the allowed clock skew ahead does not move it past now), never back behind
 * what it was (an event that arrives late, dated before the watermark, is counted, but the
 * time it belongs to was already judged). Null while nothing is known.
 */
export function nextPartitionWatermark(previous: number | null, report: PartitionReport, now: number): number | null {
  const candidate = report.caughtUp ? now : report.eventTime;
  if (candidate === null) return previous === null ? null : Math.min(previous, now);
  return Math.min(now, Math.max(previous ?? -Infinity, candidate));
}

/** A topic's watermark: the earliest of its partitions'; null while any partition has none (or none is known). */
export function topicWatermark(partitions: ReadonlyArray<number | null>): number | null {
  if (partitions.length === 0) return null;
  let min = Infinity;
  for (const w of partitions) {
    if (w === null) return null;
    min = Math.min(min, w);
  }
  return min;
}

/**
 * The sources (actuals roles) that can feed a tracked unit: the `from` of its bindings, spending
 * for a project's budget execution, and measurements for every unit (a measurement addresses any
 * unit by its id). Per unit a binding names (boundSources); every other unit's are its kind's
 * alone (sourcesOf).
 */
export function boundSources(bindings: BindingSet): Map<string, readonly ActualsRole[]> {
  const bound = new Map<string, Set<ActualsRole>>();
  for (const b of bindings.bindings) {
    const roles = bound.get(b.unitId);
    if (roles) roles.add(b.from);
    else bound.set(b.unitId, new Set([b.from]));
  }
  // In the contract's order, so two units fed alike list their sources alike; each distinct list
  // is one array (a province's bound units have a handful). Only bound units have an entry: a
  // province's 100,000 units, nearly all unbound, had one each (3.7 MB of map for a few lists).
  const lists = new Map<string, readonly ActualsRole[]>();
  const out = new Map<string, readonly ActualsRole[]>();
  for (const [id, from] of bound) {
    const roles = new Set<ActualsRole>(['measurements', ...from]);
    if (bindings.units.get(id)?.kind === 'budget') roles.add('spending');
    const list = ACTUALS_ROLES.filter((r) => roles.has(r));
    const key = list.join(',');
    const known = lists.get(key);
    if (known) out.set(id, known);
    else {
      lists.set(key, list);
      out.set(id, list);
    }
  }
  return out;
}

const UNBOUND: readonly ActualsRole[] = ['measurements'];
const UNBOUND_BUDGET: readonly ActualsRole[] = ACTUALS_ROLES.filter((r) => r === 'measurements' || r === 'spending');

/** The sources of `unit`: its entry in `bound` (boundSources), else its kind's (spending too for a budget track). */
export function sourcesOf(
  unit: Pick<TrackedUnit, 'id' | 'kind'>,
  bound: ReadonlyMap<string, readonly ActualsRole[]>,
): readonly ActualsRole[] {
  return bound.get(unit.id) ?? (unit.kind === 'budget' ? UNBOUND_BUDGET : UNBOUND);
}

/**
 * The domain time a unit is judged as of: the clock's now, or the earliest watermark of its
 * sources if that is earlier. Null when a source has no watermark (ingest has not said how far it
 * got, and the source is not known to be empty or caught up): the unit is not judged yet.
 */
export function asOfFor(
  now: number,
  sources: readonly ActualsRole[],
  watermarks: ReadonlyMap<ActualsRole, number | null>,
): number | null {
  let asOf = now;
  for (const role of sources) {
    const w = watermarks.get(role) ?? null;
    if (w === null) return null;
    asOf = Math.min(asOf, w);
  }
  return asOf;
}

/**
 * The time a unit's progress is judged as of: its sources' time (asOfFor), but never before the
 * latest event the progress already counts. A unit's events come in order on its partition, so
 * they are counted up to that event; judging an earlier time would set events from after it
 * against a shorter stretch of the year, and a forecast would run ahead (an upper limit seemingly
 * passed while ingest catches up). Never after the clock's now (an event within the allowed skew
 * ahead of it). `lastEventAt`: the progress's latest occurredAt (ISO), or null.
 */
export function judgedAt(now: number, sourcesAsOf: number, lastEventAt: string | null | undefined): number {
  const last = lastEventAt ? Date.parse(lastEventAt) : NaN;
  return Math.min(now, Number.isNaN(last) ? sourcesAsOf : Math.max(sourcesAsOf, last));
}

/** Seconds a watermark is behind the clock's now (0 when current); null without a watermark. */
export function watermarkLagSeconds(now: number, watermark: number | null): number | null {
  return watermark === null ? null : Math.max(0, Math.round((now - watermark) / 1000));
}
