import { digestId } from './dedup';
import type { Digest, Notification } from './types';

/**
 * Group stage: what one recipient is told within the group wait goes out as one digest.
 * A recipient's notifications are ready once the first of them has waited its group wait
 * (`groupWaitMs`, or per notification: the policy's route; 0 sends at once); all of that recipient's pending notifications then go together, in the order they
 * arose. A digest holds at most `maxPerDigest` notifications so an email stays readable.
 */

export const DEFAULT_MAX_PER_DIGEST = 50;

export interface GroupResult {
  /** Digests ready to render and send. */
  digests: Digest[];
  /** Notifications still inside their group wait. */
  pending: Notification[];
  /** When the earliest pending group becomes ready (ms), or null when nothing waits. */
  nextFlushAt: number | null;
}

/** A digest's notifications in the order they happened (then alert, version, key): stable, so a re-send renders the same mail. */
export function digestOrder(a: Notification, b: Notification): number {
  return (
    Date.parse(a.notice.at) - Date.parse(b.notice.at) ||
    a.notice.alertId.localeCompare(b.notice.alertId) ||
    a.notice.version - b.notice.version ||
    a.key.localeCompare(b.key)
  );
}

export function groupNotices(
  pending: readonly Notification[],
  now: number,
  groupWaitMs: number | ((n: Notification) => number),
  maxPerDigest = DEFAULT_MAX_PER_DIGEST,
): GroupResult {
  const waitOf = typeof groupWaitMs === 'number' ? () => groupWaitMs : groupWaitMs;
  const byRecipient = new Map<string, Notification[]>();
  for (const n of pending) {
    const list = byRecipient.get(n.recipient) ?? [];
    list.push(n);
    byRecipient.set(n.recipient, list);
  }
  const result: GroupResult = { digests: [], pending: [], nextFlushAt: null };
  const createdAt = new Date(now).toISOString();
  for (const recipient of [...byRecipient.keys()].sort()) {
    const list = byRecipient.get(recipient)!.sort(digestOrder);
    const readyAt = Math.min(...list.map((n) => Date.parse(n.createdAt) + Math.max(0, waitOf(n))));
    if (readyAt > now) {
      result.pending.push(...list);
      result.nextFlushAt = result.nextFlushAt === null ? readyAt : Math.min(result.nextFlushAt, readyAt);
      continue;
    }
    for (let i = 0; i < list.length; i += Math.max(1, maxPerDigest)) {
      const notifications = list.slice(i, i + Math.max(1, maxPerDigest));
      result.digests.push({
        id: digestId(
          recipient,
          notifications.map((n) => n.key),
        ),
        recipient,
        notifications,
        createdAt,
      });
    }
  }
  return result;
}
