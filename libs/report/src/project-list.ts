/**
 * The office's project list: a project's risk (项目风险, the worst 完成目标可能性 among its
 * indicators), whether its budget execution is behind 序时进度, and the list sorted and
 * filtered by those — as the dashboard's home page and agency page show it. Pure.
 */

/** Indicators per 完成目标可能性 (无: none yet, counted as 暂无). */
export interface LikelihoodLights {
  确定能: number;
  有可能: number;
  不可能: number;
  无: number;
}

export const PROJECT_RISKS = ['不可能', '有可能', '确定能', '暂无'] as const;
export type ProjectRisk = (typeof PROJECT_RISKS)[number];

export const PROJECT_SORTS = ['risk', 'execution', 'funds', 'name'] as const;
export type ProjectSort = (typeof PROJECT_SORTS)[number];

/** What the list needs of a project. */
export interface ListedProject {
  name: string;
  lights: LikelihoodLights;
  executionRate: number | null;
  timeElapsed: number | null;
  fundsTotal: number | null;
}

/**
 * 落后: 预算执行率 below 序时进度 by more than the pace tolerance (the pace file's
 * `thresholds.tolerance`, RiskConfig.paceTolerance: a share of 序时进度, 0.1 by default) — the
 * rule the risk engine judges a linear pace by (at_risk below expected × (1 − tolerance)), so a
 * project 0.1 points behind is not 落后. Both known, else not behind. Drawn red and tagged 落后 on
 * the dashboard, `behind` in the API, filled red in the 汇总.
 */
export function budgetBehind(
  executionRate: number | null | undefined,
  timeElapsed: number | null | undefined,
  tolerance: number,
): boolean {
  if (executionRate == null || timeElapsed == null) return false;
  // The line to 0.01 points, the precision the rate is given in (49.7 × 0.9 is 44.730000000000004).
  return executionRate < Math.round(timeElapsed * (1 - tolerance) * 100) / 100;
}

/** The worst 完成目标可能性 of a project's indicators; 暂无 when none has one. */
export function projectRisk(l: LikelihoodLights): ProjectRisk {
  if (l.不可能 > 0) return '不可能';
  if (l.有可能 > 0) return '有可能';
  if (l.确定能 > 0) return '确定能';
  return '暂无';
}

const byName = (a: ListedProject, b: ListedProject) => a.name.localeCompare(b.name, 'zh');

/** How far execution is behind time (percentage points; unknown rates last). */
const gap = (p: ListedProject) =>
  p.executionRate === null || p.timeElapsed === null ? Number.POSITIVE_INFINITY : p.executionRate - p.timeElapsed;

const COMPARE: Record<ProjectSort, (a: ListedProject, b: ListedProject) => number> = {
  // Most at risk first: more 不可能, then more 有可能, then furthest behind on budget.
  risk: (a, b) =>
    b.lights.不可能 - a.lights.不可能 || b.lights.有可能 - a.lights.有可能 || gap(a) - gap(b) || byName(a, b),
  // Furthest behind 序时进度 first; no rate last.
  execution: (a, b) => (gap(a) === gap(b) ? 0 : gap(a) < gap(b) ? -1 : 1) || byName(a, b),
  // Largest 年度资金 first; none last.
  funds: (a, b) =>
    (b.fundsTotal ?? Number.NEGATIVE_INFINITY) - (a.fundsTotal ?? Number.NEGATIVE_INFINITY) || byName(a, b),
  name: byName,
};

/** The projects of `risk` (all when null), in `sort` order; a new array, the input untouched. */
export function listProjects<P extends ListedProject>(
  projects: readonly P[],
  options: { sort: ProjectSort; risk: ProjectRisk | null },
): P[] {
  const cmp = COMPARE[options.sort];
  return projects
    .filter((p) => options.risk === null || projectRisk(p.lights) === options.risk)
    .sort((a, b) => {
      const c = cmp(a, b);
      return Number.isNaN(c) ? 0 : c;
    });
}
