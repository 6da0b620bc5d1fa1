import { z } from 'zod';

const num = z.union([z.number(), z.string().max(40)]);

/** 填报 through the API or the indicator page's forms (libs/people buildReport checks the values). */
export const ReportBodySchema = z.object({
  /** The tracked unit: a compound part's id (`…~label`); the indicator itself when absent. */
  unit: z.string().min(1).max(400).optional(),
  form: z.enum(['cumulative', 'increment', 'set', 'survey', 'milestone', 'assessment']),
  value: num.optional(),
  satisfied: num.optional(),
  total: num.optional(),
  /** milestone: the local date it was done (YYYY-MM-DD). */
  date: z.string().max(20).optional(),
  likelihood: z.string().max(10).optional(),
  text: z.string().max(4000).optional(),
  note: z.string().max(4000).optional(),
});
export type ReportBody = z.output<typeof ReportBodySchema>;

export const ReportResultSchema = z.object({
  /** The `actuals.measurements` event published (ingest applies it; the page shows it within seconds). */
  eventId: z.string(),
  unit: z.string(),
  summary: z.string(),
  event: z.record(z.string(), z.unknown()),
});
export type ReportResult = z.infer<typeof ReportResultSchema>;
