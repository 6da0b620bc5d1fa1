import { z } from 'zod';
import { STATUSES, type Status } from '@iw/risk';

export const StatusSchema = z.enum(STATUSES as readonly [Status, ...Status[]]);
export const LikelihoodSchema = z.enum(['确定能', '有可能', '不可能']).nullable();
/** A target as read from the table (docs/domain.md): `{kind, …}`. */
export const TargetSchema = z.object({ kind: z.string() }).catchall(z.unknown());
export const LocalDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD')
  .refine((s) => {
    const [y, m, d] = s.split('-').map(Number);
    const t = new Date(Date.UTC(y, m - 1, d));
    return t.getUTCFullYear() === y && t.getUTCMonth() === m - 1 && t.getUTCDate() === d;
  }, 'not a calendar date');
export const IsoInstantSchema = z.string();

/** An id in a route or query: a plain, bounded string (never an object). */
export const IdSchema = z.string().min(1).max(300);

/** `?agency=<预算单位>`: only this agency's projects (as the target tables name it). */
export const AgencyFilterSchema = z.string().trim().min(1).max(200);

/** `?year=2019`: a fiscal year of the catalogue (default: the newest). */
export const YearSchema = z
  .string()
  .regex(/^(19|20|21)\d{2}$/, 'year must be a fiscal year such as 2019')
  .transform(Number);

/** Counts per status, every status present. */
export const StatusCountsSchema = z.object(
  Object.fromEntries(STATUSES.map((s) => [s, z.number().int()])) as Record<Status, z.ZodNumber>,
);
export type StatusCounts = z.infer<typeof StatusCountsSchema>;

export function emptyStatusCounts(): StatusCounts {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
}
