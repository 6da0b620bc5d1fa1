export * from './deviation';
export * from './statuses';
export * from './format';
export { evaluateUnit } from './evaluate-unit';
export { progressAsOf } from './progress-as-of';
export { buildMonitoringReport, ReportDateError } from './monitoring-report';
export type {
  FundingLabel,
  FundingRow,
  IndicatorRow,
  MonitoringReport,
  MonitoringReportInput,
  ReportIndicatorInput,
  UnitProgress,
} from './monitoring-report';
export { monitoringReportXlsx, REPORT_SHEET } from './xlsx';
export { checkReportDate, monthsCompleted, monthsLabel } from './monitoring-report';
export { buildAgencyReport, elapsedShare, SUMMARY_LIKELIHOODS } from './agency-report';
export type { AgencyMonitoringReport, AgencyReportInput, AgencySummaryRow, SummaryLikelihood } from './agency-report';
export { agencyReportXlsx, SUMMARY_SHEET } from './agency-xlsx';
export { rollUpAgencies, type AgencyRollupRow, type RollupProject } from './agency-rollup';
export {
  budgetBehind,
  listProjects,
  projectRisk,
  PROJECT_RISKS,
  PROJECT_SORTS,
  type LikelihoodLights,
  type ListedProject,
  type ProjectRisk,
  type ProjectSort,
} from './project-list';
