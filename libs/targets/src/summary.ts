/** Counts for the readable `iw targets parse` summary. */
import type { ParsedCatalogue, ParsedProject, Problem, TargetKind } from './target';

export const TARGET_KINDS: readonly TargetKind[] = [
  'numeric',
  'range',
  'deadline',
  'window',
  'compound',
  'formula',
  'qualitative',
  'recurring',
  'relative',
  'missing',
];

export interface ProjectSummary {
  project: ParsedProject;
  byKind: Partial<Record<TargetKind, number>>;
  /** Problems whose line falls inside this project's table. */
  problems: Problem[];
}

export interface CatalogueSummary {
  fiscalYear: number;
  projects: ProjectSummary[];
  byKind: Partial<Record<TargetKind, number>>;
  indicators: number;
  /** Problems before the first table, or on a sheet without one. */
  problems: Problem[];
}

export function summarize(c: ParsedCatalogue): CatalogueSummary {
  const byKind: Partial<Record<TargetKind, number>> = {};
  // Positions sort by sheet (workbook order), then line.
  const order = new Map((c.sheets ?? []).map((name, i) => [name, i]));
  const pos = (x: { sheet?: string; line: number }) =>
    (x.sheet === undefined ? -1 : (order.get(x.sheet) ?? -1)) * 1e9 + x.line;
  const starts = c.projects.map((p) => Math.min(pos(p), ...p.indicators.map(pos)));
  // A problem belongs to the last table that starts before it on its sheet; others stand alone.
  const owner = (p: Problem): number => {
    let found = -1;
    starts.forEach((s, i) => {
      if (s <= pos(p) && c.projects[i].sheet === p.sheet && c.projects[i].file === p.file) found = i;
    });
    return found;
  };
  const owners = c.problems.map(owner);
  const projects = c.projects.map((project, i) => {
    const kinds: Partial<Record<TargetKind, number>> = {};
    for (const ind of project.indicators) {
      kinds[ind.target.kind] = (kinds[ind.target.kind] ?? 0) + 1;
      byKind[ind.target.kind] = (byKind[ind.target.kind] ?? 0) + 1;
    }
    return { project, byKind: kinds, problems: c.problems.filter((_, k) => owners[k] === i) };
  });
  return {
    fiscalYear: c.fiscalYear,
    projects,
    byKind,
    indicators: c.projects.reduce((n, p) => n + p.indicators.length, 0),
    problems: c.problems.filter((_, k) => owners[k] === -1),
  };
}
