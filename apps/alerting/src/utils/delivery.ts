import type { Alert, AlertChange, Notification } from '@iw/alerts';
import { backoff, type BackoffOptions, type MailSendError } from '@iw/mail';

/**
 * Pure decisions of the send side: whether a pending notification still stands for what its
 * alert did, and when a failed digest is tried again.
 */

/**
 * - `ok`: the alert recorded this change at this version;
 * - `unsaved`: the alert has not reached this version yet (the notification was written first,
 *   the alert write is in flight or will be replayed): wait;
 * - `superseded`: the alert's write lost a race and the change at that version is another one
 *   (e.g. an ack came first): this notification stands for nothing and is never sent.
 */
export type Standing = 'ok' | 'unsaved' | 'superseded';

export function standing(notification: Notification, alert: Alert | undefined): Standing {
  const { notice } = notification;
  if (!alert || alert.version < notice.version) return 'unsaved';
  const entry = alert.history.find((h) => h.version === notice.version);
  // Evicted from the bounded history: too old to judge, and it was written, so let it go out.
  if (!entry) return 'ok';
  return entry.change === (notice.kind as AlertChange) ? 'ok' : 'superseded';
}

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

/** Real ms until domain instant `at` on a clock running `speed` times real time (never negative). */
export function realDelay(at: number, domainNow: number, speed: number): number {
  return Math.max(0, Math.ceil((at - domainNow) / Math.max(speed, 1e-9)));
}
