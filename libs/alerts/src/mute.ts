import { isAcknowledged, isSilenced } from './state-machine';
import { FIRING_KINDS } from './types';
import type { Alert, NotificationHead } from './types';

/**
 * Silence/ack stage, applied when pending notifications are flushed (an owner may ack or
 * silence while a notification waits in the group). Only firing notices (opened, escalated,
 * repeat) are muted: a resolved/achieved/missed notice ends the matter and always goes out.
 *
 * - silenced: the alert is silenced at `now`;
 * - acknowledged: the alert is acknowledged (acks end on a severity change, so an
 *   escalation after the ack is not muted: the ack was cleared by it);
 * - stale: a repeat for an alert that is no longer open.
 */

export type MuteReason = 'silenced' | 'acknowledged' | 'stale';

export function muteReason(notification: NotificationHead, alert: Alert | undefined, now: number): MuteReason | null {
  const { notice } = notification;
  if (!FIRING_KINDS.includes(notice.kind) || !alert) return null;
  if (notice.kind === 'repeat' && alert.state !== 'open') return 'stale';
  if (isSilenced(alert, now)) return 'silenced';
  // An ack given before this notice's episode or severity was cleared already; one still set covers it.
  if (alert.state === 'open' && isAcknowledged(alert)) return 'acknowledged';
  return null;
}

export interface MuteResult<N extends NotificationHead> {
  pass: N[];
  muted: Array<{ notification: N; reason: MuteReason }>;
}

export function muteNotifications<N extends NotificationHead>(
  notifications: readonly N[],
  alertOf: (alertId: string) => Alert | undefined,
  now: number,
): MuteResult<N> {
  const result: MuteResult<N> = { pass: [], muted: [] };
  for (const notification of notifications) {
    const reason = muteReason(notification, alertOf(notification.notice.alertId), now);
    if (reason) result.muted.push({ notification, reason });
    else result.pass.push(notification);
  }
  return result;
}
