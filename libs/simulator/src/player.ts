import { localDate, type Clock } from '@iw/clock';
import type { ActualsRole } from '@iw/events';
import type { StoryEvent } from './story';

/** Where a story's messages go: the contract topics (ActualsPublisher), or a test's array. */
export interface StorySink {
  /** Publishes one topic role's messages in order; resolves once they are acknowledged. */
  send(role: ActualsRole, messages: ReadonlyArray<{ key: string; value: string }>): Promise<void>;
}

export interface PlayProgress {
  /** Simulated now (epoch ms) and its local date. */
  now: number;
  date: string;
  /** Messages acknowledged so far, and how many of them are malformed on purpose. */
  published: number;
  malformed: number;
  total: number;
  /** Every message is published. */
  done: boolean;
}

export interface PlayOptions {
  clock: Clock;
  sink: StorySink;
  timeZone: string;
  /** Longest real wait between looks at the clock (default 200 ms), so progress keeps moving. */
  tickMs?: number;
  /** Largest batch handed to the sink at once (default 500). */
  batchSize?: number;
  /** After each batch and each wait. */
  onProgress?: (p: PlayProgress) => void;
  signal?: AbortSignal;
  /** Real-time wait; tests swap it for one that moves a FixedClock. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/**
 * Publishes each event when the clock reaches its occurredAt: on a simulated clock at speed
 * 86400, one simulated day per real second. Events already due (a clock that started earlier)
 * go out at once, in order. Resolves when all are published or `signal` aborts.
 */
export async function playStory(events: readonly StoryEvent[], o: PlayOptions): Promise<PlayProgress> {
  const tickMs = o.tickMs ?? 200;
  const batchSize = o.batchSize ?? 500;
  const sleep = o.sleep ?? realSleep;
  let i = 0;
  let malformed = 0;
  const progress = (): PlayProgress => {
    const now = o.clock.now();
    return {
      now,
      date: localDate(now, o.timeZone),
      published: i,
      malformed,
      total: events.length,
      done: i >= events.length,
    };
  };
  while (i < events.length && !o.signal?.aborted) {
    const now = o.clock.now();
    let j = i;
    while (j < events.length && j - i < batchSize && events[j].at <= now) j++;
    if (j > i) {
      const byRole = new Map<ActualsRole, Array<{ key: string; value: string }>>();
      for (let k = i; k < j; k++) {
        const e = events[k];
        const list = byRole.get(e.role) ?? [];
        list.push({ key: e.key, value: e.value });
        byRole.set(e.role, list);
        if (e.malformed) malformed += 1;
      }
      // Roles are independent topics; within one, order is kept by sending it in one call.
      await Promise.all([...byRole].map(([role, messages]) => o.sink.send(role, messages)));
      i = j;
      o.onProgress?.(progress());
      continue;
    }
    const dueIn = (events[i].at - now) / (o.clock.speed > 0 ? o.clock.speed : 1);
    await sleep(Math.max(1, Math.min(tickMs, Math.ceil(dueIn))), o.signal);
    o.onProgress?.(progress());
  }
  const last = progress();
  o.onProgress?.(last);
  return last;
}

function realSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
