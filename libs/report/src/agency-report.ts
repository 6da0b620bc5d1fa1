import { endOfLocalDay, startOfLocalDay } from '@iw/clock';
import { DEFAULT_RISK_CONFIG } from '@iw/risk';
import { budgetBehind } from './project-list';
import {
  buildMonitoringReport,
  checkReportDate,
  monthsCompleted,
  type MonitoringReport,
  type MonitoringReportInput,
} from './monitoring-report';

/**
 * The department 绩效监控表 of one agency (预算单位) as of a local date: a summary of every
 * project (预算执行率 against 序时进度, indicators counted by 完成目标可能性) and each project's
 * own 绩效监控表. Pure: the caller loads one MonitoringReportInput per project (with the
 * targets, assessments and 偏差原因 valid on `asOf`).
 */

/** 完成目标可能性 as the summary counts it; 暂无 for an indicator without one (no data, manual). */
export const SUMMARY_LIKELIHOODS = ['确定能', '有可能', '不可能', '暂无'] as const;
export type SummaryLikelihood = (typeof SUMMARY_LIKELIHOODS)[number];

export interface AgencySummaryRow {
  projectId: string;
  projectName: string;
  /** 年初预算数, 万元 */
  budget: number | null;
  /** 1-X月执行数, 万元 (null: the project has no budget track) */
  executed: number | null;
  /** 预算执行率, % */
  executionRate: number | null;
  /** 序时进度 at the time judged, % */
  timeElapsed: number;
  /** 预算执行率 below 序时进度 beyond the pace tolerance (落后, budgetBehind) */
  behind: boolean;
  indicators: number;
  likelihoods: Record<SummaryLikelihood, number>;
}

export interface AgencyMonitoringReport {
  title: string;
  agency: string;
  fiscalYear: number;
  asOf: string;
  /** X of 1-X月: months completed by the end of `asOf`. */
  month: number;
  judgedAt: string;
  /** 序时进度 at `judgedAt`, %. */
  timeElapsed: number;
  summary: AgencySummaryRow[];
  /** The summary's counts over every project. */
  totals: { indicators: number; likelihoods: Record<SummaryLikelihood, number> };
  projects: MonitoringReport[];
}

export interface AgencyReportInput {
  agency: string;
  fiscalYear: number;
  asOf: string;
  now: number;
  timeZone: string;
  /** One per project, in the catalogue's order (their asOf, now and timeZone are the agency's). */
  projects: Array<Omit<MonitoringReportInput, 'asOf' | 'now' | 'timeZone'>>;
  riskConfig?: MonitoringReportInput['riskConfig'];
}

export function buildAgencyReport(input: AgencyReportInput): AgencyMonitoringReport {
  const { asOf, timeZone, fiscalYear } = input;
  checkReportDate(asOf, fiscalYear);
  const projects = input.projects.map((p) =>
    buildMonitoringReport({ ...p, asOf, now: input.now, timeZone, riskConfig: input.riskConfig }),
  );
  const at = Math.min(input.now, endOfLocalDay(asOf, timeZone) - 1);
  const elapsed = elapsedShare(fiscalYear, at, timeZone);
  const tolerance = (input.riskConfig ?? DEFAULT_RISK_CONFIG).paceTolerance;
  const summary = projects.map((r): AgencySummaryRow => {
    const total = r.funding[0];
    const likelihoods = countLikelihoods(r);
    return {
      projectId: r.projectId,
      projectName: r.projectName,
      budget: total?.budget ?? null,
      executed: total?.executed ?? null,
      executionRate: total?.executionRate ?? null,
      timeElapsed: elapsed,
      behind: budgetBehind(total?.executionRate, elapsed, tolerance),
      indicators: r.indicators.length,
      likelihoods,
    };
  });
  const totals = { indicators: 0, likelihoods: emptyCounts() };
  for (const s of summary) {
    totals.indicators += s.indicators;
    for (const l of SUMMARY_LIKELIHOODS) totals.likelihoods[l] += s.likelihoods[l];
  }
  return {
    title: `${input.agency}绩效监控表`,
    agency: input.agency,
    fiscalYear,
    asOf,
    month: monthsCompleted(asOf, fiscalYear),
    judgedAt: new Date(at).toISOString(),
    timeElapsed: elapsed,
    summary,
    totals,
    projects,
  };
}

function emptyCounts(): Record<SummaryLikelihood, number> {
  return { 确定能: 0, 有可能: 0, 不可能: 0, 暂无: 0 };
}

function countLikelihoods(r: MonitoringReport): Record<SummaryLikelihood, number> {
  const c = emptyCounts();
  for (const i of r.indicators) {
    if (i.likelihood === '完全不可能') c['不可能'] += 1;
    else c[i.likelihood ?? '暂无'] += 1;
  }
  return c;
}

/** 序时进度: the share of the fiscal year elapsed at `at`, in % (one decimal), 0–100. */
export function elapsedShare(fiscalYear: number, at: number, timeZone: string): number {
  const from = startOfLocalDay(`${fiscalYear}-01-01`, timeZone);
  const to = endOfLocalDay(`${fiscalYear}-12-31`, timeZone);
  return Math.round(Math.min(1, Math.max(0, (at - from) / (to - from))) * 1000) / 10;
}
