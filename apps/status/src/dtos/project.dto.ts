import { z } from 'zod';
import { PROJECT_RISKS, PROJECT_SORTS } from '@iw/report';
import {
  AgencyFilterSchema,
  IsoInstantSchema,
  LikelihoodSchema,
  LocalDateSchema,
  StatusCountsSchema,
  StatusSchema,
  YearSchema,
} from './common.dto';
import { IndicatorSchema } from './indicator.dto';

export const ProjectSchema = z.object({
  id: z.string(),
  name: z.string(),
  budgetUnit: z.string(),
  fiscalYear: z.number().int(),
  /** 项目资金 in 万元 as the table states it. */
  funds: z.object({
    total: z.number().nullable(),
    fiscal: z.number().nullable(),
    other: z.number().nullable(),
    unit: z.literal('万元'),
  }),
  /** 执行数 so far, 万元. */
  spent: z.number().nullable(),
  /** 预算执行率 %, of 年度资金总额. */
  executionRate: z.number().nullable(),
  /** Share of the fiscal year elapsed, %: what the execution rate is measured against. */
  timeElapsed: z.number(),
  /** 落后: executionRate below timeElapsed by more than the pace tolerance (the pace file's `thresholds.tolerance`). */
  behind: z.boolean(),
  budget: z.object({
    status: StatusSchema,
    likelihood: LikelihoodSchema,
    /** 全年预计执行数, 万元. */
    forecast: z.number().nullable(),
    reason: z.string(),
  }),
  indicatorCount: z.number().int(),
  statusCounts: StatusCountsSchema,
  /** Traffic lights: 确定能 / 有可能 / 不可能 (achieved counts as 确定能, missed as 不可能). */
  lights: z.object({
    确定能: z.number().int(),
    有可能: z.number().int(),
    不可能: z.number().int(),
    无: z.number().int(),
  }),
});
export type ProjectView = z.infer<typeof ProjectSchema>;

export const ProjectListSchema = z.object({
  now: IsoInstantSchema,
  fiscalYear: z.number().int().nullable(),
  projects: z.array(ProjectSchema),
});
export type ProjectList = z.infer<typeof ProjectListSchema>;

export const ProjectDetailSchema = ProjectSchema.extend({
  goal: z.string(),
  tableKind: z.string(),
  now: IsoInstantSchema,
  indicators: z.array(IndicatorSchema),
});
export type ProjectDetail = z.infer<typeof ProjectDetailSchema>;

export const YearQuerySchema = z.strictObject({ year: YearSchema.optional() });
export type YearQuery = z.output<typeof YearQuerySchema>;

/** Lists by agency: the fiscal year and one agency (预算单位). */
export const AgencyListQuerySchema = YearQuerySchema.extend({ agency: AgencyFilterSchema.optional() });
export type AgencyListQuery = z.output<typeof AgencyListQuerySchema>;

const emptyIsNone = (v: unknown) => (v === '' ? undefined : v);

/** The dashboard's home page: the year, an agency, and its project list's order and risk filter. */
export const HomeQuerySchema = z.object({
  year: YearSchema.optional(),
  agency: AgencyFilterSchema.optional(),
  // The form's 全部 sends `risk=`: no filter.
  sort: z.preprocess(emptyIsNone, z.enum(PROJECT_SORTS).optional()),
  risk: z.preprocess(emptyIsNone, z.enum(PROJECT_RISKS).optional()),
});
export type HomeQuery = z.output<typeof HomeQuerySchema>;

/** `GET /api/agencies`: one row per agency the caller reads. */
export const AgencyRowSchema = z.object({
  agency: z.string(),
  projectCount: z.number().int(),
  indicatorCount: z.number().int(),
  /** Indicators per 完成目标可能性 (暂无: none yet). */
  likelihoods: z.object({
    确定能: z.number().int(),
    有可能: z.number().int(),
    不可能: z.number().int(),
    暂无: z.number().int(),
  }),
  /** 年度资金总额 summed, 万元. */
  fundsTotal: z.number().nullable(),
  /** 执行数 summed, 万元. */
  spent: z.number().nullable(),
  /** 预算执行率 %. */
  executionRate: z.number().nullable(),
  /** 落后: executionRate below timeElapsed by more than the pace tolerance (the pace file's `thresholds.tolerance`). */
  behind: z.boolean(),
});
export const AgencyListSchema = z.object({
  now: IsoInstantSchema,
  fiscalYear: z.number().int().nullable(),
  /** Share of the fiscal year elapsed, %: what execution is measured against. */
  timeElapsed: z.number().nullable(),
  agencies: z.array(AgencyRowSchema),
});
export type AgencyList = z.infer<typeof AgencyListSchema>;

export const ReportQuerySchema = z.strictObject({
  asOf: LocalDateSchema.optional(),
  format: z.enum(['json', 'xlsx']).default('json'),
});

/** The department report also takes the fiscal year (default: the newest). */
export const AgencyReportQuerySchema = ReportQuerySchema.extend({ year: YearSchema.optional() });
export type AgencyReportQuery = z.output<typeof AgencyReportQuerySchema>;
export type ReportQuery = z.output<typeof ReportQuerySchema>;

const FundingRowSchema = z.object({
  label: z.enum(['年度资金总额', '其中：财政拨款', '其他资金']),
  budget: z.number().nullable(),
  executed: z.number().nullable(),
  executionRate: z.number().nullable(),
  forecast: z.number().nullable(),
});

const ReportRowSchema = z.object({
  indicatorId: z.string(),
  level1: z.string(),
  level2: z.string(),
  name: z.string(),
  value: z.string(),
  execution: z.string(),
  forecast: z.string(),
  likelihood: z.enum(['确定能', '有可能', '完全不可能']).nullable(),
  status: StatusSchema,
  reason: z.string(),
  deviation: z.object({ category: z.string(), remark: z.string() }).nullable(),
  measures: z.string(),
});

/** The 绩效监控表 as JSON (the .xlsx holds the same rows). */
export const MonitoringReportSchema = z.object({
  title: z.string(),
  projectId: z.string(),
  projectName: z.string(),
  budgetUnit: z.string(),
  fiscalYear: z.number().int(),
  asOf: LocalDateSchema,
  month: z.number().int().min(0).max(12),
  judgedAt: IsoInstantSchema,
  goal: z.string(),
  funding: z.array(FundingRowSchema),
  indicators: z.array(ReportRowSchema),
});

const LikelihoodCountsSchema = z.object({
  确定能: z.number().int(),
  有可能: z.number().int(),
  不可能: z.number().int(),
  暂无: z.number().int(),
});

/** The department 绩效监控表 as JSON (the .xlsx holds the same: a 汇总 sheet, then one sheet per project). */
export const AgencyMonitoringReportSchema = z.object({
  title: z.string(),
  agency: z.string(),
  fiscalYear: z.number().int(),
  asOf: LocalDateSchema,
  month: z.number().int().min(0).max(12),
  judgedAt: IsoInstantSchema,
  timeElapsed: z.number(),
  summary: z.array(
    z.object({
      projectId: z.string(),
      projectName: z.string(),
      budget: z.number().nullable(),
      executed: z.number().nullable(),
      executionRate: z.number().nullable(),
      timeElapsed: z.number(),
      behind: z.boolean(),
      indicators: z.number().int(),
      likelihoods: LikelihoodCountsSchema,
    }),
  ),
  totals: z.object({ indicators: z.number().int(), likelihoods: LikelihoodCountsSchema }),
  projects: z.array(MonitoringReportSchema),
});
