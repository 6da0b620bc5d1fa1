import type { Effect, ResolvedScenario } from './scenarios';
import type { UnitView } from './view';

/**
 * Upstream sources: the story generates events per source (one lab category, one survey, one
 * project's spending on one item…), and a unit is fed by one or more of them. A scenario acts
 * on the sources of the unit it picked, so a slowed lab slows every indicator that lab feeds.
 *
 *   inspection:<category>           cases                 survey:<surveyKey>|<projectName>
 *   spending:<projectId>:<item>     spending:<projectId>: (no item)
 *   measurement:<unit id>
 * A key ending in `*` stands for every key with that prefix.
 */
export function sourceKeysOf(v: UnitView): string[] {
  const u = v.unit;
  if (u.kind === 'budget') return [`spending:${u.projectId}:*`];
  const b = v.binding;
  if (!b) return [`measurement:${u.id}`];
  const values = (field: string) => b.where.find((w) => w.field === field)?.values.map(String) ?? [];
  switch (b.from) {
    case 'inspectionBatches': {
      const categories = values('category');
      return categories.length ? categories.map((c) => `inspection:${c}`) : ['inspection:*'];
    }
    case 'cases':
      return ['cases'];
    case 'surveys':
      return [`survey:${values('surveyKey')[0] ?? ''}|${values('projectName')[0] ?? ''}`];
    case 'spending': {
      const items = values('item');
      return items.length ? items.map((i) => `spending:${u.projectId}:${i}`) : [`spending:${u.projectId}:*`];
    }
    default:
      return [`measurement:${u.id}`];
  }
}

export interface AppliedEffect {
  scenario: string;
  effect: Effect;
  /** The unit the scenario picked (a payment is sized on its cap). */
  unit: UnitView;
}

/** Which scenario effects act on a source. */
export class EffectIndex {
  private readonly entries: Array<{ key: string; applied: AppliedEffect }> = [];

  constructor(scenarios: readonly ResolvedScenario[], views: readonly UnitView[]) {
    const byId = new Map(views.map((v) => [v.unit.id, v]));
    for (const s of scenarios) {
      const unit = byId.get(s.unitId)!;
      for (const key of sourceKeysOf(unit))
        this.entries.push({ key, applied: { scenario: s.name, effect: s.effect, unit } });
    }
  }

  for(sourceKey: string): AppliedEffect[] {
    return this.entries.filter((e) => matches(e.key, sourceKey)).map((e) => e.applied);
  }

  /** The first effect of `kind` on the source, if any. */
  find<K extends Effect['kind']>(
    sourceKey: string,
    kind: K,
  ): (AppliedEffect & { effect: Extract<Effect, { kind: K }> }) | undefined {
    return this.for(sourceKey).find((a) => a.effect.kind === kind) as
      (AppliedEffect & { effect: Extract<Effect, { kind: K }> }) | undefined;
  }
}

function matches(pattern: string, key: string): boolean {
  if (pattern === key) return true;
  if (pattern.endsWith('*')) return key.startsWith(pattern.slice(0, -1));
  if (key.endsWith('*')) return pattern.startsWith(key.slice(0, -1));
  return false;
}
