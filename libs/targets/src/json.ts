/**
 * `iw targets parse --json`, keys in this order —
 * { fiscalYear, projects: [{ name, tableKind, budgetUnit, file?, sheet?, line, funds, fundsByNature?, goal,
 *   functions?, tasks?, indicators: [{ id, sheet?, line, level1, level2, name, value, target, note?, weight? }] }],
 *   problems: [{ file?, sheet?, line, severity, message }] }.
 * Keys marked ? appear only when the table has them (a workbook's sheet, a 部门整体 table's
 * blocks, a 指标值说明 or 权重 column). Project ids are derivable (projectId) and not part of it.
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
    projects: c.projects.map((p) => {
      const o: Record<string, unknown> = { name: p.name, tableKind: p.tableKind, budgetUnit: p.budgetUnit };
      if (p.file !== undefined) o.file = p.file;
      if (p.sheet !== undefined) o.sheet = p.sheet;
      o.line = p.line;
      o.funds = { total: p.funds.total, fiscal: p.funds.fiscal, other: p.funds.other, unit: p.funds.unit };
      if (p.fundsByNature)
        o.fundsByNature = {
          basic: p.fundsByNature.basic,
          project: p.fundsByNature.project,
          unit: p.fundsByNature.unit,
        };
      o.goal = p.goal;
      if (p.functions !== undefined) o.functions = p.functions;
      if (p.tasks)
        o.tasks = p.tasks.map((t) => ({
          name: t.name,
          content: t.content,
          amount: t.amount,
          fiscal: t.fiscal,
          other: t.other,
        }));
      o.indicators = p.indicators.map((i) => {
        const x: Record<string, unknown> = { id: i.id };
        if (i.sheet !== undefined) x.sheet = i.sheet;
        Object.assign(x, {
          line: i.line,
          level1: i.level1,
          level2: i.level2,
          name: i.name,
          value: i.value,
          target: targetJson(i.target),
        });
        if (i.note !== undefined) x.note = i.note;
        if (i.weight !== undefined) x.weight = i.weight;
        return x;
      });
      return o;
    }),
    problems: c.problems.map((p) => ({
      ...(p.file === undefined ? {} : { file: p.file }),
      ...(p.sheet === undefined ? {} : { sheet: p.sheet }),
      line: p.line,
      severity: p.severity,
      message: p.message,
    })),
  };
}
