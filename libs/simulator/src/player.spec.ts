import type { Clock } from '@iw/clock';
import type { ActualsRole } from '@iw/events';
import { instantMs } from './calendar';
import { playStory, type PlayProgress } from './player';
import { sampleStoryInput } from './sample';
import { buildStory } from './story';

const input = sampleStoryInput();
const story = buildStory(input, { seed: 1, runId: 'p1', until: '2019-01-20' });
const DAY = 86_400_000;

/** A simulated clock at one day per real second that moves only when the player sleeps. */
function fakeTime(start: number) {
  let now = start;
  const clock: Clock = { kind: 'simulated', speed: 86_400, now: () => now };
  const sleeps: number[] = [];
  const sleep = async (ms: number) => {
    sleeps.push(ms);
    now += ms * 86_400;
  };
  return { clock, sleep, sleeps, advance: (ms: number) => (now += ms) };
}

function recordingSink(clock: Clock) {
  const sent: Array<{ role: ActualsRole; key: string; value: string; at: number }> = [];
  return {
    sent,
    sink: {
      async send(role: ActualsRole, messages: ReadonlyArray<{ key: string; value: string }>) {
        for (const m of messages) sent.push({ role, ...m, at: clock.now() });
      },
    },
  };
}

describe('playStory', () => {
  it('publishes each event once the clock reaches it, all of them, in order per topic', async () => {
    const time = fakeTime(instantMs('2019-01-01', 0, 'Asia/Shanghai'));
    const { sink, sent } = recordingSink(time.clock);
    const progress: PlayProgress[] = [];
    const last = await playStory(story.events, {
      clock: time.clock,
      sink,
      timeZone: 'Asia/Shanghai',
      sleep: time.sleep,
      onProgress: (p) => progress.push(p),
    });

    expect(last).toMatchObject({
      done: true,
      published: story.events.length,
      total: story.events.length,
      malformed: 1,
    });
    const byValue = new Map(story.events.map((e) => [e.value, e]));
    for (const s of sent) expect(s.at).toBeGreaterThanOrEqual(byValue.get(s.value)!.at); // never early
    for (const role of new Set(story.events.map((e) => e.role))) {
      expect(sent.filter((s) => s.role === role).map((s) => s.value)).toEqual(
        story.events.filter((e) => e.role === role).map((e) => e.value),
      );
    }
    // Never more than a tick late: the clock is looked at at least every 200 ms (4.8 simulated hours).
    for (const s of sent) expect(s.at - byValue.get(s.value)!.at).toBeLessThanOrEqual(200 * 86_400);
    expect(Math.max(...time.sleeps)).toBeLessThanOrEqual(200);
    // Progress only moves forward and ends on the last event's day.
    for (let i = 1; i < progress.length; i++)
      expect(progress[i].published).toBeGreaterThanOrEqual(progress[i - 1].published);
    expect(last.date).toBe(story.events[story.events.length - 1].date);
  });

  it('publishes what is already due at once when the clock started earlier', async () => {
    const time = fakeTime(instantMs('2019-01-10', 0, 'Asia/Shanghai'));
    const { sink, sent } = recordingSink(time.clock);
    const first: PlayProgress[] = [];
    await playStory(story.events, {
      clock: time.clock,
      sink,
      timeZone: 'Asia/Shanghai',
      sleep: time.sleep,
      onProgress: (p) => first.push(p),
    });
    const due = story.events.filter((e) => e.at <= instantMs('2019-01-10', 0, 'Asia/Shanghai')).length;
    expect(first[0].published).toBe(due);
    expect(sent.length).toBe(story.events.length);
  });

  it('stops when aborted, having published only what was due', async () => {
    const time = fakeTime(instantMs('2019-01-01', 0, 'Asia/Shanghai'));
    const { sink, sent } = recordingSink(time.clock);
    const abort = new AbortController();
    const last = await playStory(story.events, {
      clock: time.clock,
      sink,
      timeZone: 'Asia/Shanghai',
      sleep: time.sleep,
      signal: abort.signal,
      onProgress: (p) => p.now >= instantMs('2019-01-05', 0, 'Asia/Shanghai') && abort.abort(),
    });
    expect(last.done).toBe(false);
    expect(sent.length).toBe(last.published);
    expect(sent.length).toBe(story.events.filter((e) => e.at <= last.now).length);
    expect(last.now - instantMs('2019-01-05', 0, 'Asia/Shanghai')).toBeLessThan(DAY / 4);
  });

  it('hands the sink batches no larger than asked', async () => {
    const time = fakeTime(instantMs('2019-02-01', 0, 'Asia/Shanghai'));
    const sizes: number[] = [];
    await playStory(story.events, {
      clock: time.clock,
      sink: { send: async (_role, messages) => void sizes.push(messages.length) },
      timeZone: 'Asia/Shanghai',
      sleep: time.sleep,
      batchSize: 50,
    });
    expect(Math.max(...sizes)).toBeLessThanOrEqual(50);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(story.events.length);
  });
});
