import { endOfLocalDay } from '@iw/clock';
import { budgetYuan, type Progress, type TrackedUnit } from '@iw/measures';
import { shownStatus, type RiskConfig, type Status } from '@iw/risk';
import type { Funds, TableKind } from '@iw/targets';
import type { Deviation, DeviationCategory } from './deviation';
import { evaluateUnit } from './evaluate-unit';
import { executionText, forecastText, partLine } from './format';
import { progressAsOf } from './progress-as-of';
import { reportLikelihood, worstLikelihood, worstStatus, type ReportLikelihood } from './statuses';

/**
 * The 绩效监控表 (项目支出绩效目标执行监控表) of one project as of a local date: the funding rows
 * and one row per indicator in the official layout. Pure: the caller loads the catalogue,
 * progress and deviations; everything else is computed here, with the same risk engine the
 * alerts use, on the progress as it stood at the end of `asOf`.
 */

export interface UnitProgress {
  unit: TrackedUnit;
  progress: Progress | null;
}

export interface ReportIndicatorInput {
  id: string;
  level1: string;
  level2: string;
  name: string;
  /** 指标值 as written. */
  value: string;
  /** The indicator itself, or a compound's parts in order. */
  units: UnitProgress[];
  deviation: Deviation | null;
}

export interface MonitoringReportInput {
  project: {
    id: string;
    name: string;
    budgetUnit: string;
    fiscalYear: number;
    goal: string;
    funds: Funds;
    tableKind?: TableKind;
  };
  /** The project's budget execution track; null when the project has none. */
  budget: UnitProgress | null;
  indicators: ReportIndicatorInput[];
  /** Local date YYYY-MM-DD. */
  asOf: string;
  /** Epoch ms from the Clock: a date in the future is judged as of now. */
  now: number;
  timeZone: string;
  riskConfig?: RiskConfig;
}

export type FundingLabel = '年度资金总额' | '其中：财政拨款' | '其他资金';

/** 项目资金 row; money in 万元, rate in %. Spending is not split by source, so only the total row has 执行数. */
export interface FundingRow {
  label: FundingLabel;
  /** 年初预算数 */
  budget: number | null;
  /** 1-X月执行数 */
  executed: number | null;
  /** 预算执行率 */
  executionRate: number | null;
  /** 全年预计执行数 */
  forecast: number | null;
}

export interface IndicatorRow {
  indicatorId: string;
  level1: string;
  level2: string;
  name: string;
  /** 指标值 */
  value: string;
  /** 1-X月执行情况 */
  execution: string;
  /** 全年预计完成情况 */
  forecast: string;
  /** 完成目标可能性 */
  likelihood: ReportLikelihood | null;
  status: Status;
  reason: string;
  /** 偏差原因 */
  deviation: { category: DeviationCategory; remark: string } | null;
  /** 整改措施 */
  measures: string;
}

export interface MonitoringReport {
  title: string;
  projectId: string;
  projectName: string;
  budgetUnit: string;
  fiscalYear: number;
  asOf: string;
  /** X of 1-X月: the months of the fiscal year completed by the end of `asOf` (0 in January before its last day). */
  month: number;
  /** The instant judged: the end of `asOf`, or now if that is earlier. ISO. */
  judgedAt: string;
  goal: string;
  funding: FundingRow[];
  indicators: IndicatorRow[];
}

export class ReportDateError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'ReportDateError';
  }
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

export function buildMonitoringReport(input: MonitoringReportInput): MonitoringReport {
  const { project, asOf, timeZone } = input;
  checkReportDate(asOf, project.fiscalYear);
  const month = monthsCompleted(asOf, project.fiscalYear);
  const at = Math.min(input.now, endOfLocalDay(asOf, timeZone) - 1);
  const judge = (u: UnitProgress, level2?: string) => {
    const progress = progressAsOf(u.progress, asOf, timeZone);
    return {
      unit: u.unit,
      progress,
      evaluation: evaluateUnit(u.unit, progress, at, timeZone, { level2, config: input.riskConfig }),
    };
  };

  return {
    title: (project.tableKind ?? '项目支出绩效目标表').replace('绩效目标表', '绩效目标执行监控表'),
    projectId: project.id,
    projectName: project.name,
    budgetUnit: project.budgetUnit,
    fiscalYear: project.fiscalYear,
    asOf,
    month,
    judgedAt: new Date(at).toISOString(),
    goal: project.goal,
    funding: fundingRows(project.funds, input.budget ? judge(input.budget) : null),
    indicators: input.indicators.map((ind): IndicatorRow => {
      const judged = ind.units.map((u) => judge(u, ind.level2));
      const compound = judged.length > 1 || judged.some((j) => j.unit.kind === 'part');
      const line = (j: (typeof judged)[number], text: string) => (compound ? partLine(j.unit, text) : text);
      return {
        indicatorId: ind.id,
        level1: ind.level1,
        level2: ind.level2,
        name: ind.name,
        value: ind.value,
        execution: judged.map((j) => line(j, executionText(j.unit, j.progress))).join('；'),
        forecast: judged.map((j) => line(j, forecastText(j.unit, j.evaluation))).join('；'),
        likelihood: reportLikelihood(worstLikelihood(judged.map((j) => j.evaluation.likelihood))),
        // As shown: an on_track without data is no_data here too (shownStatus).
        status: worstStatus(judged.map((j) => shownStatus(j.evaluation.status, j.evaluation.likelihood))) ?? 'no_data',
        reason: judged.map((j) => line(j, j.evaluation.reason)).join('；'),
        deviation: ind.deviation ? { category: ind.deviation.category, remark: ind.deviation.remark } : null,
        measures: ind.deviation?.measures ?? '',
      };
    }),
  };
}

/** Throws ReportDateError unless `asOf` is a calendar date YYYY-MM-DD not before `fiscalYear`. */
export function checkReportDate(asOf: string, fiscalYear: number): void {
  const m = DATE.exec(asOf);
  if (!m || !isCalendarDate(Number(m[1]), Number(m[2]), Number(m[3])))
    throw new ReportDateError(`asOf must be a date YYYY-MM-DD, got "${asOf}"`);
  if (Number(m[1]) < fiscalYear) throw new ReportDateError(`asOf ${asOf} is before fiscal year ${fiscalYear}`);
}

/**
 * The months of `fiscalYear` completed by the end of local date `asOf` (a valid YYYY-MM-DD in or
 * after that year): as of 1 July, 6 (1-6月); as of 30 June, 6 as well; after the year, 12.
 */
export function monthsCompleted(asOf: string, fiscalYear: number): number {
  const [y, m, d] = asOf.split('-').map(Number);
  if (y > fiscalYear) return 12;
  const lastDay = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d === lastDay ? m : m - 1;
}

/** The 1-X月 of the form's headings; before January is complete, 本年 (nothing complete yet). */
export function monthsLabel(month: number): string {
  if (month <= 0) return '本年';
  return month === 1 ? '1月' : `1-${month}月`;
}

function isCalendarDate(y: number, m: number, d: number): boolean {
  const t = new Date(Date.UTC(y, m - 1, d));
  return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
}

const wan = (yuan: number) => Math.round((yuan / 10_000) * 100) / 100;
const round2 = (n: number) => Math.round(n * 100) / 100;

function fundingRows(
  funds: Funds,
  budget: { progress: Progress | null; evaluation: { forecast: number | null } } | null,
): FundingRow[] {
  const totalYuan = budgetYuan(funds.total);
  const spentYuan = budget?.progress?.numerator ?? (budget ? 0 : null);
  const rate = totalYuan && spentYuan !== null ? round2((spentYuan / totalYuan) * 100) : null;
  // The budget track's forecast is a rate in %; 全年预计执行数 is that share of the total.
  const forecastRate = budget?.evaluation.forecast ?? null;
  const forecast = totalYuan && forecastRate !== null ? wan((totalYuan * forecastRate) / 100) : null;
  return [
    {
      label: '年度资金总额',
      budget: funds.total,
      executed: spentYuan === null ? null : wan(spentYuan),
      executionRate: rate,
      forecast,
    },
    { label: '其中：财政拨款', budget: funds.fiscal, executed: null, executionRate: null, forecast: null },
    { label: '其他资金', budget: funds.other, executed: null, executionRate: null, forecast: null },
  ];
}
