/**
 * `iw targets parse --json`: one documented shape, keys in a fixed order —
 * { fiscalYear, projects: [{ name, tableKind, budgetUnit, line, funds, goal,
 *   indicators: [{ id, line, level1, level2, name, value, target }] }], problems }.
 * Project ids are derivable (projectId) and not part of that shape.
 */
import type { ParsedCatalogue, Target } from './target';

function targetJson(t: Target): Record<string, unknown> {
  switch (t.kind) {
    case 'numeric': {
      const o: Record<string, unknown> = { kind: t.kind, op: t.op, value: t.value, unit: t.unit };
      if (t.qualifier !== undefined) o.qualifier = t.qualifier;
      if (t.label !== undefined) o.label = t.label;
      return o;
    }
    case 'range':
      return { kind: t.kind, min: t.min, max: t.max, unit: t.unit };
    case 'deadline':
      return t.byAlternative ? { kind: t.kind, by: t.by, byAlternative: t.byAlternative } : { kind: t.kind, by: t.by };
    case 'window':
      return { kind: t.kind, from: t.from, to: t.to };
    case 'compound':
      return { kind: t.kind, parts: t.parts.map(targetJson) };
    case 'formula':
      return { kind: t.kind, value: t.value, unit: t.unit, expression: t.expression, consistent: t.consistent };
    case 'qualitative':
      return { kind: t.kind, text: t.text };
    case 'missing':
      return { kind: t.kind };
    case 'recurring':
      return { kind: t.kind, every: t.every, count: t.count, op: t.op, dueDay: t.dueDay };
    case 'relative': {
      const o: Record<string, unknown> = { kind: t.kind, op: t.op, change: t.change, unit: t.unit, base: t.base };
      if (t.baseline !== undefined) o.baseline = t.baseline;
      return o;
    }
  }
}

export function catalogueJson(c: ParsedCatalogue): Record<string, unknown> {
  return {
    fiscalYear: c.fiscalYear,
    projects: c.projects.map((p) => ({
      name: p.name,
      tableKind: p.tableKind,
      budgetUnit: p.budgetUnit,
      line: p.line,
      funds: { total: p.funds.total, fiscal: p.funds.fiscal, other: p.funds.other, unit: p.funds.unit },
      goal: p.goal,
      indicators: p.indicators.map((i) => ({
        id: i.id,
        line: i.line,
        level1: i.level1,
        level2: i.level2,
        name: i.name,
        value: i.value,
        target: targetJson(i.target),
      })),
    })),
    problems: c.problems.map((p) => ({ line: p.line, severity: p.severity, message: p.message })),
  };
}
