import { applyEvents, newProgress, partitionKey, type AppliedEvent, type ProgressInit } from './apply';
import { copyState } from './copy';
import type { Progress } from './progress';

/**
 * Parking: what ingest does with a unit whose events cannot be applied because of the unit's
 * own state — its measure changed under it (a bindings edit), or any error `applyEvents`
 * throws, which is pure, so a retry would meet it again. Instead of failing the batch (which
 * Kafka would redeliver forever, stalling every unit on the partition), the unit is parked: the
 * events go aside in its state, with the reason, and the rest of the batch is applied.
 * `rebuildUnit` recomputes the unit from the topics and applies what was parked.
 *
 * Exactly once holds through it: a parked event is kept once per Kafka position (a redelivered
 * batch parks nothing twice), events at or below the unit's fence are skipped as before, and
 * every change is a new version of the unit, written through the store's version claim.
 */
export function applyOrPark(
  progress: Progress | null,
  init: ProgressInit,
  events: readonly AppliedEvent[],
  timeZone: string,
  now: string,
  options: ParkOptions = {},
): Progress {
  return applyOrParkBounded(progress, init, events, timeZone, now, options).progress;
}

export interface ParkOptions {
  /** Most events one parked unit keeps aside (IW_PARKED_EVENTS_MAX); unbounded when absent. */
  maxParked?: number;
}

export interface ParkOutcome {
  progress: Progress;
  /**
   * Events of a parked unit beyond `maxParked`: not kept in its state (which must stay bounded);
   * ingest sends their messages to the DLQ (`parked_full`). A rebuild counts them from the topic.
   */
  overflow: AppliedEvent[];
}

/** applyOrPark, with the events a full parked unit could not keep aside. */
export function applyOrParkBounded(
  progress: Progress | null,
  init: ProgressInit,
  events: readonly AppliedEvent[],
  timeZone: string,
  now: string,
  options: ParkOptions = {},
): ParkOutcome {
  const max = options.maxParked ?? Infinity;
  if (progress?.parked) return park(progress, progress.parked.reason, progress.parked.since, events, false, max);
  try {
    return { progress: applyEvents(progress, init, events, timeZone), overflow: [] };
  } catch (e) {
    const base = progress ? copyState(progress) : newProgress(init);
    return park(base, (e as Error).message, now, events, true, max);
  }
}

/** A contribution's identity: its position, and (a correction's removal and its own share one) what it is. */
const at = (e: Pick<AppliedEvent, 'position' | 'eventId' | 'retract'>) =>
  `${partitionKey(e.position.topic, e.position.partition)}#${e.position.offset}${e.retract ? '-' : '+'}${e.eventId}`;

function park(
  p: Progress,
  reason: string,
  since: string,
  events: readonly AppliedEvent[],
  fresh: boolean,
  max: number,
): ParkOutcome {
  const kept = p.parked?.events ?? [];
  const seen = new Set(kept.map(at));
  const added: AppliedEvent[] = [];
  const overflow: AppliedEvent[] = [];
  for (const e of events) {
    const mark = p.applied?.[partitionKey(e.position.topic, e.position.partition)];
    if (mark !== undefined && e.position.offset <= mark) continue; // applied before it was parked
    const k = at(e);
    if (seen.has(k)) continue; // parked already (a redelivered batch)
    seen.add(k);
    // Full: the event goes to the DLQ instead (the same one again on a redelivery: one record per position).
    if (kept.length + added.length >= max) overflow.push(e);
    else added.push(e);
  }
  if (!fresh && added.length === 0) return { progress: p, overflow };
  const out = fresh ? p : copyState(p);
  out.parked = { reason, since, events: [...kept, ...added.map((e) => copyState(e))] };
  out.version = (out.version ?? 0) + 1;
  return { progress: out, overflow };
}

/** How far a rebuild read each partition: `partitionKey` → the highest offset read (inclusive). */
export type ScannedTo = Record<string, number>;

export type RebuildResult =
  | { ok: true; progress: Progress; parkedApplied: number }
  /** The unit's stored state counts events past what was read: read further, then again. */
  | { ok: false; behind: string[] };

/**
 * A unit recomputed from the topics: `scanned` (its contributions among every message read,
 * duplicates of an event id already dropped) applied to a fresh state, its fence raised to what
 * was read on every partition (so a later delivery of a message read here counts nothing),
 * then the events it had parked that lie beyond what was read. The result replaces `before` as
 * its next version. Refuses (`behind`) when `before` has applied an offset past what was read:
 * the scan must go on to there first, or those events would be lost. Pure.
 */
export function rebuildUnit(
  before: Progress | null,
  init: ProgressInit,
  scanned: readonly AppliedEvent[],
  scannedTo: ScannedTo,
  timeZone: string,
): RebuildResult {
  const behind = Object.entries(before?.applied ?? {})
    .filter(([k, offset]) => offset > (scannedTo[k] ?? -1))
    .map(([k]) => k);
  if (behind.length > 0) return { ok: false, behind };
  let p = applyEvents(null, init, scanned, timeZone);
  p.applied = { ...p.applied };
  for (const [k, offset] of Object.entries(scannedTo)) if (offset >= 0) p.applied[k] = offset;
  const parked = before?.parked?.events ?? [];
  const beyond = parked.filter(
    (e) => e.position.offset > (p.applied![partitionKey(e.position.topic, e.position.partition)] ?? -1),
  );
  if (beyond.length > 0) p = applyEvents(p, init, beyond, timeZone);
  p.version = (before?.version ?? 0) + 1;
  delete p.parked;
  return { ok: true, progress: p, parkedApplied: beyond.length };
}
