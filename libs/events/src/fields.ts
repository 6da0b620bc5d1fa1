import { z } from 'zod';

/** Field builders shared by every schema of the contract, so bounds are stated once. */

/**
 * Control characters (Unicode Cc: C0, DEL, C1) and the bidirectional overrides: invisible, they
 * make one id look like another, break log lines and terminals, and NUL ends C strings.
 */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
// As CONTROL, but tabs and line breaks are text in prose.
const CONTROL_IN_PROSE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

function noControl(re: RegExp) {
  return (v: string, ctx: z.RefinementCtx) => {
    const m = re.exec(v);
    if (m)
      ctx.addIssue({
        code: 'custom',
        message: `must not contain control characters (U+${m[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')} at ${m.index})`,
      });
  };
}

/**
 * A non-blank string of at most `max` characters without control characters: ids and short
 * fields (eventId, source, category, caseId, indicatorId, projectName …).
 */
export const text = (max: number) =>
  z.string().min(1).max(max).regex(/\S/, 'must not be blank').superRefine(noControl(CONTROL));

/** Free text (a note, an assessment's text): like `text`, but tabs and line breaks are allowed. */
export const prose = (max: number) =>
  z.string().min(1).max(max).regex(/\S/, 'must not be blank').superRefine(noControl(CONTROL_IN_PROSE));

/** An ISO 8601 instant WITH an offset (`Z` or `±hh:mm`): local times are ambiguous. */
export const instant = () =>
  z.iso.datetime({
    offset: true,
    message: 'must be an ISO 8601 date-time with an offset, e.g. 2019-04-12T10:30:00+08:00',
  });

/** A count: an integer ≥ 0 (a billion is far above any real batch or respondent count). */
export const count = () => z.number().int().min(0).max(1_000_000_000);

/** Money in yuan, ≥ 0 and finite (zod refuses NaN and ±Infinity). Ten trillion yuan bounds typos. */
export const yuan = () => z.number().min(0).max(1e13);

/** Any finite number of a sane magnitude. */
export const finite = () => z.number().min(-1e15).max(1e15);

export const SCHEMA_VERSION = 1 as const;

/** The common envelope of every actuals event (docs/events.md). */
export const envelopeShape = {
  /** The idempotency key: the same id twice counts once. */
  eventId: text(200),
  occurredAt: instant(),
  source: text(200),
  schemaVersion: z.literal(SCHEMA_VERSION),
  /** A correction: the eventId of an earlier event of the same topic whose effect this one replaces. */
  corrects: text(200).optional(),
  /** With `corrects`: the earlier effect is taken back, and this event has none of its own. */
  retract: z.boolean().optional(),
};
