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
  'recurring',
  'relative',
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
  /** Problems before the first table. */
  problems: Problem[];
}

export function summarize(c: ParsedCatalogue): CatalogueSummary {
  const byKind: Partial<Record<TargetKind, number>> = {};
  const starts = c.projects.map((p) => Math.min(p.line, ...p.indicators.map((i) => i.line)));
  const projects = c.projects.map((project, i) => {
    const kinds: Partial<Record<TargetKind, number>> = {};
    for (const ind of project.indicators) {
      kinds[ind.target.kind] = (kinds[ind.target.kind] ?? 0) + 1;
      byKind[ind.target.kind] = (byKind[ind.target.kind] ?? 0) + 1;
    }
    const from = i === 0 ? starts[0] : starts[i];
    const to = i + 1 < starts.length ? starts[i + 1] : Infinity;
    return { project, byKind: kinds, problems: c.problems.filter((p) => p.line >= from && p.line < to) };
  });
  const first = starts[0] ?? Infinity;
  return {
    fiscalYear: c.fiscalYear,
    projects,
    byKind,
    indicators: c.projects.reduce((n, p) => n + p.indicators.length, 0),
    problems: c.problems.filter((p) => p.line < first),
  };
}
