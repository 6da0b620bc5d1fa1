import { Inject, Injectable } from '@nestjs/common';

export const BASELINE_LIMITS = 'BASELINE_LIMITS';
export const RESULT_TAG = 'BENCH_C_RESULT';

export interface BaselineLimits {
  /** Stop counting after this many messages (at most all that were published)… */
  maxEvents: number;
  /** Messages published: fewer handled means the figure is of a bounded subset. */
  total: number;
  /** …or this long after the first message (ms), whichever comes first. */
  maxMs: number;
  /** Called once with the result line (default: stdout). */
  report?: (line: string) => void;
}

export interface BaselineReport {
  handled: number;
  firstAt: number;
  lastAt: number;
  bounded: boolean;
}

/** Counts handled messages and reports once the limit is reached (the bench then stops the app). */
@Injectable()
export class BaselineMeter {
  private firstAt = 0;
  private count = 0;
  private done = false;

  constructor(@Inject(BASELINE_LIMITS) private readonly limits: BaselineLimits) {}

  started(): void {
    if (this.firstAt === 0) this.firstAt = Date.now();
  }

  handled(): void {
    if (this.done) return;
    this.count++;
    const now = Date.now();
    if (this.count >= Math.min(this.limits.maxEvents, this.limits.total) || now - this.firstAt >= this.limits.maxMs)
      this.finish(now);
  }

  private finish(now: number): void {
    this.done = true;
    const report: BaselineReport = {
      handled: this.count,
      firstAt: this.firstAt,
      lastAt: now,
      bounded: this.count < this.limits.total,
    };
    (this.limits.report ?? ((l) => process.stdout.write(l + '\n')))(`${RESULT_TAG} ${JSON.stringify(report)}`);
  }
}
