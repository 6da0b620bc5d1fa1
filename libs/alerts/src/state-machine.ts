import type { Status } from '@iw/risk';
import type {
  Alert,
  AlertChange,
  AlertSeverity,
  AlertState,
  EvaluationSnapshot,
  Notice,
  NoticeKind,
  UnitEvaluation,
} from './types';

/**
 * The alert lifecycle of one tracked unit, as a pure function of the
 * previous alert, a new evaluation and "now".
 *
 *   (none|resolved|closed) ──at_risk/off_track──► open            notice `opened`
 *   open(at_risk)  ──off_track──► open(off_track)                  notice `escalated`
 *   open(off_track) ──at_risk──► open(at_risk)                     no mail: de-escalation is only recorded
 *   open ──on_track──► resolved                                    notice `resolved`
 *   open ──achieved──► resolved                                    notice `achieved`
 *   open|resolved|none ──missed──► closed                          notice `missed` (once; final)
 *   open ──no_data/manual──► open, unchanged                       the last real evaluation stays
 *   (none|resolved) ──no_data──► same state                         notice `no_data` (缺报提醒, once until data arrives)
 *   open, not acked for escalate_after ──sweep──► open              notice `unacknowledged` (office, once per episode)
 *   open, standing at a digest slot ──sweep──► open                 notice `repeat` (weekly digest)
 *
 * Acknowledgement lasts until the alert resolves/closes or its severity changes (either
 * way), so an owner who acked an at_risk alert still hears that it became off_track.
 * Silence is time-bound (until a date) and outlives episodes, like an Alertmanager silence.
 */

/** History entries kept per alert: a year of daily flapping stays bounded. */
export const MAX_ALERT_HISTORY = 200;

export interface Transition {
  /** null when there is no alert and nothing happened. */
  alert: Alert | null;
  /** true when `alert` differs from the one passed in and must be stored. */
  changed: boolean;
  notices: Notice[];
}

export class AlertActionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AlertActionError';
  }
}

export function severityOf(status: Status): AlertSeverity | null {
  return status === 'at_risk' || status === 'off_track' ? status : null;
}

export function isAcknowledged(alert: Alert): boolean {
  return alert.acknowledgedAt !== null;
}

export function isSilenced(alert: Alert, now: number): boolean {
  return alert.silencedUntil !== null && Date.parse(alert.silencedUntil) > now;
}

/** The evaluation as an alert keeps it (without the unit, which the alert keeps once). */
export function snapshotOf(e: UnitEvaluation): EvaluationSnapshot {
  // Fixed key order: snapshots are compared by their JSON.
  return {
    status: e.status,
    likelihood: e.likelihood,
    actual: e.actual,
    expected: e.expected,
    forecast: e.forecast,
    reason: e.reason,
    daysLeft: e.daysLeft,
    deadline: e.deadline,
  };
}

/**
 * Whether two snapshots say the same of the unit: its status, likelihood, 实际完成值 and
 * deadline. The figures that follow the clock — 按进度应完成, 全年预计, days left, and the reason
 * that quotes them — move every day without anything happening; an open alert is not written
 * again for them. A notice carries the figures of the evaluation that made it (a reminder: the
 * sweep's own), and the pages judge the unit live.
 */
export function sameStanding(a: EvaluationSnapshot, b: EvaluationSnapshot): boolean {
  return a.status === b.status && a.likelihood === b.likelihood && a.actual === b.actual && a.deadline === b.deadline;
}

function iso(now: number): string {
  return new Date(now).toISOString();
}

/** Applies one lifecycle change: bumps the version and records it in the history. */
function change(
  alert: Alert,
  what: AlertChange,
  now: number,
  patch: Partial<Alert> & { state?: AlertState },
  by?: string,
): Alert {
  const next: Alert = { ...alert, ...patch, version: alert.version + 1, updatedAt: iso(now) };
  const entry = {
    at: iso(now),
    version: next.version,
    change: what,
    state: next.state,
    severity: next.severity,
    status: next.status,
    ...(by ? { by } : {}),
  };
  next.history = [...alert.history, entry].slice(-MAX_ALERT_HISTORY);
  return next;
}

function notice(alert: Alert, kind: NoticeKind, now: number): Notice {
  return {
    kind,
    alertId: alert.id,
    version: alert.version,
    at: iso(now),
    severity: alert.severity,
    ...(kind === 'repeat' ? { repeat: alert.repeatCount } : {}),
    unit: alert.unit,
    evaluation: alert.last,
  };
}

/** A blank alert for a unit, before its first episode (version 0, never stored as such). */
function blank(e: UnitEvaluation, now: number): Alert {
  return {
    id: e.unit.id,
    unit: e.unit,
    state: 'resolved',
    severity: null,
    version: 0,
    openedAt: iso(now),
    updatedAt: iso(now),
    endedAt: null,
    lastNotifiedAt: null,
    repeatCount: 0,
    acknowledgedAt: null,
    acknowledgedBy: null,
    silencedUntil: null,
    silencedBy: null,
    status: e.status,
    last: snapshotOf(e),
    history: [],
  };
}

const noAck = { acknowledgedAt: null, acknowledgedBy: null } as const;

/** `noDataReminder`: whether the policy tells of a unit still without data (default yes). */
export function transition(
  alert: Alert | null,
  evaluation: UnitEvaluation,
  now: number,
  { noDataReminder = true }: { noDataReminder?: boolean } = {},
): Transition {
  if (alert && alert.id !== evaluation.unit.id) {
    throw new Error(`transition: alert ${alert.id} given an evaluation of ${evaluation.unit.id}`);
  }
  const severity = severityOf(evaluation.status);
  const status = evaluation.status;
  const last = snapshotOf(evaluation);

  if (!alert || alert.state !== 'open') {
    const base = alert ?? blank(evaluation, now);
    if (severity) {
      const silence = alert && isSilenced(alert, now) ? {} : { silencedUntil: null, silencedBy: null };
      const opened = change(base, 'opened', now, {
        unit: evaluation.unit,
        state: 'open',
        severity,
        status,
        last,
        openedAt: iso(now),
        endedAt: null,
        lastNotifiedAt: iso(now),
        repeatCount: 0,
        officeNotifiedAt: null,
        noDataNotifiedAt: null,
        ...noAck,
        ...silence,
      });
      return { alert: opened, changed: true, notices: [notice(opened, 'opened', now)] };
    }
    // A miss is told once even when no alert was open (e.g. on pace until the last day).
    if (status === 'missed' && base.state !== 'closed') {
      const closed = change(base, 'missed', now, {
        unit: evaluation.unit,
        state: 'closed',
        status,
        last,
        endedAt: iso(now),
        ...noAck,
      });
      return { alert: closed, changed: true, notices: [notice(closed, 'missed', now)] };
    }
    // Still no data after the grace (the risk engine says no_data only then): one 缺报提醒.
    if (noDataReminder && status === 'no_data' && !base.noDataNotifiedAt && base.state !== 'closed') {
      const told = change(base, 'no_data', now, {
        unit: evaluation.unit,
        status,
        last,
        noDataNotifiedAt: iso(now),
      });
      return { alert: told, changed: true, notices: [notice(told, 'no_data', now)] };
    }
    // Data arrived: a later stretch without it is told again.
    if (alert?.noDataNotifiedAt && status !== 'no_data' && status !== 'manual')
      return { alert: { ...alert, noDataNotifiedAt: null, status, updatedAt: iso(now) }, changed: true, notices: [] };
    return { alert, changed: false, notices: [] };
  }

  // The alert is open.
  if (severity === alert.severity) {
    // Only what the evaluation says is stored again (sameStanding), not the daily figures.
    const changed = !sameStanding(alert.last, last) || JSON.stringify(alert.unit) !== JSON.stringify(evaluation.unit);
    return changed
      ? { alert: { ...alert, unit: evaluation.unit, last, updatedAt: iso(now) }, changed, notices: [] }
      : { alert, changed, notices: [] };
  }
  const common = { unit: evaluation.unit, status, last };
  switch (status) {
    case 'off_track': {
      const escalated = change(alert, 'escalated', now, {
        ...common,
        severity: 'off_track',
        lastNotifiedAt: iso(now),
        ...noAck,
      });
      return { alert: escalated, changed: true, notices: [notice(escalated, 'escalated', now)] };
    }
    case 'at_risk': {
      // Better news, but still at risk: record it, mail nothing; the repeat will carry it.
      const deescalated = change(alert, 'de-escalated', now, { ...common, severity: 'at_risk', ...noAck });
      return { alert: deescalated, changed: true, notices: [] };
    }
    case 'on_track':
    case 'achieved': {
      const kind: NoticeKind = status === 'on_track' ? 'resolved' : 'achieved';
      const resolved = change(alert, kind, now, { ...common, state: 'resolved', endedAt: iso(now), ...noAck });
      return { alert: resolved, changed: true, notices: [notice(resolved, kind, now)] };
    }
    case 'missed': {
      const closed = change(alert, 'missed', now, { ...common, state: 'closed', endedAt: iso(now), ...noAck });
      return { alert: closed, changed: true, notices: [notice(closed, 'missed', now)] };
    }
    case 'no_data':
    case 'manual':
      // Silence from the data says nothing about the risk: keep the alert as it is.
      return { alert, changed: false, notices: [] };
  }
}

/**
 * A `repeat` notice (a reminder) when an open alert, neither acknowledged nor silenced, has
 * gone `repeatIntervalMs` without a firing notice as of `slot`: the weekly digest slot the
 * reminder belongs to (the policy's digest time; `now` when reminders are not batched). The
 * reminder is stamped at the slot, so the next slot a week later finds exactly 7 days. One
 * reminder however long the gap (no burst after downtime); 0 disables reminders.
 */
export function dueRepeats(alert: Alert, now: number, repeatIntervalMs: number, slot = now): Transition {
  const idle = { alert, changed: false, notices: [] };
  if (alert.state !== 'open' || repeatIntervalMs <= 0 || slot > now) return idle;
  if (isAcknowledged(alert) || isSilenced(alert, now)) return idle;
  const since = Date.parse(alert.lastNotifiedAt ?? alert.openedAt);
  if (slot - since < repeatIntervalMs) return idle;
  const repeated = change(alert, 'repeat', now, { lastNotifiedAt: iso(slot), repeatCount: alert.repeatCount + 1 });
  return { alert: repeated, changed: true, notices: [notice(repeated, 'repeat', now)] };
}

/**
 * An `unacknowledged` notice, once per episode, when an open alert has gone `escalateAfterMs`
 * since it opened without being acknowledged (nor silenced): it goes to the agency's office
 * people. 0 disables it.
 */
export function dueEscalation(alert: Alert, now: number, escalateAfterMs: number): Transition {
  const idle = { alert, changed: false, notices: [] };
  if (alert.state !== 'open' || escalateAfterMs <= 0 || alert.officeNotifiedAt) return idle;
  if (isAcknowledged(alert) || isSilenced(alert, now)) return idle;
  if (now - Date.parse(alert.openedAt) < escalateAfterMs) return idle;
  const escalated = change(alert, 'unacknowledged', now, { officeNotifiedAt: iso(now) });
  return { alert: escalated, changed: true, notices: [notice(escalated, 'unacknowledged', now)] };
}

/** Acknowledges an open alert: repeats stop until it resolves or its severity changes. Idempotent. */
export function acknowledge(alert: Alert, now: number, by?: string): Alert {
  if (alert.state !== 'open')
    throw new AlertActionError(`alert ${alert.id} is ${alert.state}, not open: nothing to acknowledge`);
  if (isAcknowledged(alert)) return alert;
  return change(alert, 'acknowledged', now, { acknowledgedAt: iso(now), acknowledgedBy: by ?? null }, by);
}

/** Mutes the alert's firing notices until `until` (ms or ISO), whatever its state. */
export function silence(alert: Alert, until: number | string, now: number, by?: string): Alert {
  const untilMs = typeof until === 'number' ? until : Date.parse(until);
  if (!Number.isFinite(untilMs)) throw new AlertActionError(`silence: "${until}" is not a date`);
  if (untilMs <= now) throw new AlertActionError(`silence: ${iso(untilMs)} is not in the future`);
  return change(alert, 'silenced', now, { silencedUntil: iso(untilMs), silencedBy: by ?? null }, by);
}

export function unsilence(alert: Alert, now: number, by?: string): Alert {
  if (alert.silencedUntil === null) return alert;
  return change(alert, 'unsilenced', now, { silencedUntil: null, silencedBy: null }, by);
}
