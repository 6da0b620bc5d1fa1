import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the heap grow over what the last full GC kept before it collects again, in
 * percent, for every service process. On a machine with plenty of memory V8 lets it grow to
 * about 4× that first, and the peaks measured in the bench were nearly all garbage awaiting a
 * mark-compact: ingest 430–490 MB with about 90 MB live; alerting, during a province's first
 * sweep, 600–850 MB with 140–160 MB live. Only when to collect changes, not how much the heap may
 * hold: nothing aborts for want of heap (a `--max-old-space-size` cap would).
 */
export const HEAP_GROWING_PERCENT = 50;

/**
 * Alerting's: it holds a province's catalogue and pending notifications for good (about 130 MB
 * live at the end of its first sweep) while the sweep's garbage comes in steadily, so at 50 % its
 * peak was mostly that garbage; a full GC each quarter costs it little (the heap it marks is
 * mostly what it keeps).
 */
export const ALERTING_HEAP_GROWING_PERCENT = 25;

/** Applies `percent` (HEAP_GROWING_PERCENT by default) to this process; main.ts calls it first, before the heap fills. */
export function collectGarbageSooner(percent = HEAP_GROWING_PERCENT): void {
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
