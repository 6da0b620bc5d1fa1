export interface WaitOptions {
  timeoutMs?: number;
  intervalMs?: number;
  /** Said in the error when time runs out. */
  message?: string;
}

/**
 * Polls `predicate` until it returns a truthy value (which is returned) or time runs out.
 * A predicate that throws counts as "not yet"; the last error is reported on timeout.
 */
export async function waitFor<T>(predicate: () => T | Promise<T>, options: WaitOptions = {}): Promise<NonNullable<T>> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const intervalMs = options.intervalMs ?? 100;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await predicate();
      if (value) return value;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      throw new Error(`${options.message ?? 'condition not met'} within ${timeoutMs} ms${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
