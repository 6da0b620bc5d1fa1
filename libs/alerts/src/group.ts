import { digestId } from './dedup';
import type { Digest, NotificationHead } from './types';

/**
 * Group stage: what one recipient is told within the group wait goes out as one digest.
 * A recipient's notifications are ready once the first of them has waited its group wait
 * (`groupWaitMs`, or per notification: the policy's route; 0 sends at once); all of that
 * recipient's pending notifications then go together, in the order they arose. A digest holds
 * at most `maxPerDigest` notifications so an email stays readable.
 *
 * Group interval (after Alertmanager's `group_interval`): once a mail went to a person, their
 * next mail waits until the group interval has passed since that one was sent, and takes
 * everything that arose meanwhile — so a flapping week does not mail a person every few
 * minutes. Of several pending notifications the shortest interval of their routes counts
 * (like the group wait, the most urgent route decides); 0 spaces nothing.
 */

export const DEFAULT_MAX_PER_DIGEST = 50;

export interface GroupResult<N extends NotificationHead> {
  /** Digests ready to render and send. */
  digests: Array<Digest<N>>;
  /** Notifications still inside their group wait. */
  pending: N[];
  /** When the earliest pending group becomes ready (ms), or null when nothing waits. */
  nextFlushAt: number | null;
}

/** A digest's notifications in the order they happened (then alert, version, key): stable, so a re-send renders the same mail. */
export function digestOrder(a: NotificationHead, b: NotificationHead): number {
  return (
    Date.parse(a.notice.at) - Date.parse(b.notice.at) ||
    a.notice.alertId.localeCompare(b.notice.alertId) ||
    a.notice.version - b.notice.version ||
    a.key.localeCompare(b.key)
  );
}

/** The group interval's inputs: when each person was last mailed, and the interval of a notification's route. */
export interface GroupSpacing {
  /** When the last mail to this recipient was sent (domain ms), or null when none was. */
  lastSentAt: (recipient: string) => number | null;
  /** The group interval (ms) of a notification: its policy route's, else IW_GROUP_INTERVAL. */
  groupIntervalMs: number | ((n: NotificationHead) => number);
}

/**
 * When a recipient's pending notifications may go out: the first one's group wait is over and,
 * after an earlier mail, the group interval since it has passed. A last mail stamped after
 * `now` (a clock set back, e.g. a new replay on an old store) is not held against anyone.
 */
export function readyAt(
  list: readonly NotificationHead[],
  now: number,
  waitOf: (n: NotificationHead) => number,
  lastSentAt: number | null,
  intervalOf: (n: NotificationHead) => number,
): number {
  const waited = Math.min(...list.map((n) => Date.parse(n.createdAt) + Math.max(0, waitOf(n))));
  if (lastSentAt === null || lastSentAt > now) return waited;
  const interval = Math.min(...list.map((n) => Math.max(0, intervalOf(n))));
  return Math.max(waited, lastSentAt + interval);
}

export function groupNotices<N extends NotificationHead>(
  pending: readonly N[],
  now: number,
  groupWaitMs: number | ((n: NotificationHead) => number),
  maxPerDigest = DEFAULT_MAX_PER_DIGEST,
  spacing?: GroupSpacing,
): GroupResult<N> {
  const waitOf = typeof groupWaitMs === 'number' ? () => groupWaitMs : groupWaitMs;
  const interval = spacing?.groupIntervalMs ?? 0;
  const intervalOf = typeof interval === 'number' ? () => interval : interval;
  const byRecipient = new Map<string, N[]>();
  for (const n of pending) {
    const list = byRecipient.get(n.recipient) ?? [];
    list.push(n);
    byRecipient.set(n.recipient, list);
  }
  const result: GroupResult<N> = { digests: [], pending: [], nextFlushAt: null };
  const createdAt = new Date(now).toISOString();
  for (const recipient of [...byRecipient.keys()].sort()) {
    const list = byRecipient.get(recipient)!.sort(digestOrder);
    const at = readyAt(list, now, waitOf, spacing?.lastSentAt(recipient) ?? null, intervalOf);
    if (at > now) {
      result.pending.push(...list);
      result.nextFlushAt = result.nextFlushAt === null ? at : Math.min(result.nextFlushAt, at);
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

/**
 * `items` cut into slices, each group (same `keyOf`) whole in one slice, groups in the order
 * they first appear; a slice closes once it holds at least `sizeAt(slice index)` items (the
 * last may hold fewer; one group may make it larger).
 */
export function wholeGroupSlices<T>(
  items: Iterable<T>,
  keyOf: (item: T) => string,
  sizeAt: (index: number) => number,
): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const of = groups.get(key);
    if (of) of.push(item);
    else groups.set(key, [item]);
  }
  const slices: T[][] = [];
  let slice: T[] = [];
  for (const of of groups.values()) {
    slice.push(...of);
    if (slice.length >= sizeAt(slices.length)) {
      slices.push(slice);
      slice = [];
    }
  }
  if (slice.length) slices.push(slice);
  return slices;
}

/**
 * `list` cut into slices of at least `size` notifications (the last may be smaller; one
 * recipient's more), each recipient's notifications whole in one slice, recipients in the order
 * they first appear: what a sender judges and sends together, so a person still gets one digest.
 */
export function recipientSlices<N extends NotificationHead>(list: readonly N[], size: number): N[][] {
  return wholeGroupSlices(
    list,
    (n) => n.recipient,
    () => size,
  );
}
