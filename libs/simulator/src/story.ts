import { buildMessage, type ActualsEvent, type ActualsRole, type DlqReasonClass } from '@iw/events';
import { instantMs, isoWithOffset } from './calendar';
import { streamContext, type Draft } from './context';
import { malformedDrafts, MALFORMED, type MalformedSpec } from './malformed';
import { resolveScenarios, SCENARIOS, type Expectation, type ResolvedScenario, type Scenario } from './scenarios';
import { EffectIndex } from './sources';
import { caseDrafts } from './streams/cases';
import { inspectionDrafts } from './streams/inspections';
import { measurementDrafts, type Unfed } from './streams/measurements';
import { spendingDrafts } from './streams/spending';
import { surveyDrafts } from './streams/surveys';
import { viewOf, type StoryInput } from './view';

export interface StoryOptions {
  seed: number;
  /**
   * Prefix of every eventId (`<runId>-<yyyymmdd>-<nnnn>`). The same seed gives the same events;
   * a new run id gives them new ids, so a second replay is not taken for a redelivery of the
   * first (the same id twice counts once).
   */
  runId: string;
  /** First and last local dates of the events (default: the fiscal year). The story itself never changes. */
  from?: string;
  until?: string;
  /** The plot; SCENARIOS unless a test swaps it. */
  scenarios?: readonly Scenario[];
  malformed?: readonly MalformedSpec[];
}

export interface StoryEvent {
  role: ActualsRole;
  /** Local date (YYYY-MM-DD) of occurredAt. */
  date: string;
  /** Epoch ms of occurredAt: the event is published when the (simulated) clock reaches it. */
  at: number;
  occurredAt: string;
  eventId: string;
  /** Message key as the contract says (keyFor); a plausible one for malformed messages. */
  key: string;
  /** The message value as published: JSON text, broken on purpose for malformed ones. */
  value: string;
  /** The event, for valid ones. */
  event?: ActualsEvent;
  /** The DLQ reason class ingest must give this message, for malformed ones. */
  malformed?: DlqReasonClass;
  /** The scenario that shaped this event, if any. */
  scenario?: string;
}

export interface Story {
  seed: number;
  runId: string;
  fiscalYear: number;
  timeZone: string;
  from: string;
  until: string;
  /** In occurredAt order. */
  events: StoryEvent[];
  scenarios: ResolvedScenario[];
  /** Which unit is expected in which status when (every instant of each date range). */
  expectations: Expectation[];
  /** Units the story does not feed, and why (they end in no_data). */
  unfed: Unfed[];
  /** How many events are malformed on purpose: the DLQ must hold exactly these. */
  malformedCount: number;
}

const RUN_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$/;

/**
 * The story of a fiscal year for a catalogue: deterministic for a seed. Events are generated
 * for the whole year (each day from its own random stream), then cut to [from, until], so a
 * shorter replay is exactly the start of a longer one.
 */
export function buildStory(input: StoryInput, options: StoryOptions): Story {
  if (!RUN_ID.test(options.runId)) throw new Error(`run id "${options.runId}": 1-40 letters, digits, - or _`);
  if (!Number.isInteger(options.seed) || options.seed < 0)
    throw new Error(`seed must be an integer ≥ 0, got ${options.seed}`);
  const fy = input.bindings.fiscalYear;
  const from = options.from ?? `${fy}-01-01`;
  const until = options.until ?? `${fy}-12-31`;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(from) || !/^\d{4}-\d{2}-\d{2}$/.test(until) || from > until) {
    throw new Error(`story dates: expected from ≤ until as YYYY-MM-DD, got ${from} … ${until}`);
  }

  const views = viewOf(input);
  const scenarios = resolveScenarios(views, fy, options.scenarios ?? SCENARIOS);
  const ctx = streamContext(input, views, new EffectIndex(scenarios, views), options.seed);
  const measured = measurementDrafts(ctx);
  // Stream order breaks ties between drafts at the same minute, so it is part of the story.
  const drafts: Draft[] = [
    ...inspectionDrafts(ctx),
    ...caseDrafts(ctx),
    ...surveyDrafts(ctx),
    ...spendingDrafts(ctx),
    ...measured.drafts,
    ...malformedDrafts(ctx, options.malformed ?? MALFORMED),
  ];

  const events = assemble(drafts, options.runId, ctx.timeZone).filter((e) => e.date >= from && e.date <= until);
  return {
    seed: options.seed,
    runId: options.runId,
    fiscalYear: fy,
    timeZone: ctx.timeZone,
    from,
    until,
    events,
    scenarios,
    expectations: scenarios.flatMap((s) => s.expectations),
    unfed: measured.unfed,
    malformedCount: events.filter((e) => e.malformed).length,
  };
}

/** Orders the drafts, gives them ids and instants, and builds each message exactly as a producer would. */
function assemble(drafts: readonly Draft[], runId: string, timeZone: string): StoryEvent[] {
  const ordered = drafts
    .map((d, i) => ({ d, i }))
    .sort((a, b) => (a.d.date < b.d.date ? -1 : a.d.date > b.d.date ? 1 : a.d.minute - b.d.minute || a.i - b.i))
    .map((x) => x.d);
  const events: StoryEvent[] = [];
  let day = '';
  let seq = 0;
  let last = -Infinity;
  for (const d of ordered) {
    if (d.date !== day) {
      day = d.date;
      seq = 0;
    }
    seq += 1;
    const eventId = `${runId}-${d.date.replace(/-/g, '')}-${String(seq).padStart(4, '0')}`;
    // A second apart at least: occurredAt order is the story's order, ties included.
    const at = Math.max(instantMs(d.date, d.minute, timeZone), last + 1000);
    last = at;
    const occurredAt = isoWithOffset(at, timeZone);
    const envelope = { eventId, occurredAt, source: d.source };
    const common = {
      role: d.role,
      date: d.date,
      at,
      occurredAt,
      eventId,
      ...(d.scenario ? { scenario: d.scenario } : {}),
    };
    if (d.raw) {
      events.push({ ...common, key: d.key ?? '', value: d.raw(envelope), malformed: d.malformed });
      continue;
    }
    const event = { ...envelope, schemaVersion: 1, ...d.body } as unknown as ActualsEvent;
    // Validates as the consumer will: a story that breaks the contract fails here, loudly.
    const message = buildMessage(d.role, event as never);
    events.push({ ...common, key: message.key, value: message.value, event });
  }
  return events;
}

/** The expectations whose date range contains `date`. */
export function expectationsOn(story: Story, date: string): Expectation[] {
  return story.expectations.filter((e) => e.from <= date && date <= e.to);
}

/** Events due by `ms` (occurredAt ≤ ms). */
export function eventsThrough(story: Story, ms: number): StoryEvent[] {
  return story.events.filter((e) => e.at <= ms);
}

/** Counts by topic role, and the malformed ones. */
export function summarizeStory(events: readonly StoryEvent[]): Record<ActualsRole | 'malformed' | 'total', number> {
  const out = {
    inspectionBatches: 0,
    cases: 0,
    surveys: 0,
    spending: 0,
    measurements: 0,
    malformed: 0,
    total: events.length,
  };
  for (const e of events) {
    out[e.role] += 1;
    if (e.malformed) out.malformed += 1;
  }
  return out;
}
