import { z } from 'zod';
import { AUDIT_ACTIONS } from '@iw/mongo';
import { IsoInstantSchema } from './common.dto';

export const AuditEntrySchema = z.object({
  id: z.string(),
  /** The person's address, or a machine token's id (`token:<scope>:<digest>`). */
  actor: z.string(),
  actorName: z.string(),
  role: z.string(),
  action: z.enum(AUDIT_ACTIONS),
  /** Alert id (ack, silence, unsilence), indicator or part id (report, deviation), the person (sign_in, sign_out). */
  target: z.string(),
  indicatorId: z.string().nullable(),
  projectId: z.string().nullable(),
  agency: z.string().nullable(),
  /** Domain time (IW_CLOCK). */
  at: IsoInstantSchema,
  /** Wall-clock time it was recorded. */
  recordedAt: IsoInstantSchema,
  before: z.unknown(),
  after: z.unknown(),
  address: z.string().nullable(),
});
export type AuditEntryView = z.infer<typeof AuditEntrySchema>;

export const AuditListSchema = z.object({ entries: z.array(AuditEntrySchema) });
export type AuditList = z.infer<typeof AuditListSchema>;

export const AuditQuerySchema = z.strictObject({
  indicator: z.string().min(1).max(300).optional(),
  actor: z.string().min(1).max(300).optional(),
  /** Entries at or after (domain time): YYYY-MM-DD (local start of that day) or an ISO date-time. */
  since: z
    .string()
    .max(40)
    .regex(
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/,
      'YYYY-MM-DD or an ISO date-time with an offset',
    )
    .optional(),
  limit: z.coerce.number().int().min(1).max(5000).optional(),
});
export type AuditQuery = z.output<typeof AuditQuerySchema>;
