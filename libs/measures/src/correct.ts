import { decodeActual, type ActualsRole } from '@iw/events';
import type { AppliedEvent, KafkaPosition, MeasureContribution } from './apply';
import type { BindingSet } from './bindings';
import { route } from './route';

/**
 * Corrections (docs/events.md "Corrections"): an event with `corrects: <eventId>` replaces the
 * earlier event's effect. The earlier effect is what its stored text gives when routed through
 * the bindings of its fiscal year (as a rebuild routes it); the correction takes each of those
 * contributions back at its own Kafka position — so each unit's offset fence counts the removal
 * exactly once, together with the correction's own contributions (none when it `retract`s).
 */

/** The contributions an earlier event gave, from its stored text; null when it no longer routes (or is unreadable). */
export function effectOf(
  role: ActualsRole,
  text: string,
  bindingsFor: (occurredAt: string) => BindingSet,
): MeasureContribution[] | null {
  const decoded = decodeActual(role, Buffer.from(text, 'utf8'));
  if (!decoded.ok) return null;
  const routed = route(decoded.event, role, bindingsFor(decoded.event.occurredAt));
  return routed.ok ? routed.contributions : null;
}

/**
 * What a correction applies, in order: the corrected event's contributions taken back, then
 * its own (unless it retracts), all at `position`.
 */
export function correctionEffect(
  corrected: readonly MeasureContribution[],
  own: readonly MeasureContribution[],
  retract: boolean,
  position: KafkaPosition,
): AppliedEvent[] {
  return [
    ...corrected.map((c) => ({
      trackedId: c.trackedId,
      eventId: c.eventId,
      occurredAt: c.occurredAt,
      input: c.input,
      retract: true as const,
      position,
    })),
    ...(retract ? [] : own.map((c) => ({ ...c, position }))),
  ];
}
