import { z } from 'zod';
import { DEVIATION_CATEGORIES } from '@iw/report';
import {
  AgencyFilterSchema,
  IdSchema,
  YearSchema,
  IsoInstantSchema,
  LikelihoodSchema,
  LocalDateSchema,
  StatusSchema,
  TargetSchema,
} from './common.dto';

/** One tracked unit as the API shows it: an indicator's own, or a compound part. */
export const UnitViewSchema = z.object({
  id: z.string(),
  /** Compound part label; null for the indicator's own unit. */
  label: z.string().nullable(),
  target: TargetSchema,
  /** Unit of actual/expected/forecast (`批次`, `%`), '' when none. */
  unit: z.string(),
  measure: z.string(),
  /** Fed by a binding (else by actuals.measurements only). */
  bound: z.boolean(),
  actual: z.number().nullable(),
  expected: z.number().nullable(),
  forecast: z.number().nullable(),
  status: StatusSchema,
  statusLabel: z.string(),
  likelihood: LikelihoodSchema,
  reason: z.string(),
  /** True when `status` is alerting's settled status (after IW_PENDING_FOR); false: the live verdict. */
  settled: z.boolean(),
  /** The risk engine's verdict right now, before anti-flap. */
  liveStatus: StatusSchema,
  daysLeft: z.number().nullable(),
  deadline: LocalDateSchema.nullable(),
  /** The pace `expected` follows (序时进度, 按月进度「季节性」); null where none applies. */
  pace: z.string().nullable(),
  period: z.object({ from: LocalDateSchema, to: LocalDateSchema }),
  eventCount: z.number().int(),
  lastEventAt: IsoInstantSchema.nullable(),
});
export type UnitView = z.infer<typeof UnitViewSchema>;

export const DeviationViewSchema = z.object({
  category: z.enum(DEVIATION_CATEGORIES),
  remark: z.string(),
  measures: z.string(),
  updatedAt: IsoInstantSchema,
  updatedBy: z.string().nullable(),
});

export const IndicatorSchema = z.object({
  id: z.string(),
  project: z.object({ id: z.string(), name: z.string() }),
  level1: z.string(),
  level2: z.string(),
  name: z.string(),
  /** 指标值 as written in the table. */
  value: z.string(),
  target: TargetSchema,
  unit: z.string(),
  /** null for a compound indicator: see `parts`. */
  actual: z.number().nullable(),
  expected: z.number().nullable(),
  forecast: z.number().nullable(),
  /** A compound indicator shows its worst part. */
  status: StatusSchema,
  statusLabel: z.string(),
  likelihood: LikelihoodSchema,
  reason: z.string(),
  settled: z.boolean(),
  daysLeft: z.number().nullable(),
  deadline: LocalDateSchema.nullable(),
  /** The pace `expected` follows; null where none applies (and for a compound: see its parts). */
  pace: z.string().nullable(),
  lastEventAt: IsoInstantSchema.nullable(),
  /** Compound indicators: each part, tracked on its own. */
  parts: z.array(UnitViewSchema).nullable(),
  deviation: DeviationViewSchema.nullable(),
});
export type IndicatorView = z.infer<typeof IndicatorSchema>;

export const HistoryPointSchema = z.object({
  date: LocalDateSchema,
  /** The value at the end of the day (a running total for sums and counts). */
  actual: z.number().nullable(),
  /** The change from the previous day with events (a running total: the day's increment). */
  increment: z.number().nullable(),
  /** 按进度应完成 at the end of that day, from the pace in use (null: the target has no pace). */
  expected: z.number().nullable(),
});

export const IndicatorDetailSchema = IndicatorSchema.extend({
  period: z.object({ from: LocalDateSchema, to: LocalDateSchema }),
  /** How the indicator's own unit is measured (sum, ratio, milestone …); null for a compound. */
  measure: z.string().nullable(),
  /** Daily history of the indicator's own unit (the value at the end of each day with events); [] for a compound. */
  history: z.array(HistoryPointSchema),
  parts: z.array(UnitViewSchema.extend({ history: z.array(HistoryPointSchema) })).nullable(),
  /** Judged at (domain time, IW_CLOCK). */
  now: IsoInstantSchema,
});
export type IndicatorDetail = z.infer<typeof IndicatorDetailSchema>;

export const IndicatorListSchema = z.object({
  now: IsoInstantSchema,
  fiscalYear: z.number().int().nullable(),
  indicators: z.array(IndicatorSchema),
});
export type IndicatorList = z.infer<typeof IndicatorListSchema>;

export const IndicatorQuerySchema = z.strictObject({
  project: IdSchema.optional(),
  /** Only this agency's indicators. */
  agency: AgencyFilterSchema.optional(),
  /** Fiscal year (default: the newest; a project's own year when `project` is given). */
  year: YearSchema.optional(),
  status: z
    .string()
    .max(200)
    .optional()
    .transform((s, ctx) => {
      if (s === undefined || s === '') return undefined;
      const list = s.split(',').map((x) => x.trim());
      for (const x of list) {
        if (!StatusSchema.safeParse(x).success) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown status "${x}" (one of ${StatusSchema.options.join(', ')})`,
          });
          return z.NEVER;
        }
      }
      return list as z.infer<typeof StatusSchema>[];
    }),
});
export type IndicatorQuery = z.output<typeof IndicatorQuerySchema>;

const text = (max: number) => z.string().trim().max(max);

export const DeviationBodySchema = z.object({
  category: z.enum(DEVIATION_CATEGORIES),
  remark: text(2000).default(''),
  /** 整改措施 */
  measures: text(2000).default(''),
  by: text(200).optional(),
});
export type DeviationBody = z.output<typeof DeviationBodySchema>;
