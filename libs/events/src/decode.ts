import type { z } from 'zod';
import { ACTUALS_SCHEMAS, type ActualsEventByRole, type ActualsRole } from './actuals';
import type { DlqReason } from './dlq';
import { SCHEMA_VERSION } from './fields';
import { LIMITS } from './limits';
import { checkJsonSafety } from './safety';

export type Decoded<R extends ActualsRole = ActualsRole> =
  { ok: true; event: ActualsEventByRole[R] } | { ok: false; reason: DlqReason };

/** Fields that hold counts or amounts: a value below zero there is `negative_count`, not `schema`. */
const NON_NEGATIVE_FIELDS = new Set([
  'batches',
  'qualifiedBatches',
  'respondents',
  'satisfied',
  'costYuan',
  'amountYuan',
  'score',
  'value',
  'numerator',
  'denominator',
]);

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Bytes of one Kafka message → a valid event of the topic's family, or the reason it goes to
 * the DLQ. Never throws: whatever arrives, the partition keeps moving.
 */
export function decodeActual<R extends ActualsRole>(role: R, bytes: Buffer | Uint8Array | null): Decoded<R> {
  try {
    return decode(role, bytes);
  } catch (e) {
    // Defensive: nothing above should throw, but a consumer must never stop on one message.
    return reject('schema', `could not be checked: ${(e as Error).message}`);
  }
}

function decode<R extends ActualsRole>(role: R, bytes: Buffer | Uint8Array | null): Decoded<R> {
  if (!bytes || bytes.length === 0) return reject('not_json', 'empty message');
  if (bytes.length > LIMITS.maxMessageBytes) {
    return reject('too_large', `${bytes.length} bytes; the limit is ${LIMITS.maxMessageBytes}`);
  }
  let textValue: string;
  try {
    textValue = utf8.decode(bytes);
  } catch {
    return reject('invalid_utf8', 'the value is not valid UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(textValue);
  } catch (e) {
    return reject('not_json', (e as Error).message);
  }
  return validateActual(role, value);
}

/** The checks after parsing, shared with the producer side (`buildMessage`). */
export function validateActual<R extends ActualsRole>(role: R, value: unknown): Decoded<R> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return reject(
      'schema',
      `expected a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`,
    );
  }
  const unsafe = checkJsonSafety(value);
  if (unsafe) return reject(unsafe.class, unsafe.message);
  const version = (value as Record<string, unknown>).schemaVersion;
  if (version !== undefined && version !== SCHEMA_VERSION) {
    return reject(
      'unsupported_version',
      `schemaVersion ${JSON.stringify(version)}; this consumer reads ${SCHEMA_VERSION}`,
    );
  }
  const schema = ACTUALS_SCHEMAS[role] as unknown as z.ZodType<ActualsEventByRole[R]>;
  const parsed = schema.safeParse(value);
  if (parsed.success) {
    const e = parsed.data as { eventId: string; corrects?: string; retract?: boolean };
    if (e.corrects === e.eventId) return reject('schema', 'corrects: an event cannot correct itself');
    if (e.retract !== undefined && e.corrects === undefined)
      return reject('schema', 'retract: goes with corrects (the event whose effect it takes back)');
    return { ok: true, event: parsed.data };
  }
  const negative = parsed.error.issues.find((i) => isNegativeCount(value as Record<string, unknown>, i.path));
  if (negative) {
    const field = negative.path.join('.');
    return reject(
      'negative_count',
      `${field} is ${String((value as Record<string, unknown>)[field])}; counts and amounts are ≥ 0`,
    );
  }
  return reject('schema', describeIssues(parsed.error.issues));
}

function isNegativeCount(value: Record<string, unknown>, path: PropertyKey[]): boolean {
  if (path.length !== 1 || typeof path[0] !== 'string' || !NON_NEGATIVE_FIELDS.has(path[0])) return false;
  const v = value[path[0]];
  return typeof v === 'number' && v < 0;
}

function describeIssues(issues: z.core.$ZodIssue[]): string {
  const shown = issues.slice(0, 3).map((i) => `${i.path.length ? i.path.join('.') : '(event)'}: ${i.message}`);
  const more = issues.length > 3 ? ` (+${issues.length - 3} more)` : '';
  return (shown.join('; ') + more).slice(0, LIMITS.maxReasonChars);
}

function reject(cls: DlqReason['class'], message: string): { ok: false; reason: DlqReason } {
  return { ok: false, reason: { class: cls, message: message.slice(0, LIMITS.maxReasonChars) } };
}
