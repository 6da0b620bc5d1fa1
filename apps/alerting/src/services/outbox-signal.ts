import { Injectable } from '@nestjs/common';

/**
 * Between the enqueue side and the sender of one process: "something was enqueued" wakes the
 * sender at once instead of at its next poll; "the sender is quiet" lets writes that no mail
 * waits for (a progress batch's evaluations, see EvaluationService) wait until its mails are
 * out, instead of taking turns with them on the store.
 */
@Injectable()
export class OutboxSignal {
  private readonly listeners: Array<() => void> = [];
  /** The sender's passes in progress (one chain of them), or null. */
  private passes: Promise<unknown> | null = null;

  onEnqueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  enqueued(): void {
    for (const l of this.listeners) l();
  }

  /** The sender: its passes run until `done` settles. */
  sending(done: Promise<unknown>): void {
    this.passes = done;
    const clear = () => {
      if (this.passes === done) this.passes = null;
    };
    done.then(clear, clear);
  }

  /** Resolves once the sender runs no pass, or after `maxMs` (real time) at the latest. */
  async quiet(maxMs: number): Promise<void> {
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        timedOut = true;
        resolve();
      }, maxMs);
    });
    const settled = () => undefined;
    try {
      // Bounded by the timeout: each round waits for the chain that was running then.
      while (this.passes && !timedOut) await Promise.race([this.passes.then(settled, settled), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}
