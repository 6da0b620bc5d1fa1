export const APP_CONFIG = 'APP_CONFIG';
/** Domain time (IW_CLOCK). */
export const CLOCK = 'CLOCK';
/** Wall-clock time: timings, metrics, reload checks. */
export const REAL_CLOCK = 'REAL_CLOCK';
