import { Injectable } from '@nestjs/common';

/** "Something was enqueued": wakes the sender at once instead of at its next poll. */
@Injectable()
export class OutboxSignal {
  private readonly listeners: Array<() => void> = [];

  onEnqueued(listener: () => void): void {
    this.listeners.push(listener);
  }

  enqueued(): void {
    for (const l of this.listeners) l();
  }
}
