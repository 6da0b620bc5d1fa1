import type { Clock } from '@iw/clock';
import type { BackoffOptions } from '@iw/mail';

export const APP_CONFIG = 'APP_CONFIG';
/** Domain time (IW_CLOCK): what indicators are judged at. */
export const CLOCK = 'CLOCK';
/** Wall-clock time: retries, the lease, timings, reload checks (real seconds, never domain time). */
export const REAL_CLOCK = 'REAL_CLOCK';
export const ALERTING_OPTIONS = 'ALERTING_OPTIONS';

/**
 * Knobs the environment does not set: their defaults suit production; tests and `npm start`
 * may tighten them when they create the module (AlertingModule.register).
 */
export interface AlertingOptions {
  /** The one clock; parseClockSpec(IW_CLOCK) when absent. */
  clock?: Clock;
  /** Wall-clock time (retries, the lease, timings); SystemClock when absent. */
  realClock?: Clock;
  /** Send retry delays (libs/mail backoff). */
  backoff?: BackoffOptions;
  /** How often the leader looks at the outbox when nothing else wakes it (real ms). */
  pollMs?: number;
  /** Leadership lease: time to live and renewal period (real ms). */
  leaseTtlMs?: number;
  leaseRenewMs?: number;
  /** How often a non-system clock is checked for a new local day (real ms). */
  tickMs?: number;
  /**
   * Digests sent at once, over as many pooled SMTP connections; each connection records its
   * outcome before it sends its next, so a SIGKILL mid-send duplicates at most this many mails,
   * one per connection, each with its Message-ID (test/faults scenario 4b). IW_SMTP_CONNECTIONS
   * when absent, 8 by default: with
   * no update on a mail's way, the alerts bench's 200-mail burst (6 Dec 22:46–22:48 UTC, load
   * average about 2, four pairs) went out at 220–247 mails/s with 8 against 170–200 with 4, p95
   * 996–1,125 ms against 1,138–1,302 ms. (Before: 42–52 mails/s with 4, 33–47 with 1.)
   */
  sendConcurrency?: number;
  /** This process in the lease and the stats doc. */
  instance?: string;
  /** Prometheus port; null serves no /metrics. IW_METRICS_PORT_ALERTING when absent. */
  metricsPort?: number | null;
}

export const DEFAULTS = {
  pollMs: 1000,
  leaseTtlMs: 15_000,
  leaseRenewMs: 5_000,
  tickMs: 1000,
} as const;
