import { z } from 'zod';
import { instant, SCHEMA_VERSION, text } from './fields';

/** `indicators.progress`: published by ingest after each durable change of a tracked unit. */
export const MEASURE_KINDS = [
  'sum',
  'count',
  'distinct',
  'ratio',
  'mean',
  'max',
  'min',
  'latest',
  'milestone',
  'assessment',
] as const;

export const progressMessageSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** The tracked unit: indicator id, compound part id, or budget track id (`…#budget`). */
  trackedId: text(600),
  /** null for a project's budget execution. */
  indicatorId: text(500).nullable(),
  projectId: text(400),
  measure: z.enum(MEASURE_KINDS),
  /** In the target's unit (a ratio against a % target is in percent); null before any event. */
  actual: z.number().nullable(),
  numerator: z.number().optional(),
  denominator: z.number().optional(),
  lastEventAt: instant().nullable(),
  /** Increases by one with every durable change; consumers drop anything older than what they hold. */
  version: z.number().int().min(0),
  /** When the change became durable. */
  at: instant(),
});
export type ProgressMessage = z.output<typeof progressMessageSchema>;
