import type { DlqReason } from './dlq';

/**
 * One rule for events from the future. An event counts from its `occurredAt` on, in every view
 * (the live status and the 绩效监控表 as of any date alike). Upstream clocks may run a little
 * ahead of ours, so an event up to `maxSkewMs` ahead of the clock's now is accepted (it shows
 * once the clock reaches it); one further ahead cannot be a reading yet and goes to the DLQ as
 * `future_event`. `now` is the one clock (simulated in a replay), never the wall clock.
 */
export function futureEventReason(occurredAt: string, now: number, maxSkewMs: number): DlqReason | null {
  const t = Date.parse(occurredAt);
  if (!Number.isFinite(t) || t <= now + maxSkewMs) return null;
  return {
    class: 'future_event',
    message: `occurredAt ${occurredAt} is ${describeAhead(t - now)} ahead of the clock (${new Date(now).toISOString()}); at most ${describeAhead(maxSkewMs)} is allowed for clock skew`,
  };
}

function describeAhead(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 120) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 120) return `${m} min`;
  const h = Math.round(m / 60);
  return h < 48 ? `${h} h` : `${Math.round(h / 24)} days`;
}
