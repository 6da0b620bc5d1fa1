import { decodeActual, futureEventReason, type ActualsRole } from '@iw/events';
import { partitionKey, type AppliedEvent, type MeasureContribution } from './apply';
import { correctionEffect } from './correct';
import type { BindingSet } from './bindings';
import type { ScannedTo } from './park';
import { route } from './route';

/** A message as a rebuild reads it from an actuals topic. */
export interface ScannedMessage {
  topic: string;
  partition: number;
  /** Kafka offset (decimal string). */
  offset: string;
  value: Buffer | null;
}

/**
 * What a rebuild reads: every message of the actuals topics from the earliest offset, taken as
 * ingest takes it (decoded, refused when dated beyond the clock-skew allowance, routed through
 * the current bindings), keeping the contributions to the units being rebuilt. An event id seen
 * again on its topic counts once, at its first position (ingest's rule; a message republished
 * from the DLQ carries the id of the one it copies). Pure: the caller feeds it messages in
 * offset order per partition.
 */
export class RebuildScan {
  private readonly byUnit = new Map<string, AppliedEvent[]>();
  private readonly seen = new Set<string>();
  /** Events corrected, and what each event counted gave the units being rebuilt (a correction takes it back). */
  private readonly corrected = new Set<string>();
  private readonly effects = new Map<string, MeasureContribution[]>();
  readonly scannedTo: ScannedTo = {};
  /** Messages read, and how many fed a unit being rebuilt / were refused / repeated an event id. */
  readonly counts = { read: 0, counted: 0, refused: 0, duplicates: 0 };

  constructor(
    private readonly units: ReadonlySet<string>,
    /** The bindings an event is routed with: one set, or by the event's date (its fiscal year's). */
    private readonly bindings: BindingSet | ((occurredAt: string) => BindingSet),
    private readonly options: { now: number; maxClockSkewMs: number },
  ) {}

  take(role: ActualsRole, m: ScannedMessage): void {
    const offset = Number(m.offset);
    const k = partitionKey(m.topic, m.partition);
    this.scannedTo[k] = Math.max(this.scannedTo[k] ?? -1, offset);
    this.counts.read++;
    const decoded = decodeActual(role, m.value);
    if (!decoded.ok || futureEventReason(decoded.event.occurredAt, this.options.now, this.options.maxClockSkewMs)) {
      this.counts.refused++;
      return;
    }
    const bindings = typeof this.bindings === 'function' ? this.bindings(decoded.event.occurredAt) : this.bindings;
    const routed = route(decoded.event, role, bindings);
    if (!routed.ok) {
      this.counts.refused++;
      return;
    }
    const id = `${m.topic}\u0000${decoded.event.eventId}`;
    if (this.seen.has(id)) {
      this.counts.duplicates++;
      return;
    }
    // A correction stands as ingest lets it: of an event counted before it, and the first of it.
    const corrects = decoded.event.corrects;
    const target = corrects === undefined ? null : `${m.topic}\u0000${corrects}`;
    if (target !== null) {
      if (!this.seen.has(target) || this.corrected.has(target)) {
        this.counts.refused++;
        return;
      }
      this.corrected.add(target);
    }
    this.seen.add(id);
    const mine = routed.contributions.filter((c) => this.units.has(c.trackedId));
    const position = { topic: m.topic, partition: m.partition, offset };
    const applied =
      target === null
        ? mine.map((c) => ({ ...c, position }))
        : correctionEffect(this.effects.get(target) ?? [], mine, decoded.event.retract === true, position);
    if (mine.length > 0) this.effects.set(id, mine);
    if (applied.length === 0) return;
    this.counts.counted++;
    for (const c of applied) {
      const list = this.byUnit.get(c.trackedId) ?? [];
      list.push(c);
      this.byUnit.set(c.trackedId, list);
    }
  }

  /** Whether every partition has been read up to `ends` (end offsets: the next one to be written). */
  reached(ends: ReadonlyArray<{ topic: string; partition: number; high: string }>): boolean {
    return ends.every((e) => (this.scannedTo[partitionKey(e.topic, e.partition)] ?? -1) >= Number(e.high) - 1);
  }

  contributions(unitId: string): AppliedEvent[] {
    return this.byUnit.get(unitId) ?? [];
  }
}
