/**
 * A compound target's parts are tracked as sub-indicators. Part ids use each part's label
 * (else its unit) when every part has a distinct one — `25期、133天、2500人` → `~期 ~天 ~人`,
 * `82台服务器，58台网络设备` → `~服务器 ~网络设备` — else every part's 1-based position
 * (`180人、207人、6人` → `~1 ~2 ~3`).
 */
import { idSegment, partId } from './ids';
import type { NumericTarget, ParsedIndicator } from './target';

export interface IndicatorPart {
  id: string;
  /** What the id ends with: the part's label or unit, or its position. */
  key: string;
  target: NumericTarget;
}

export function indicatorParts(indicator: Pick<ParsedIndicator, 'id' | 'target'>): IndicatorPart[] {
  if (indicator.target.kind !== 'compound') return [];
  const parts = indicator.target.parts;
  const keys = parts.map((p) => idSegment(p.label || p.unit));
  const byKey = keys.every((k, i) => k !== '' && keys.indexOf(k) === i);
  return parts.map((target, i) => {
    const key = byKey ? keys[i] : String(i + 1);
    return { id: partId(indicator.id, byKey ? key : i + 1), key, target };
  });
}
