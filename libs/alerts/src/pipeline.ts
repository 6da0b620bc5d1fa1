import { dedupe, mailDomain, messageId } from './dedup';
import { renderDigest } from './render';
import { digestSlotAtOrBefore, routeFor } from './policy';
import type { NotificationPolicy, RouteSettings } from './policy';
import { route } from './route';
import type { OwnersResolver, ReceiverBook } from './route';
import { dueEscalation, dueRepeats, transition } from './state-machine';
import type {
  Alert,
  Digest,
  EvaluationSnapshot,
  Notice,
  NoticeHead,
  Notification,
  NotificationHead,
  OutgoingMail,
  UnitEvaluation,
} from './types';

/**
 * The alert path as named stages (after Alertmanager's notify pipeline). The apps own the
 * boxes in brackets (MongoDB, SMTP); everything else is here and pure.
 *
 *   evaluation ──► transition ──┐                                       ┌──────────────┐
 *                               ├─► notices ─► route ─► dedup ─────────►│ [outbox]     │
 *   sweep(now) ──► dueRepeats ──┤   (policy: owners, office)(key unique)│ pending      │
 *    (digest slot) dueEscalation┘                                       │              │
 *                                                                       └──────┬───────┘
 *   send side (send.ts): [pending] ─► due ─► mute ─► group ─► [claim] ─► render ─► [send] ─► [record]
 *
 * Enqueue side: `onEvaluation` / `onSweep` return the alert to store and the notifications to
 * insert into the outbox (the unique index on `key` is the last word on duplicates).
 * Send side: the stages of send.ts turn the outbox's pending notifications into claimed
 * digests and render each once when it is sent; a claimed digest is re-sent as it is after a
 * crash (the Message-ID follows from the digest id).
 */

export interface AlertPipelineOptions {
  resolveOwners: OwnersResolver;
  /** IW_REPEAT_INTERVAL; 0 disables repeats. Without a policy: a repeat at any sweep once due. */
  repeatIntervalMs: number;
  /** IW_GROUP_WAIT; 0 sends at once. */
  groupWaitMs: number;
  /** IW_GROUP_INTERVAL: after a mail, a person's next one waits this long since it. Absent or 0: no spacing. */
  groupIntervalMs?: number;
  /**
   * The notification policy (IW_POLICY): per route the receivers, group wait, reminder
   * interval, group interval and escalation delay; reminders only at the weekly digest slot.
   * Its defaults replace `repeatIntervalMs`, `groupWaitMs` and `groupIntervalMs`.
   */
  policy?: NotificationPolicy;
  /** The office (绩效管理) people of an agency, who hear of unacknowledged alerts. */
  officeOf?: ReceiverBook['officeOf'];
  /** IW_PUBLIC_URL */
  publicUrl: string;
  /** IW_TIMEZONE */
  timeZone: string;
  /** MAIL_FROM; its domain names the Message-IDs. */
  from: string;
  /** Each recipient's personal link to a dashboard page (see RenderOptions); absent: bare URLs. */
  personalLink?: (recipient: string, path: string) => string | null;
  maxPerDigest?: number;
}

export interface EnqueueResult {
  alert: Alert | null;
  /** Whether `alert` must be stored. */
  changed: boolean;
  notices: Notice[];
  /** To insert into the outbox. */
  notifications: Notification[];
  /** Notices with no valid recipient (log them; the fallback address should prevent this). */
  unroutable: Notice[];
  invalidAddresses: string[];
}

function enqueue(
  alert: Alert | null,
  changed: boolean,
  notices: Notice[],
  now: number,
  options: AlertPipelineOptions,
  isKnown?: (key: string) => boolean,
): EnqueueResult {
  const { policy } = options;
  const book: ReceiverBook = {
    officeOf: options.officeOf,
    ...(policy ? { receiversOf: (n: Notice) => settingsOf(policy, n.unit, n.evaluation.status).receivers } : {}),
  };
  const routed = route(notices, options.resolveOwners, now, book);
  const { fresh } = dedupe(routed.notifications, isKnown);
  return {
    alert,
    changed,
    notices,
    notifications: fresh,
    unroutable: routed.unroutable,
    invalidAddresses: routed.invalidAddresses,
  };
}

/** A new evaluation of one tracked unit (progress event or sweep). */
export function onEvaluation(
  alert: Alert | null,
  evaluation: UnitEvaluation,
  now: number,
  options: AlertPipelineOptions,
  isKnown?: (key: string) => boolean,
): EnqueueResult {
  const { policy } = options;
  const noDataReminder = policy ? settingsOf(policy, evaluation.unit, evaluation.status).noDataReminder : true;
  const t = transition(alert, evaluation, now, { noDataReminder });
  return enqueue(t.alert, t.changed, t.notices, now, options, isKnown);
}

/** The policy route's settings for a unit in a status. */
export function settingsOf(
  policy: NotificationPolicy,
  unit: NoticeHead['unit'],
  status: Alert['status'],
): RouteSettings {
  return routeFor(policy, {
    agency: unit.agency ?? null,
    projectId: unit.projectId,
    projectName: unit.projectName,
    status,
  });
}

/**
 * The periodic sweep of one alert: a reminder when due (with a policy: as of the latest weekly
 * digest slot, so a person's reminders all arise at that slot and go out as one digest), and
 * the escalation to the office people when nobody acknowledged it in time.
 */
export function onSweep(
  stored: Alert,
  now: number,
  options: AlertPipelineOptions,
  isKnown?: (key: string) => boolean,
  /**
   * The unit's snapshot from this sweep's evaluation, when it was not stored on the alert (the
   * same standing: see sameStanding): a reminder or escalation tells today's figures, and
   * stores them with it.
   */
  latest?: EvaluationSnapshot,
): EnqueueResult {
  const alert = latest && stored.state === 'open' ? { ...stored, last: latest } : stored;
  const { policy } = options;
  if (!policy) {
    const t = dueRepeats(alert, now, options.repeatIntervalMs);
    return enqueue(t.alert, t.changed, t.notices, now, options, isKnown);
  }
  const settings = settingsOf(policy, alert.unit, alert.status);
  const slot = digestSlotAtOrBefore(now, policy.digest, options.timeZone);
  const reminded = dueRepeats(alert, now, settings.repeatIntervalMs, slot);
  const escalated = dueEscalation(reminded.alert ?? alert, now, settings.escalateAfterMs);
  return enqueue(
    escalated.alert,
    reminded.changed || escalated.changed,
    [...reminded.notices, ...escalated.notices],
    now,
    options,
    isKnown,
  );
}

/** The group wait of a notification: its policy route's, else IW_GROUP_WAIT. */
export function groupWaitOf(
  options: Pick<AlertPipelineOptions, 'policy' | 'groupWaitMs'>,
): number | ((n: NotificationHead) => number) {
  const { policy } = options;
  if (!policy) return options.groupWaitMs;
  return (n) => settingsOf(policy, n.notice.unit, n.notice.evaluation.status).groupWaitMs;
}

/** The group interval of a notification: its policy route's, else IW_GROUP_INTERVAL (absent: 0). */
export function groupIntervalOf(
  options: Pick<AlertPipelineOptions, 'policy' | 'groupIntervalMs'>,
): number | ((n: NotificationHead) => number) {
  const { policy } = options;
  if (!policy) return options.groupIntervalMs ?? 0;
  return (n) => settingsOf(policy, n.notice.unit, n.notice.evaluation.status).groupIntervalMs;
}

/** Turns one digest into the mail to send: same digest, same Message-ID. */
export function toMail(
  digest: Digest,
  options: Pick<AlertPipelineOptions, 'publicUrl' | 'timeZone' | 'from' | 'personalLink'>,
): OutgoingMail {
  return {
    ...renderDigest(digest, options),
    digestId: digest.id,
    messageId: messageId(digest.id, mailDomain(options.from)),
    from: options.from,
    to: digest.recipient,
    notificationKeys: digest.notifications.map((n) => n.key),
  };
}
