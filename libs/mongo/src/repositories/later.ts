/**
 * Writes a caller chose to make after the ones that matter sooner, run in the order added when
 * the caller says so (`flush`). A progress batch defers what only readers of its evaluations
 * need (the current project documents, the progress they were judged on) until its alerts and
 * notifications are stored: on FerretDB writes take turns and an update by `_id` costs
 * 1.5–3.6 ms, so every update before the outbox entry is time before the mail.
 *
 * Only what the store can lose to a crash without harm belongs here: a current document behind
 * its claimed version is rolled forward by the next writer (VersionedDocs.load), a judged entry
 * lost only means that unit's progress is read again.
 */
export class WritesLater {
  private readonly queue: Array<() => Promise<unknown>> = [];

  get size(): number {
    return this.queue.length;
  }

  add(write: () => Promise<unknown>): void {
    this.queue.push(write);
  }

  /** Runs every write added so far, one after another; the first failure is thrown after the rest ran. */
  async flush(): Promise<void> {
    let failure: Error | null = null;
    while (this.queue.length) {
      const write = this.queue.shift()!;
      try {
        await write();
      } catch (e) {
        failure ??= e instanceof Error ? e : new Error(String(e));
      }
    }
    if (failure !== null) throw failure;
  }
}
