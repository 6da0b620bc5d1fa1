import type { AppliedEvent } from './apply';
/**
 * What a measure keeps for one tracked unit (an indicator, a compound part, or a project's
 * budget execution) and what the risk engine reads. Written by ingest, read by alerting,
 * status and the CLI. Values are in the target's own unit: a ratio bound to a `%` target
 * has `actual` in percent (numerator/denominator × 100).
 */

export type MeasureKind =
  | 'sum' // running sum of a field (batches, costYuan, amountYuan)
  | 'count' // number of matching events
  | 'distinct' // number of distinct values of a field (regions covered), optionally out of `of`
  | 'ratio' // sum(numerator field) / sum(denominator field)
  | 'mean' // sum(field) / sum(weight field or 1): cost per batch, average score
  | 'max'
  | 'min'
  | 'latest' // the value of the event with the latest occurredAt
  | 'milestone' // done or not (deadline targets)
  | 'assessment'; // manual 完成目标可能性 + text (qualitative targets)

export type Likelihood = '确定能' | '有可能' | '不可能';

export interface Assessment {
  likelihood: Likelihood;
  text: string;
  at: string; // ISO instant
  /** Breaks ties between two assessments at the same instant, so arrival order never matters. */
  eventId?: string;
}

export interface DailyPoint {
  /** Local date YYYY-MM-DD (IW_TIMEZONE) of the events' occurredAt. */
  date: string;
  /** The measure's value at the end of that day. */
  actual: number | null;
  numerator?: number;
  denominator?: number;
  /** max/min/latest/milestone: the raw reading before `scale` (milestone: 1 done, 0 not). */
  value?: number;
  /** latest/milestone: occurredAt and eventId of the reading kept for that day. */
  latestAt?: string;
  latestEventId?: string;
}

export interface Progress {
  /** Tracked unit id (indicator id, part id or budget track id). */
  id: string;
  measure: MeasureKind;
  /** null until the first event. */
  actual: number | null;
  /**
   * ratio: sums of the two fields; mean: sum of values and of weights; sum/count/distinct: the
   * raw total before `scale` (and the fixed `of` as denominator when set — a budget track has
   * 执行数 in yuan over 年度资金总额 in yuan, actual = 预算执行率 in %); latest: the reading's own.
   */
  numerator?: number;
  denominator?: number;
  /** distinct: the values seen, and the total they are counted out of (e.g. 14 地州). */
  distinctValues?: string[];
  distinctOf?: number;
  /** milestone */
  done?: boolean;
  doneAt?: string | null;
  /** assessment: the latest (by occurredAt, then event id) */
  assessment?: Assessment | null;
  /** Every assessment made, oldest first (kept since history was kept; older documents have only `assessment`). */
  assessments?: Assessment[];
  /** latest: occurredAt of the value kept (later events win, not later arrivals). */
  latestAt?: string | null;
  eventCount: number;
  firstEventAt: string | null;
  lastEventAt: string | null;
  /** Daily history, ascending by date, one point per day that had events. */
  history: DailyPoint[];
  /** Tracking period (local dates, inclusive). */
  period: { from: string; to: string };

  // Added by the measures lib (all optional so older documents still type-check):
  /** max/min/latest/milestone: the raw reading before `scale`. */
  value?: number;
  /** latest/milestone: eventId of the reading kept (ties on occurredAt go to the greater id). */
  latestEventId?: string | null;
  /** Multiplier from the raw measure to the target's unit (100 for a ratio against a % target). */
  scale?: number;
  /** sum/count/distinct counted out of a fixed total (14 地州, a budget in yuan); null: total unknown. */
  of?: number | null;
  /**
   * distinct: each value with the local date it was first seen (history needs it for late
   * events), and how many events saw it on each day (a correction takes one back).
   */
  distinctSeen?: Array<{ value: string; date: string; days?: Record<string, number> }>;
  /** max, min, latest, milestone: the readings, so that a correction can remove one exactly (apply.ts). */
  readings?: KeptReading[];
  /** Event ids a correction took back before they reached this unit: skipped when they come (apply.ts). */
  unmatched?: string[];
  /** milestone: occurredAt of the latest `done: false`. */
  undoneAt?: string | null;
  /**
   * Exactly-once fence: per Kafka source partition (`partitionKey(topic, partition)`, safe as a
   * MongoDB field name), the highest offset already applied. Contributions at or below it are skipped.
   */
  applied?: Record<string, number>;
  /** One more with every call of applyEvents that changed something. */
  version?: number;
  /**
   * Set when events could not be applied because of the unit's own state (its measure changed
   * under it, or any error that retrying would meet again): the unit's later events are kept
   * here, in arrival order, instead of stopping the partition; `iw progress rebuild` applies
   * them after recomputing the unit from the topics. The other fields keep the last good state.
   */
  parked?: ParkedState;
}

export interface KeptReading {
  eventId: string;
  occurredAt: string;
  input: AppliedEvent['input'];
  /** The pick of its day among older readings folded together (no longer removable one by one). */
  folded?: true;
}

export interface ParkedState {
  /** Why the unit could not take its events (the error, as a person reads it). */
  reason: string;
  /** When it was parked (ISO instant, the clock's time). */
  since: string;
  /** The events set aside (an AppliedEvent each: unit, event id, occurredAt, input, position). */
  events: AppliedEvent[];
}
