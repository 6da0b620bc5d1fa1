/**
 * The finance department's roll-up: one row per agency (预算单位) of its projects — how many
 * indicators stand at each 完成目标可能性 (暂无 for none yet), and the budget execution
 * (执行数 against 年度资金总额, both summed over the agency's projects). Pure.
 */

export interface RollupProject {
  budgetUnit: string;
  /** 年度资金总额, 万元 (null: the table gives none). */
  fundsTotal: number | null;
  /** 执行数 so far, 万元 (null: no spending tracked). */
  spent: number | null;
  /** Indicators per 完成目标可能性; `无` for none yet. */
  lights: { 确定能: number; 有可能: number; 不可能: number; 无: number };
}

export interface AgencyRollupRow {
  agency: string;
  projectCount: number;
  indicatorCount: number;
  likelihoods: { 确定能: number; 有可能: number; 不可能: number; 暂无: number };
  /** Sum of the projects' 年度资金总额, 万元; null when no project states one. */
  fundsTotal: number | null;
  /** Sum of the projects' 执行数, 万元; null when no project tracks spending. */
  spent: number | null;
  /** 预算执行率 %: spent of the funds of the projects that state funds; null without both. */
  executionRate: number | null;
}

const round2 = (x: number) => Math.round(x * 100) / 100;

/** Rows sorted by agency name (zh collation); an agency appears once however its name is spaced. */
export function rollUpAgencies(projects: readonly RollupProject[]): AgencyRollupRow[] {
  const rows = new Map<string, AgencyRollupRow & { fundedSpent: number; funded: boolean; tracked: boolean }>();
  for (const p of projects) {
    const agency = p.budgetUnit.trim();
    let r = rows.get(agency);
    if (!r) {
      r = {
        agency,
        projectCount: 0,
        indicatorCount: 0,
        likelihoods: { 确定能: 0, 有可能: 0, 不可能: 0, 暂无: 0 },
        fundsTotal: null,
        spent: null,
        executionRate: null,
        fundedSpent: 0,
        funded: false,
        tracked: false,
      };
      rows.set(agency, r);
    }
    r.projectCount += 1;
    r.likelihoods.确定能 += p.lights.确定能;
    r.likelihoods.有可能 += p.lights.有可能;
    r.likelihoods.不可能 += p.lights.不可能;
    r.likelihoods.暂无 += p.lights.无;
    r.indicatorCount += p.lights.确定能 + p.lights.有可能 + p.lights.不可能 + p.lights.无;
    if (p.spent !== null) {
      r.spent = (r.spent ?? 0) + p.spent;
      r.tracked = true;
    }
    if (p.fundsTotal !== null && p.fundsTotal > 0) {
      r.fundsTotal = (r.fundsTotal ?? 0) + p.fundsTotal;
      r.fundedSpent += p.spent ?? 0;
      r.funded = true;
    }
  }
  return [...rows.values()]
    .map(({ fundedSpent, funded, tracked, ...r }) => ({
      ...r,
      fundsTotal: r.fundsTotal === null ? null : round2(r.fundsTotal),
      spent: r.spent === null ? null : round2(r.spent),
      executionRate: funded && tracked ? round2((fundedSpent / r.fundsTotal!) * 100) : null,
    }))
    .sort((a, b) => a.agency.localeCompare(b.agency, 'zh'));
}
