/**
 * Rows → ParsedCatalogue: the table reader gives projects and raw indicators, the value
 * grammar reads each 指标值, ids come from ids.ts, and every oddity becomes a Problem with
 * its line. Pure: no I/O, no clock.
 */
import { idSegment, projectId } from './ids';
import type { SourceRow } from './rows/source-row';
import type { ParsedCatalogue, ParsedIndicator, ParsedProject, Problem } from './target';
import { readTables, type RawTable } from './table/table-reader';
import { nfkc } from './util/text';
import { unitInName } from './value/name-unit';
import { normalizeValueText } from './value/normalize';
import { readTarget, targetWarnings } from './value/read-target';
import { recurringFromName } from './value/recurring';

export interface ReadOptions {
  /** The fiscal year when the caller knows it (`--year`); otherwise read from the table. */
  fiscalYear?: number;
  /** Used only when neither the caller nor the table names a year (with an error). */
  fallbackYear?: number;
}

export type YearSource = 'caller' | 'title' | 'values' | 'names' | 'goals' | 'fallback';

const YEAR = /((?:19|20)\d{2})\s*年|((?:19|20)\d{2})[-/.]\d{1,2}[-/.]\d{1,2}/g;

function yearsIn(texts: Iterable<string>): number[] {
  const out: number[] = [];
  for (const t of texts) if (/\d/.test(t)) for (const m of nfkc(t).matchAll(YEAR)) out.push(Number(m[1] ?? m[2]));
  return out;
}

/** The most common year; a tie goes to the later year. */
function mostCommon(years: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const y of years) counts.set(y, (counts.get(y) ?? 0) + 1);
  let best: number | undefined;
  for (const [y, n] of counts)
    if (best === undefined || n > counts.get(best)! || (n === counts.get(best)! && y > best)) best = y;
  return best;
}

/**
 * The fiscal year "from the dates in the table": a year in a title wins; else the most
 * common year among the 指标值, then among indicator names, then in the goals.
 */
export function fiscalYearOf(tables: RawTable[]): { year?: number; source?: YearSource } {
  const tiers: Array<[YearSource, number[]]> = [
    ['title', tables.flatMap((t) => (t.titleYear ? [t.titleYear] : []))],
    ['values', yearsIn(tables.flatMap((t) => t.indicators.map((i) => i.value)))],
    ['names', yearsIn(tables.flatMap((t) => t.indicators.map((i) => i.name)))],
    ['goals', yearsIn(tables.map((t) => t.goal))],
  ];
  for (const [source, years] of tiers) {
    const year = mostCommon(years);
    if (year !== undefined) return { year, source };
  }
  return {};
}

/** A rough year from every cell, only to choose the level vocabulary before reading. */
function yearGuess(rows: SourceRow[]): number | undefined {
  return mostCommon(yearsIn(rows.flatMap((r) => r.cells)));
}

/**
 * `x`, `x_2`, `x_3` … for ids seen before. `_` because an id segment never contains it, and
 * `~` already means a compound part (`x~2` is the second part of `x`).
 */
export function disambiguator() {
  const seen = new Map<string, number>();
  return (id: string): { id: string; n: number } => {
    const n = (seen.get(id) ?? 0) + 1;
    seen.set(id, n);
    return { id: n === 1 ? id : `${id}_${n}`, n };
  };
}

export function readCatalogue(rows: SourceRow[], options: ReadOptions = {}): ParsedCatalogue {
  // Only consulted when no level-1 cell anywhere says which vocabulary the tables use.
  const vocabulary = (): 'old' | 'new' => {
    const guess = options.fiscalYear ?? yearGuess(rows);
    return guess !== undefined && guess >= 2021 ? 'new' : 'old';
  };
  const { tables, problems, sheets } = readTables(rows, vocabulary);
  const out: Problem[] = [...problems];
  const at = (x: { sheet?: string; line: number }) =>
    x.sheet === undefined ? { line: x.line } : { sheet: x.sheet, line: x.line };

  let fiscalYear = options.fiscalYear;
  if (fiscalYear === undefined) {
    const found = fiscalYearOf(tables);
    fiscalYear = found.year;
    if (fiscalYear === undefined) {
      fiscalYear = options.fallbackYear ?? 0;
      out.push({
        ...(tables[0] ? at(tables[0]) : { line: 1 }),
        severity: 'error',
        message: `no fiscal year in the table; assumed ${fiscalYear} (give the year explicitly)`,
      });
    }
  }

  const projectIds = disambiguator();
  const projects: ParsedProject[] = tables.map((t) => {
    const name = t.projectName || t.budgetUnit || `第${t.line}行的表`;
    const pid = projectIds(projectId(fiscalYear, t.budgetUnit, name));
    if (pid.n > 1) out.push({ ...at(t), severity: 'warning', message: `duplicate project 「${name}」; id ${pid.id}` });
    const indicatorIds = disambiguator();
    const firstLine = new Map<string, number>();
    const indicators: ParsedIndicator[] = t.indicators.map((raw) => {
      // `培训人次（人次）` | `500`: the unit written in the name completes a bare number.
      const reading = readTarget(withNameUnit(raw.name, raw.value), fiscalYear);
      const notes = reading.notes;
      // `“法治新疆网”每月通报` | `优数量≥1`: the name says how often.
      let target = recurringFromName(raw.name, reading.target) ?? reading.target;
      if (target.kind === 'relative' && raw.baseline !== undefined) target = { ...target, baseline: raw.baseline };
      for (const n of notes) out.push({ ...at(raw), severity: 'info', message: `「${raw.name}」: ${n}` });
      for (const w of targetWarnings(target, raw.name, fiscalYear))
        out.push({ ...at(raw), severity: 'warning', message: `「${raw.name}」 ${raw.value}: ${w}` });
      if (target.kind === 'missing' && raw.value.trim())
        out.push({
          ...at(raw),
          severity: 'warning',
          message: `「${raw.name}」: 「${raw.value}」 gives no target value`,
        });
      const base = `${pid.id}.${idSegment(raw.name)}`;
      const iid = indicatorIds(base.endsWith('.') ? `${base}line${raw.line}` : base);
      if (iid.n > 1)
        out.push({
          ...at(raw),
          severity: 'warning',
          message: `duplicate indicator 「${raw.name}」 (also line ${firstLine.get(base)}); both kept, this one is ${iid.id}`,
        });
      else firstLine.set(base, raw.line);
      const indicator: ParsedIndicator = {
        id: iid.id,
        ...at(raw),
        level1: raw.level1,
        level2: raw.level2,
        name: raw.name,
        value: raw.value.trim(),
        target,
      };
      if (raw.note) indicator.note = raw.note;
      if (raw.weight !== undefined) indicator.weight = raw.weight;
      return indicator;
    });
    const project: ParsedProject = {
      id: pid.id,
      name,
      tableKind: t.tableKind,
      budgetUnit: t.budgetUnit,
      ...at(t),
      funds: t.funds,
      goal: t.goal,
      indicators,
    };
    if (t.fundsByNature) project.fundsByNature = t.fundsByNature;
    if (t.functions) project.functions = t.functions;
    if (t.tasks?.length) project.tasks = t.tasks;
    return project;
  });

  if (!projects.length) out.push({ line: 1, severity: 'error', message: 'no target table (绩效目标表) found' });
  const order = new Map(sheets.map((name, i) => [name, i]));
  const rank = (p: Problem) => (p.sheet === undefined ? -1 : (order.get(p.sheet) ?? -1));
  out.sort((a, b) => rank(a) - rank(b) || a.line - b.line);
  return sheets.length ? { fiscalYear, projects, problems: out, sheets } : { fiscalYear, projects, problems: out };
}

/** The value to read: a bare number gets the unit its indicator's name ends with. */
function withNameUnit(name: string, value: string): string {
  const unit = unitInName(name);
  return unit && /^[≥≤<>=]?\d+(?:\.\d+)?$/.test(normalizeValueText(value)) ? value.trim() + unit : value;
}
