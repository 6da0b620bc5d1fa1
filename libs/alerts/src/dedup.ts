import { createHash } from 'node:crypto';
import { MAX_ALERT_HISTORY } from './state-machine';
import type { AlertHistoryEntry, Notice, Notification } from './types';

/**
 * Dedup stage: deterministic identities so nothing is enqueued or sent twice.
 * - notification key: (alert, notice kind, alert version, recipient); the outbox keeps a
 *   unique index on it, so re-running a transition after a crash enqueues nothing new;
 * - digest id: from the recipient and the sorted keys, so the same set is the same digest;
 * - Message-ID: from the digest id, so a re-send after a crash carries the same Message-ID
 *   and the receiving side can tell it is the same mail.
 */

export function notificationKey(recipient: string, notice: Pick<Notice, 'alertId' | 'kind' | 'version'>): string {
  return `${notice.alertId}|${notice.kind}|v${notice.version}|${recipient}`;
}

/**
 * Where a follow-up notice to `recipient` threads: the keys of the `opened` notifications of
 * the alert's episodes that opened at or before the notice's version, newest first, read off the
 * alert's history (an `opened` notice carries the version of its opening). The sender reads
 * them by `_id`; the first one that was mailed is the thread. `complete`: the history holds
 * every change (it keeps the last MAX_ALERT_HISTORY), so when none of the keys was mailed there
 * is no thread — a unit whose deadline passed before it ever opened (`missed`) has none. With
 * no alert stored there is none either. Only a trimmed history leaves an older opening to search for.
 */
export function threadKeysFor(
  recipient: string,
  notice: Pick<Notice, 'alertId' | 'version'>,
  history: readonly Pick<AlertHistoryEntry, 'change' | 'version'>[] | undefined,
): { keys: string[]; complete: boolean } {
  if (!history) return { keys: [], complete: true };
  const keys = history
    .filter((h) => h.change === 'opened' && h.version <= notice.version)
    .map((h) => h.version)
    .sort((a, b) => b - a)
    .map((version) => notificationKey(recipient, { alertId: notice.alertId, kind: 'opened', version }));
  return { keys, complete: history.length < MAX_ALERT_HISTORY };
}

export interface DedupResult {
  fresh: Notification[];
  duplicates: Notification[];
}

/** Drops notifications whose key was already seen in this batch or is already known (e.g. in the outbox). */
export function dedupe(
  notifications: readonly Notification[],
  isKnown: (key: string) => boolean = () => false,
): DedupResult {
  const seen = new Set<string>();
  const result: DedupResult = { fresh: [], duplicates: [] };
  for (const n of notifications) {
    if (seen.has(n.key) || isKnown(n.key)) result.duplicates.push(n);
    else result.fresh.push(n);
    seen.add(n.key);
  }
  return result;
}

export function digestId(recipient: string, keys: readonly string[]): string {
  const h = createHash('sha256').update(recipient).update('\n');
  for (const key of [...keys].sort()) h.update(key).update('\n');
  return h.digest('hex').slice(0, 32);
}

/** The domain part of a From address (`Indicator Watch <noreply@x.cn>` → x.cn); `localhost` when none. */
export function mailDomain(from: string): string {
  const m = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return m ? m[1].toLowerCase() : 'localhost';
}

/** An RFC 5322 msg-id: ASCII only (the digest id is hex), so no encoding can change it. */
export function messageId(digest: string, domain: string): string {
  const safeDomain = domain.replace(/[^A-Za-z0-9.-]/g, '') || 'localhost';
  return `<iw.${digest.replace(/[^A-Za-z0-9]/g, '')}@${safeDomain}>`;
}
