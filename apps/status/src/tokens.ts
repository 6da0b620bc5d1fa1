/** Injection tokens of the status app. */
export const APP_CONFIG = 'APP_CONFIG';
/** Domain time (IW_CLOCK): what indicators are judged at. */
export const CLOCK = 'CLOCK';
/** Wall-clock time: freshness of service stats, uptime, outbox ages (those are real seconds). */
export const REAL_CLOCK = 'REAL_CLOCK';
