import { backoff, type BackoffOptions, type MailSendError } from '@iw/mail';
import { digestOrder, groupNotices } from './group';
import { mailDomain, messageId } from './dedup';
import { muteNotifications, type MuteResult } from './mute';
import { groupIntervalOf, groupWaitOf, toMail, type AlertPipelineOptions } from './pipeline';
import type { Alert, AlertChange, Digest, Notification, NotificationHead, OutgoingMail } from './types';

/**
 * The send path as named stages, after Alertmanager's notify pipeline. The app (SenderService)
 * runs them in this order and owns only the boxes in brackets — the outbox and SMTP:
 *
 *   [claimed, due again] ───────────────────────────────────────┐  (a retry, or a crash mid-send)
 *   [pending] ─► group? ─► due ─► mute ─► group ─► [claim] ─► render ─► [send] ─► [record] ─► nextWakeUp
 *
 *   - group?  whose group may be due now (no alert read): only their notifications go on
 *   - due     does each still stand for what its alert did?
 *   - mute    acknowledged or silenced alerts
 *   - group   group wait and interval: one digest per person
 *   - claim   an insert per notification key: of two senders one wins
 *   - render  once, from the claim
 *   - send    SMTP
 *   - record  sent, or the retry plan
 *
 * The pending notifications are not read again while `stillWaiting`: nothing changed since a
 * pass that left them all waiting for their group.
 *
 * A digest is rendered once, when it is sent, from the notifications its claim holds, in the
 * order the group stage gave them: a re-send after a crash renders the same mail with the same
 * Message-ID.
 */

// ── whose group is due ─────────────────────────────────────────────────────────────────────

export interface DueGroups {
  /** Recipients some of whose notifications may be due now: only theirs go on to `due`. */
  recipients: Set<string>;
  /** When (domain ms) the first of the other recipients' groups is due, or null. */
  nextFlushAt: number | null;
}

/**
 * Stage `group?`, ahead of `due`, over every pending notification without reading any alert:
 * whose group may be due now. It cannot miss one: a notification that `due` or `mute` later
 * takes out only makes its group later (the wait counts from the earliest, the interval is the
 * shortest), so a group not due with all of them is not due with fewer. With thousands waiting
 * in their group (a sweep's burst, a digest slot), the alerts of the few people due are read,
 * not the alerts of all of them.
 */
export function dueGroups(
  pending: readonly NotificationHead[],
  now: number,
  options: BatchOptions,
  lastSentAt: (recipient: string) => number | null = () => null,
): DueGroups {
  const grouped = groupNotices(pending, now, groupWaitOf(options), options.maxPerDigest, {
    lastSentAt,
    groupIntervalMs: groupIntervalOf(options),
  });
  return { recipients: new Set(grouped.digests.map((d) => d.recipient)), nextFlushAt: grouped.nextFlushAt };
}

// ── due ────────────────────────────────────────────────────────────────────────────────────

/**
 * - `ok`: the alert recorded this change at this version;
 * - `unsaved`: the alert has not reached this version yet (the notification was written first,
 *   the alert write is in flight or will be replayed): wait;
 * - `superseded`: the alert's write lost a race and the change at that version is another one
 *   (e.g. an ack came first): this notification stands for nothing and is never sent.
 */
export type Standing = 'ok' | 'unsaved' | 'superseded';

export function standing(notification: NotificationHead, alert: Alert | undefined): Standing {
  const { notice } = notification;
  if (!alert || alert.version < notice.version) return 'unsaved';
  const entry = alert.history.find((h) => h.version === notice.version);
  // Evicted from the bounded history: too old to judge, and it was written, so let it go out.
  if (!entry) return 'ok';
  return entry.change === (notice.kind as AlertChange) ? 'ok' : 'superseded';
}

export interface DueResult<N extends NotificationHead> {
  /** Stand for what their alert did: on to mute and group. */
  ready: N[];
  /** Stand for nothing (the alert's write lost a race): marked muted, never sent. */
  superseded: N[];
}

/** Stage `due`: the pending notifications that still stand; the unsaved ones wait for the next pass. */
export function due<N extends NotificationHead>(
  pending: readonly N[],
  alertOf: (alertId: string) => Alert | undefined,
): DueResult<N> {
  const ready: N[] = [];
  const superseded: N[] = [];
  for (const n of pending) {
    const s = standing(n, alertOf(n.notice.alertId));
    if (s === 'ok') ready.push(n);
    else if (s === 'superseded') superseded.push(n);
  }
  return { ready, superseded };
}

// ── mute + group ───────────────────────────────────────────────────────────────────────────

/** What the claim stage inserts for one digest: its id, its Message-ID and its notifications' keys. */
export interface DigestClaim {
  digestId: string;
  messageId: string;
  keys: string[];
}

/** The settings `batch` reads. */
export type BatchOptions = Pick<
  AlertPipelineOptions,
  'groupWaitMs' | 'groupIntervalMs' | 'policy' | 'maxPerDigest' | 'from'
>;

export interface BatchResult<N extends NotificationHead = Notification> {
  digests: Array<Digest<N>>;
  /** One per digest, in the same order. */
  claims: DigestClaim[];
  /** To mark as muted in the outbox (never sent). */
  muted: MuteResult<N>['muted'];
  /** Still inside the group wait. */
  pending: N[];
  /** When (domain ms) a waiting group is due, or null when nothing waits. */
  nextFlushAt: number | null;
}

/**
 * Stages `mute` (acknowledged or silenced alerts) and `group` (one digest per recipient once
 * the group wait is over and, after an earlier mail to that person, the group interval since
 * it: `lastSentAt`, domain ms, from the outbox): the digests to claim, with the Message-ID each
 * will be sent under. Nothing is rendered here.
 */
export function batch<N extends NotificationHead>(
  ready: readonly N[],
  alertOf: (alertId: string) => Alert | undefined,
  now: number,
  options: BatchOptions,
  lastSentAt: (recipient: string) => number | null = () => null,
): BatchResult<N> {
  const { pass, muted } = muteNotifications(ready, alertOf, now);
  const grouped = groupNotices(pass, now, groupWaitOf(options), options.maxPerDigest, {
    lastSentAt,
    groupIntervalMs: groupIntervalOf(options),
  });
  const domain = mailDomain(options.from);
  return {
    digests: grouped.digests,
    claims: grouped.digests.map((d) => ({
      digestId: d.id,
      messageId: messageId(d.id, domain),
      keys: d.notifications.map((n) => n.key),
    })),
    muted,
    pending: grouped.pending,
    nextFlushAt: grouped.nextFlushAt,
  };
}

// ── still waiting: no need to read the pending notifications again ──────────────────────────

/**
 * What a pass over the pending notifications left behind when every one of them stood, none was
 * muted and none went out: they all wait inside a group wait or interval until `nextFlushAt`.
 */
export interface Waiting {
  /** The pending set as it was read (how many, and the latest enqueued: the outbox's stamp). */
  stamp: string;
  /** When (domain ms) the first waiting group is due; null: none. */
  nextFlushAt: number | null;
  /** The settings it was batched with. */
  options: BatchOptions;
  /** Real ms of that pass. */
  at: number;
}

/** However unchanged, the pending notifications are read again after this long (real ms). */
export const REREAD_AFTER_MS = 300_000;

/**
 * What a pass leaves waiting, or null when the next pass must read the pending notifications
 * again (something went out, was muted or superseded, or waits for its alert's write).
 */
export function waitingAfter(
  pass: { stamp: string; pending: number; ready: number; superseded: number; muted: number; claims: number },
  nextFlushAt: number | null,
  options: BatchOptions,
  realNow: number,
): Waiting | null {
  const settled = pass.ready === pass.pending && pass.superseded === 0 && pass.muted === 0 && pass.claims === 0;
  return settled ? { stamp: pass.stamp, nextFlushAt, options, at: realNow } : null;
}

/**
 * Stage `still waiting?`, before reading the pending notifications: true when a pass would only
 * find what the last one left waiting — the same pending set (same stamp), the same settings,
 * no group due yet (domain time) — so the read is skipped. With thousands of notifications in a
 * group wait (a sweep's reminders, a digest slot), reading them every poll kept the database busy
 * for nothing. An ack or a silence meanwhile is applied when the group comes due, before it is
 * sent; a notification another instance enqueued changes the stamp.
 */
export function stillWaiting(
  waiting: Waiting | null,
  stamp: string,
  options: BatchOptions,
  domainNow: number,
  realNow: number,
): boolean {
  if (!waiting || waiting.stamp !== stamp) return false;
  if (realNow - waiting.at >= REREAD_AFTER_MS) return false;
  if (waiting.nextFlushAt !== null && domainNow >= waiting.nextFlushAt) return false;
  const a = waiting.options;
  return (
    a.groupWaitMs === options.groupWaitMs &&
    a.groupIntervalMs === options.groupIntervalMs &&
    a.policy === options.policy &&
    a.maxPerDigest === options.maxPerDigest &&
    a.from === options.from
  );
}

// ── render ─────────────────────────────────────────────────────────────────────────────────

/**
 * Stage `render`, once per send: the mail of a claimed digest, from its notifications in the
 * group stage's order, under the Message-ID the claim holds (a claim from before Message-IDs
 * were stored gets the one its digest id gives).
 */
export function render(
  claim: { digestId: string; messageId?: string | null },
  notifications: readonly Notification[],
  options: Pick<AlertPipelineOptions, 'publicUrl' | 'timeZone' | 'from' | 'personalLink'>,
): OutgoingMail {
  const createdAt = new Date(Math.max(...notifications.map((n) => Date.parse(n.createdAt)))).toISOString();
  const recipient = notifications[0]?.recipient ?? '';
  const ordered = [...notifications].sort(digestOrder);
  const mail = toMail({ id: claim.digestId, recipient, notifications: ordered, createdAt }, options);
  return claim.messageId ? { ...mail, messageId: claim.messageId } : mail;
}

// ── all at once (tests, simulations) ───────────────────────────────────────────────────────

export interface FlushResult extends BatchResult {
  mails: OutgoingMail[];
}

/** mute → group → render in one call, for what keeps the outbox in memory (tests, simulations). */
export function flush(
  pending: readonly Notification[],
  alertOf: (alertId: string) => Alert | undefined,
  now: number,
  options: AlertPipelineOptions,
  lastSentAt?: (recipient: string) => number | null,
): FlushResult {
  const b = batch(pending, alertOf, now, options, lastSentAt);
  return { ...b, mails: b.digests.map((d) => toMail(d, options)) };
}

// ── record: after a failed send ────────────────────────────────────────────────────────────

export interface RetryPlan {
  attempts: number;
  /** Real ms. */
  nextAttemptAt: number;
  permanent: boolean;
}

/**
 * After a failed send: transient failures back off exponentially; permanent ones (5xx) are
 * retried too — at the longest delay — since an operator may fix the address or the server,
 * and a notification is never dropped.
 */
export function retryPlan(
  previousAttempts: number,
  error: Pick<MailSendError, 'transient'>,
  realNow: number,
  options: BackoffOptions,
  random?: () => number,
): RetryPlan {
  const attempts = previousAttempts + 1;
  const permanent = !error.transient;
  const delay = permanent ? options.maxMs : backoff(attempts, options, random);
  return { attempts, nextAttemptAt: realNow + delay, permanent };
}

// ── next wake-up ───────────────────────────────────────────────────────────────────────────

/** Real ms until domain instant `at` on a clock running `speed` times real time (never negative). */
export function realDelay(at: number, domainNow: number, speed: number): number {
  return Math.max(0, Math.ceil((at - domainNow) / Math.max(speed, 1e-9)));
}

export interface WakeUpInput {
  /** The longest the sender sleeps (real ms). */
  pollMs: number;
  /** When a waiting group is due (domain ms), from `batch`. */
  nextFlushAt: number | null;
  domainNow: number;
  /** The domain clock's speed (simulated ms per real ms). */
  speed: number;
  /** The earliest retry of a failed send (real ms), from the outbox. */
  nextAttemptAt: number | null;
  realNow: number;
}

/** Stage `nextWakeUp`: real ms until a group is due, a retry is due, or the poll comes round. */
export function nextWakeUp(w: WakeUpInput): number {
  const delays = [w.pollMs];
  if (w.nextFlushAt !== null) delays.push(realDelay(w.nextFlushAt, w.domainNow, w.speed));
  if (w.nextAttemptAt !== null) delays.push(Math.max(0, w.nextAttemptAt - w.realNow));
  return Math.min(...delays);
}
