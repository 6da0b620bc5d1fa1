import { isFinal, type Status } from './status';

/**
 * Anti-flap (like Prometheus `for`): a new status counts only once it has held for
 * pendingForMs; until then it waits under `pending`. Final statuses count at once, and so
 * does the first status a unit ever gets (there is nothing to flap from).
 */
export interface SettledStatus {
  status: Status;
  /** When `status` began to hold. */
  since: number;
  pending?: { status: Status; since: number };
}

export function settle(previous: SettledStatus | null, next: Status, now: number, pendingForMs: number): SettledStatus {
  if (!previous) return { status: next, since: now };
  if (next === previous.status) return previous.pending ? { status: previous.status, since: previous.since } : previous;
  if (isFinal(next) || pendingForMs <= 0) return { status: next, since: now };
  const pending = previous.pending;
  if (pending && pending.status === next) {
    return now - pending.since >= pendingForMs ? { status: next, since: pending.since } : previous;
  }
  return { status: previous.status, since: previous.since, pending: { status: next, since: now } };
}

/** When a pending status would count if it still holds: the sweep re-evaluates then. */
export function pendingDueAt(settled: SettledStatus, pendingForMs: number): number | null {
  return settled.pending ? settled.pending.since + pendingForMs : null;
}
