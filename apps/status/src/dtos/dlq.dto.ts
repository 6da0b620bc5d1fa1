import { z } from 'zod';
import { IsoInstantSchema } from './common.dto';

/** `GET /api/dlq`: what `iw dlq list` selects by, as query parameters (all optional). */
export const DlqQuerySchema = z.strictObject({
  /** Reason classes, comma-separated (`unknown_project,unbound`). */
  reason: z.string().max(500).optional(),
  /** Topic roles or names, comma-separated. */
  topic: z.string().max(1000).optional(),
  /** Rejected on or after: a local date (YYYY-MM-DD) or an ISO instant with an offset. */
  since: z.string().max(40).optional(),
  /** `pending` (never republished) or `redriven`. */
  state: z.string().max(20).optional(),
  /** Pages count from 1. */
  page: z.coerce.number().int().min(1).max(100_000).default(1),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});
export type DlqQuery = z.output<typeof DlqQuerySchema>;

export const DlqItemSchema = z.object({
  /** `topic:partition:offset`: the record, as `iw dlq show` and `iw dlq redrive --ids` take it. */
  id: z.string(),
  /** When it was rejected (the clock's time). */
  at: IsoInstantSchema,
  topic: z.string(),
  partition: z.number().int(),
  offset: z.string(),
  key: z.string().nullable(),
  reasonClass: z.string(),
  reason: z.string(),
  /** The start of the message as UTF-8 (untrusted text). */
  preview: z.string(),
  /** Bytes of the original message, when known. */
  originalSize: z.number().int().nullable(),
  /** Whether `iw dlq redrive` can republish it (the whole message was kept). */
  redrivable: z.boolean(),
  /** The record this message was republished from, when it was. */
  redriveOf: z.string().nullable(),
  /** Republished (`published`) or being republished (`claimed`); null: never. */
  redrive: z
    .object({
      state: z.enum(['claimed', 'published']),
      attempt: z.number().int(),
      at: IsoInstantSchema,
      by: z.string(),
    })
    .nullable(),
});
export type DlqItem = z.infer<typeof DlqItemSchema>;

export const DlqListSchema = z.object({
  total: z.number().int(),
  page: z.number().int(),
  limit: z.number().int(),
  items: z.array(DlqItemSchema),
});
export type DlqList = z.infer<typeof DlqListSchema>;
