import { z } from 'zod';
import { AgencyFilterSchema, IsoInstantSchema, LikelihoodSchema, StatusSchema } from './common.dto';

const SnapshotSchema = z.object({
  status: StatusSchema,
  likelihood: LikelihoodSchema,
  actual: z.number().nullable(),
  expected: z.number().nullable(),
  forecast: z.number().nullable(),
  reason: z.string(),
  daysLeft: z.number().nullable(),
  deadline: z.string().nullable(),
});

export const AlertSchema = z.object({
  /** = the tracked unit's id (indicator or compound part). */
  id: z.string(),
  state: z.enum(['open', 'resolved', 'closed']),
  severity: z.enum(['at_risk', 'off_track']).nullable(),
  status: StatusSchema,
  unit: z.object({
    id: z.string(),
    indicatorId: z.string(),
    projectId: z.string(),
    projectName: z.string(),
    indicatorName: z.string(),
    partLabel: z.string().optional(),
    targetText: z.string(),
    unit: z.string(),
  }),
  openedAt: IsoInstantSchema,
  updatedAt: IsoInstantSchema,
  endedAt: IsoInstantSchema.nullable(),
  lastNotifiedAt: IsoInstantSchema.nullable(),
  repeatCount: z.number().int(),
  acknowledgedAt: IsoInstantSchema.nullable(),
  acknowledgedBy: z.string().nullable(),
  silencedUntil: IsoInstantSchema.nullable(),
  silencedBy: z.string().nullable(),
  /** Silenced at the moment of the answer. */
  silenced: z.boolean(),
  last: SnapshotSchema,
  history: z.array(
    z.object({
      at: IsoInstantSchema,
      version: z.number(),
      change: z.string(),
      state: z.string(),
      severity: z.string().nullable(),
      status: z.string(),
      by: z.string().optional(),
    }),
  ),
});
export type AlertView = z.infer<typeof AlertSchema>;

export const AlertListSchema = z.object({ now: IsoInstantSchema, alerts: z.array(AlertSchema) });
export type AlertList = z.infer<typeof AlertListSchema>;

export const AlertQuerySchema = z.strictObject({
  state: z.enum(['open', 'resolved', 'closed']).optional(),
  project: z.string().min(1).max(300).optional(),
  /** Only this agency's alerts. */
  agency: AgencyFilterSchema.optional(),
});
export type AlertQuery = z.output<typeof AlertQuerySchema>;

export const AckBodySchema = z.object({ by: z.string().trim().max(200).optional() }).default({});
export type AckBody = z.output<typeof AckBodySchema>;

export const SilenceBodySchema = z.object({
  /** A local date (YYYY-MM-DD, silenced through its end in IW_TIMEZONE) or an ISO date-time. */
  until: z.string().trim().min(1).max(40),
  by: z.string().trim().max(200).optional(),
});
export type SilenceBody = z.output<typeof SilenceBodySchema>;
