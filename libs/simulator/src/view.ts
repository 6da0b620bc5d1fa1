import type { Binding, BindingSet, TrackedUnit } from '@iw/measures';
import { relativeGoal } from '@iw/risk';
import type { ParsedCatalogue, Target } from '@iw/targets';

/**
 * What the story is written for: the catalogue (for each indicator's 二级指标) and the
 * bindings (every tracked unit with its measure, and which events feed it). Both come from
 * the same catalogue, e.g. CatalogueRepository.load + BindingsProvider, or parseTargetTable +
 * loadBindings in tests.
 */
export interface StoryInput {
  catalogue: ParsedCatalogue;
  bindings: BindingSet;
}

/** Which way a numeric target points, read as the risk engine reads it (libs/risk bound.ts). */
export type Direction = 'floor' | 'cap' | 'range';

export interface UnitView {
  unit: TrackedUnit;
  /** 二级指标 of the indicator ('' for a budget track): under 成本指标 a bare number is a cap. */
  level2: string;
  /** The binding that feeds the unit; null when it is fed by actuals.measurements (or is a budget track). */
  binding: Binding | null;
  /** null for deadlines, windows, qualitative and missing targets. */
  direction: Direction | null;
}

/** Every tracked unit with what the story needs to know about it, in catalogue order. */
export function viewOf(input: StoryInput): UnitView[] {
  const level2 = new Map<string, string>();
  for (const p of input.catalogue.projects) for (const i of p.indicators) level2.set(i.id, i.level2);
  const bindingOf = new Map(input.bindings.bindings.map((b) => [b.unitId, b]));
  return [...input.bindings.units.values()].map((unit) => {
    const l2 = unit.indicatorId ? (level2.get(unit.indicatorId) ?? '') : '';
    const binding = bindingOf.get(unit.id) ?? null;
    return {
      unit,
      level2: l2,
      binding: binding && binding.from !== 'measurements' ? binding : null,
      direction: directionOf(unit.target, l2),
    };
  });
}

/**
 * Floor or cap. Tables write a bare number (`=`) for "at least" (1份, 200人), for "none" when
 * it is 0 (0.00%) and, under 成本指标, for a budget not to exceed (70万元) — the reading of
 * libs/risk boundOf, which the story's unit test checks against the engine's verdicts.
 */
export function directionOf(written: Target, level2: string): Direction | null {
  const target = absoluteOf(written);
  switch (target.kind) {
    case 'numeric':
      if (target.op === '=') return target.value === 0 || level2 === '成本指标' ? 'cap' : 'floor';
      return target.op === '>=' || target.op === '>' ? 'floor' : 'cap';
    case 'formula':
      return level2 === '成本指标' ? 'cap' : 'floor';
    case 'range':
      return 'range';
    default:
      return null;
  }
}

/** The amount a cumulative unit aims at: the target, just above it when strict, the middle of a range. */
export function goalOf(written: Target): number | null {
  const target = absoluteOf(written);
  switch (target.kind) {
    case 'numeric':
      if (target.op === '>') return Number.isInteger(target.value) ? target.value + 1 : target.value * 1.01;
      return target.value;
    case 'formula':
      return target.value;
    case 'range':
      return (target.min + target.max) / 2;
    default:
      return null;
  }
}

/** Whether the target is met exactly at its value (`=`, a range): the story does not overshoot it. */
export function isExact(written: Target): boolean {
  const target = absoluteOf(written);
  return (target.kind === 'numeric' && target.op === '=') || target.kind === 'formula' || target.kind === 'range';
}

/**
 * A year-on-year target with a baseline given at import as the absolute target the risk engine
 * judges it by (`较上年增长10%` on 1200 → ≥1320); any other target as it is. Without a baseline
 * the story has no last year to stand on (the engine says 缺少上年基数).
 */
export function absoluteOf(target: Target): Target {
  if (target.kind !== 'relative' || target.baseline === undefined) return target;
  return relativeGoal(target, { value: target.baseline, source: 'baseline' }).target;
}

/** Project id → name, in catalogue order. */
export function projectNames(input: StoryInput): Map<string, string> {
  return new Map(input.catalogue.projects.map((p) => [p.id, p.name]));
}
