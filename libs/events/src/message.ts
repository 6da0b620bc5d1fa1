import type { TopicRole } from '@iw/config';
import type { z } from 'zod';
import { isActualsRole } from './actuals';
import { validateActual } from './decode';
import { dlqRecordSchema, type DlqReason } from './dlq';
import { keyFor, type MessageByRole } from './keys';
import { LIMITS } from './limits';
import { progressMessageSchema } from './progress-message';

export interface KafkaMessage {
  key: string;
  value: string;
}

/** Thrown by `buildMessage` when an event would be rejected by the consumer. */
export class InvalidEventError extends Error {
  constructor(
    readonly role: TopicRole,
    readonly reason: DlqReason,
  ) {
    super(`invalid ${role} event (${reason.class}): ${reason.message}`);
    this.name = 'InvalidEventError';
  }
}

/**
 * Producer side: validates `event` exactly as the consumer will (same safety walk, schema and
 * size limit) and returns the keyed message. Throws `InvalidEventError` rather than publish
 * something that can only land in the DLQ.
 */
export function buildMessage<R extends TopicRole>(role: R, event: MessageByRole[R]): KafkaMessage {
  let value: string;
  try {
    value = JSON.stringify(event);
  } catch (e) {
    throw new InvalidEventError(role, { class: 'schema', message: `not serialisable: ${(e as Error).message}` });
  }
  if (value === undefined) throw new InvalidEventError(role, { class: 'schema', message: 'not a JSON value' });
  const size = Buffer.byteLength(value, 'utf8');
  if (isActualsRole(role)) {
    if (size > LIMITS.maxMessageBytes) {
      throw new InvalidEventError(role, {
        class: 'too_large',
        message: `${size} bytes; the limit is ${LIMITS.maxMessageBytes}`,
      });
    }
    // Re-parse so NaN/Infinity (which JSON.stringify turns into null) are judged as the consumer sees them.
    const checked = validateActual(role, JSON.parse(value));
    if (!checked.ok) throw new InvalidEventError(role, checked.reason);
    return { key: keyFor(role, checked.event as MessageByRole[R]), value };
  }
  const schema: z.ZodType = role === 'dlq' ? dlqRecordSchema : progressMessageSchema;
  const parsed = schema.safeParse(JSON.parse(value));
  if (!parsed.success) {
    const message = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
    throw new InvalidEventError(role, { class: 'schema', message: message.slice(0, LIMITS.maxReasonChars) });
  }
  return { key: keyFor(role, parsed.data as MessageByRole[R]), value };
}
