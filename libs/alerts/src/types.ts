import type { EvaluationSummary, Status } from '@iw/risk';

/**
 * The vocabulary of the alert path. Alerting reads the risk engine's
 * output through `UnitEvaluation`; everything downstream (notice → notification → digest →
 * mail) is plain data so the outbox can store it as it is.
 */

/** What alerting needs to know about a tracked unit (indicator or compound part) to route and to write the email. */
export interface AlertUnit {
  /** Indicator id, or part id for a compound part; also the id of the unit's one alert. */
  id: string;
  /** The indicator (the parent indicator for a part): owners overrides and dashboard links use it. */
  indicatorId: string;
  projectId: string;
  projectName: string;
  /** The project's agency (预算单位): the notification policy matches on it, and its office people hear of escalations. */
  agency?: string;
  indicatorName: string;
  /** Label of a compound part (`县道`), when the unit is a part. */
  partLabel?: string;
  /** 指标值 as written in the table (`≥700批次`). */
  targetText: string;
  /** Unit of actual / expected / forecast ('' when none). */
  unit: string;
  /** The pace 按进度应完成 follows (序时进度, 按月进度「季节性」), for units judged against one. */
  pace?: string;
}

/** One evaluation of a tracked unit by the risk engine, as the alert path hears it. */
export interface UnitEvaluation extends EvaluationSummary {
  unit: AlertUnit;
  /**
   * Recurring targets: the periods whose deadline passed unmet (key `2019-03`, label 2019年3月),
   * oldest first; a new key means a newly missed period. Not part of the snapshot.
   */
  missedPeriods?: Array<{ key: string; label: string; due: string }>;
}

/** The evaluation as an alert keeps it (the unit is kept once, on the alert). */
export type EvaluationSnapshot = Omit<UnitEvaluation, 'unit'>;

export type AlertSeverity = 'at_risk' | 'off_track';

/** open: at_risk/off_track now · resolved: back to on_track or achieved · closed: missed (final). */
export type AlertState = 'open' | 'resolved' | 'closed';

/**
 * What a notice tells its recipients. opened/escalated/repeat/unacknowledged are "firing";
 * resolved/achieved/missed end an episode; no_data is the one 缺报提醒 of a unit still without data.
 * repeat: a reminder in the weekly digest; unacknowledged: to the agency's office people, the
 * alert not acknowledged within the policy's escalate_after.
 */
export type NoticeKind =
  'opened' | 'escalated' | 'repeat' | 'unacknowledged' | 'resolved' | 'achieved' | 'missed' | 'no_data';

export const FIRING_KINDS: readonly NoticeKind[] = ['opened', 'escalated', 'repeat', 'unacknowledged'];

export type AlertChange = NoticeKind | 'de-escalated' | 'acknowledged' | 'silenced' | 'unsilenced';

export interface AlertHistoryEntry {
  /** ISO instant. */
  at: string;
  /** The alert's version after this change. */
  version: number;
  change: AlertChange;
  state: AlertState;
  severity: AlertSeverity | null;
  status: Status;
  /** Who acknowledged / silenced, when known. */
  by?: string;
}

/** One alert per tracked unit; its episodes (open → resolved/closed → open …) share the document. */
export interface Alert {
  /** = unit.id */
  id: string;
  unit: AlertUnit;
  state: AlertState;
  /** Severity while open; the last one held once resolved/closed. */
  severity: AlertSeverity | null;
  /** Bumped on every lifecycle change (never on a mere snapshot refresh): notices carry it. */
  version: number;
  /** Start of the current (or last) episode. ISO. */
  openedAt: string;
  updatedAt: string;
  /** When the last episode resolved or closed. */
  endedAt: string | null;
  /** Last firing notice (opened / escalated / repeat): repeats count from here. */
  lastNotifiedAt: string | null;
  /** Repeats sent in the current episode. */
  repeatCount: number;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  /** When the current episode was escalated to the office people (absent in alerts stored before: null). */
  officeNotifiedAt?: string | null;
  /** When the 缺报提醒 went out; cleared once data arrives (absent: null). */
  noDataNotifiedAt?: string | null;
  /** Muted until this instant (ISO), across episodes. */
  silencedUntil: string | null;
  silencedBy: string | null;
  status: Status;
  /**
   * The evaluation as of the alert's last change of standing (status, likelihood, 实际完成值,
   * deadline: sameStanding) or notice; the daily figures in it (按进度应完成, days left) are
   * that day's. Notices carry their own.
   */
  last: EvaluationSnapshot;
  /** State changes, oldest first, the last MAX_ALERT_HISTORY kept. */
  history: AlertHistoryEntry[];
}

/**
 * What the send stages before render (due, mute, group: the policy's route and the digest
 * order) read of a notice. The sender keeps only this of each pending notification, and reads
 * the whole notice when it claims the notification for a mail: a province's first sweep leaves
 * tens of thousands pending.
 */
export interface NoticeHead {
  kind: NoticeKind;
  alertId: string;
  /** The alert's version this notice was produced at (unique per alert). */
  version: number;
  /** ISO instant. */
  at: string;
  /** Severity at the time (for resolved/achieved/missed: the severity the episode ended with). */
  severity: AlertSeverity | null;
  /** Repeat number within the episode (repeat notices only). */
  repeat?: number;
  /** What the notification policy matches on. */
  unit: Pick<AlertUnit, 'projectId' | 'projectName' | 'agency'>;
  evaluation: Pick<EvaluationSnapshot, 'status'>;
}

/** Something worth telling the owners about one alert; self-contained so the outbox can render it later. */
export interface Notice extends NoticeHead {
  unit: AlertUnit;
  evaluation: EvaluationSnapshot;
}

/** A notification as the send stages before render read it (NoticeHead). */
export interface NotificationHead {
  key: string;
  /** Normalised address (lower case, no display name). */
  recipient: string;
  notice: NoticeHead;
  /** ISO instant it was routed; the group wait counts from here. */
  createdAt: string;
}

/** A notice routed to one recipient: the unit the outbox stores (unique on `key`). */
export interface Notification extends NotificationHead {
  notice: Notice;
}

/** The notifications one recipient gets in one email. */
export interface Digest<N extends NotificationHead = Notification> {
  /** Derived from the recipient and the notification keys: the same set gives the same id. */
  id: string;
  recipient: string;
  notifications: N[];
  createdAt: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

/** What the sender needs; fits `@iw/mail` SmtpSender.send plus the keys to mark as sent. */
export interface OutgoingMail extends RenderedEmail {
  digestId: string;
  messageId: string;
  from: string;
  to: string;
  notificationKeys: string[];
}
