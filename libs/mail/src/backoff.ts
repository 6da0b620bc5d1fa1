/**
 * Retry delays for the outbox sender: exponential from `baseMs`, capped at `maxMs`, with up
 * to `jitter` (0..1) of each delay taken off at random so many retries do not line up.
 * Pure once `random` is given.
 */

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
  /** Share of the delay that may be taken off at random: 0 = none, 1 = "full jitter". */
  jitter: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1_000, maxMs: 5 * 60_000, jitter: 0.2 };

/** Delay before retry number `attempt` (1 = after the first failure); 0 for attempt < 1. */
export function backoff(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  if (!(attempt >= 1)) return 0;
  const { baseMs, maxMs } = options;
  const jitter = Math.min(1, Math.max(0, options.jitter));
  // 2^(attempt-1) overflows to Infinity for large attempts; min() then caps it.
  const full = Math.min(maxMs, baseMs * 2 ** Math.min(attempt - 1, 1024));
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(full * (1 - jitter * r));
}
