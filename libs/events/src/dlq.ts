import { z } from 'zod';
import { LIMITS } from './limits';
import { instant, SCHEMA_VERSION, text } from './fields';

/**
 * `actuals.dlq`: every rejected message, with its original bytes, where it came from and why.
 * The first classes are found by `decodeActual`; the rest by routing against the catalogue.
 */
export const DLQ_REASON_CLASSES = [
  'too_large', // bigger than the message limit, or a string, array or object too long inside
  'too_deep', // JSON nested deeper than the limit (LIMITS.maxDepth)
  'invalid_utf8',
  'not_json',
  'unsafe', // `$`-prefixed, dotted or prototype keys anywhere
  'unsupported_version', // schemaVersion other than 1
  'schema', // fails the family's schema
  'negative_count', // a count or an amount below zero
  'unknown_indicator', // measurements: indicatorId not in the catalogue
  'unknown_project', // projectName/projectId names no project in the catalogue
  'out_of_period', // occurredAt outside the period of every unit it would feed
  'future_event', // occurredAt later than the clock's now plus the allowed clock skew
  'year_closed', // occurredAt in a fiscal year closed with `iw years close`
  'unbound', // valid, but no binding takes it
  'incompatible', // measurements: a kind the indicator's measure cannot take (e.g. milestone on a sum)
  'conflicting_duplicate', // an event id seen before with different content (`firstSeen` says where, and what)
  'parked_full', // its unit is parked and already keeps IW_PARKED_EVENTS_MAX events aside (a rebuild counts it from the topic)
  'unknown_correction', // corrects an event id never counted on this topic
  'already_corrected', // corrects an event another correction already replaced (correct the latest one instead)
  'correction_too_old', // corrects an event id older than the dedup horizon (IW_RETENTION_EVENT_IDS): its effect is no longer known
] as const;
export type DlqReasonClass = (typeof DLQ_REASON_CLASSES)[number];

export interface DlqReason {
  class: DlqReasonClass;
  message: string;
}

export const dlqRecordSchema = z.strictObject({
  schemaVersion: z.literal(SCHEMA_VERSION),
  topic: text(249),
  partition: z.number().int().min(0),
  /** Kafka offsets are 64-bit: kept as a decimal string. */
  offset: z.string().regex(/^\d{1,20}$/),
  /** The message key as UTF-8 (lossy), or null. */
  key: z.string().max(LIMITS.maxStringLength).nullable(),
  /** The original value, base64; cut to maxDlqOriginalBytes (then `truncated`). */
  originalBase64: z.string(),
  originalSize: z.number().int().min(0),
  truncated: z.boolean(),
  /** The start of the value as UTF-8, invalid sequences replaced, for humans. */
  preview: z.string().max(LIMITS.maxDlqPreviewChars),
  reason: z.strictObject({ class: z.enum(DLQ_REASON_CLASSES), message: z.string().max(LIMITS.maxReasonChars) }),
  /** When the message was rejected. */
  at: instant(),
  /** conflicting_duplicate: the first delivery of the event id, and the start of its value. */
  firstSeen: z
    .strictObject({
      topic: text(249),
      partition: z.number().int().min(0),
      offset: z.string().regex(/^\d{1,20}$/),
      preview: z.string().max(LIMITS.maxDlqPreviewChars),
    })
    .optional(),
});
export type DlqRecord = z.output<typeof dlqRecordSchema>;

/**
 * Header on a message republished from the DLQ (`iw dlq redrive`): the DLQ record it came from
 * (`topic:partition:offset`), so a message rejected again links back to its first rejection.
 */
export const REDRIVE_HEADER = 'iw-redrive-of';

/** Whether a redrive can republish the record's message: kept whole, and within the message limit. */
export function isRedrivable(r: Pick<DlqRecord, 'truncated' | 'originalSize'>): boolean {
  return !r.truncated && r.originalSize > 0 && r.originalSize <= LIMITS.maxMessageBytes;
}

export interface RejectedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  value: Buffer | null;
  reason: DlqReason;
  /** ISO instant of the rejection (from the Clock). */
  at: string;
  /** conflicting_duplicate: where the event id was first seen, and that value (null: no longer known). */
  firstSeen?: { topic: string; partition: number; offset: string; value: Buffer | string | null };
}

function previewOf(value: Buffer | string | null): string {
  if (value === null) return '';
  const buf = typeof value === 'string' ? Buffer.from(value, 'utf8') : value;
  return buf
    .subarray(0, LIMITS.maxDlqPreviewChars * 4)
    .toString('utf8')
    .slice(0, LIMITS.maxDlqPreviewChars);
}

/** The DLQ record for a rejected message; pure, never throws on odd bytes. */
export function buildDlqRecord(m: RejectedMessage): DlqRecord {
  const value = m.value ?? Buffer.alloc(0);
  const kept = value.subarray(0, LIMITS.maxDlqOriginalBytes);
  const key = m.key === null ? null : typeof m.key === 'string' ? m.key : m.key.toString('utf8');
  return {
    schemaVersion: SCHEMA_VERSION,
    topic: m.topic,
    partition: m.partition,
    offset: m.offset,
    key: key === null ? null : key.slice(0, LIMITS.maxStringLength),
    originalBase64: kept.toString('base64'),
    originalSize: value.length,
    truncated: kept.length < value.length,
    preview: previewOf(value),
    reason: { class: m.reason.class, message: m.reason.message.slice(0, LIMITS.maxReasonChars) },
    at: m.at,
    ...(m.firstSeen
      ? {
          firstSeen: {
            topic: m.firstSeen.topic,
            partition: m.firstSeen.partition,
            offset: m.firstSeen.offset,
            preview: previewOf(m.firstSeen.value),
          },
        }
      : {}),
  };
}
