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
   * Digests sent at once, over as many pooled SMTP connections. 1 by default: a SIGKILL mid-send
   * then duplicates at most one mail (measured: 5 at once sent no faster here, ≈ 107 mails/s).
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
  sendConcurrency: 1,
} as const;
