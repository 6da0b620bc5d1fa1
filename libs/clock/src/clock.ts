/**
 * The one source of "now". Nothing else in the code base reads Date.now() or
 * `new Date()` without arguments: services get a Clock, so a year can be replayed
 * in minutes with a simulated clock and tests can pin time.
 */
export interface Clock {
  /** Milliseconds since the epoch, in (possibly simulated) time. */
  now(): number;
  /** Simulated milliseconds per real millisecond (1 for the system clock). */
  readonly speed: number;
  readonly kind: 'system' | 'simulated' | 'fixed';
}

export class SystemClock implements Clock {
  readonly speed = 1;
  readonly kind = 'system' as const;
  now(): number {
    return Date.now();
  }
}

/**
 * Wall-clock time where nothing can inject one (CLI commands, adapters' timeouts and
 * heartbeats): the same source as the apps' REAL_CLOCK. Never domain time.
 */
export const WALL_CLOCK: Clock = new SystemClock();

/**
 * Simulated time: starts at `startMs` when created (or at `realStartMs` if given, so
 * several processes started from the same IW_CLOCK value agree) and runs `speed` times
 * faster than real time. With `stopMs` it stands still once it gets there (a replay's end):
 * nothing is judged past the last replayed day.
 */
export class SimulatedClock implements Clock {
  readonly kind = 'simulated' as const;
  constructor(
    readonly startMs: number,
    readonly speed: number,
    private readonly realStartMs: number = Date.now(),
    private readonly realNow: () => number = Date.now,
    readonly stopMs: number | null = null,
  ) {
    if (!Number.isFinite(startMs)) throw new Error('SimulatedClock: start is not a valid time');
    if (!(speed > 0)) throw new Error('SimulatedClock: speed must be > 0');
    if (stopMs !== null && !(stopMs >= startMs)) throw new Error('SimulatedClock: stop must not be before the start');
  }
  now(): number {
    const t = this.startMs + (this.realNow() - this.realStartMs) * this.speed;
    return this.stopMs === null ? t : Math.min(t, this.stopMs);
  }
}

/** A clock that only moves when told to: for tests. */
export class FixedClock implements Clock {
  readonly speed = 1;
  readonly kind = 'fixed' as const;
  constructor(private ms: number) {}
  now(): number {
    return this.ms;
  }
  set(ms: number | string | Date): void {
    this.ms = typeof ms === 'number' ? ms : new Date(ms).getTime();
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/**
 * Parses IW_CLOCK: `system`, or `sim:<ISO start>@<speed>` (e.g.
 * `sim:2019-01-01T00:00:00+08:00@86400`). An optional `~<epoch ms>` after the speed pins
 * the real instant the simulation started, so every process of one run shares one timeline;
 * an optional `..<ISO stop>` at the end stops the clock there (a replay's `--until`).
 */
export function parseClockSpec(spec: string, realNow: () => number = Date.now): Clock {
  const trimmed = spec.trim();
  if (trimmed === '' || trimmed === 'system') return new SystemClock();
  const m = /^sim:([^@]+)@([0-9.]+)(?:~(\d+))?(?:\.\.(.+))?$/.exec(trimmed);
  if (!m) {
    throw new Error(
      `IW_CLOCK: expected "system" or "sim:<ISO start>@<speed>[~<real start ms>][..<ISO stop>]" (e.g. sim:2019-01-01T00:00:00+08:00@86400..2019-07-13T00:00:00+08:00), got "${spec}"`,
    );
  }
  const start = Date.parse(m[1]);
  if (Number.isNaN(start)) throw new Error(`IW_CLOCK: "${m[1]}" is not an ISO 8601 date-time`);
  const speed = Number(m[2]);
  if (!(speed > 0)) throw new Error(`IW_CLOCK: speed must be a number > 0, got "${m[2]}"`);
  const realStart = m[3] ? Number(m[3]) : realNow();
  const stop = m[4] === undefined ? null : Date.parse(m[4]);
  if (stop !== null && Number.isNaN(stop)) throw new Error(`IW_CLOCK: stop "${m[4]}" is not an ISO 8601 date-time`);
  if (stop !== null && stop < start) throw new Error(`IW_CLOCK: stop ${m[4]} is before the start ${m[1]}`);
  return new SimulatedClock(start, speed, realStart, realNow, stop);
}
