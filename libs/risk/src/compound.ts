import { idSegment, partId, type Target } from '@iw/targets';
import type { UnitTarget } from './evaluation';

/** One thing the engine judges: an indicator, or one part of a compound indicator. */
export interface TrackedUnit {
  /** The indicator id, or its part id (`<indicator>~<label or 1-based index>`). */
  id: string;
  target: UnitTarget;
  /** Compound parts: the part's label, else its unit (`25期` → 期), else `第N项`. */
  label?: string;
}

/**
 * Splits a compound target into its parts, each tracked on its own; any other target is one
 * unit under the indicator's own id. Part ids use the label (or unit) when every part has a
 * distinct one (`30次、90人` → ~次, ~人), else the 1-based index (`180人、207人、6人` → ~1, ~2, ~3).
 */
export function splitCompound(indicatorId: string, target: Target): TrackedUnit[] {
  if (target.kind !== 'compound') return [{ id: indicatorId, target }];
  const keys = target.parts.map((part) => idSegment(part.label || part.unit));
  const byKey = keys.every((k, i) => k !== '' && keys.indexOf(k) === i);
  return target.parts.map((part, i) => ({
    id: partId(indicatorId, byKey ? keys[i] : i + 1),
    target: part,
    label: part.label || part.unit || `第${i + 1}项`,
  }));
}
