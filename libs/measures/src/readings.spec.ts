import { localDate } from '@iw/clock';
import { applyEvents, MAX_READINGS, type AppliedEvent, type ProgressInit } from './apply';
import type { KeptReading, MeasureKind, Progress } from './progress';

/**
 * The readings a picked measure keeps (apply.ts keepReadings), against their definition written
 * the plain way: every reading sorted by (occurredAt, eventId); while more than MAX_READINGS are
 * loose, the day of the oldest loose one folds — all of that day's readings, folded or not,
 * become the day's pick. The fast version must give exactly the same list, batch after batch.
 */
function definition(
  before: readonly KeptReading[],
  events: readonly AppliedEvent[],
  measure: MeasureKind,
  timeZone: string,
): KeptReading[] {
  const byTime = (a: KeptReading, b: KeptReading) => {
    const d = Date.parse(a.occurredAt) - Date.parse(b.occurredAt);
    return d !== 0 ? d : a.eventId < b.eventId ? -1 : a.eventId > b.eventId ? 1 : 0;
  };
  const picks = (b: KeptReading, a: KeptReading) => {
    const vb = b.input.kind === 'reading' ? b.input.value : 0;
    const va = a.input.kind === 'reading' ? a.input.value : 0;
    if (measure === 'max') return vb > va;
    if (measure === 'min') return vb < va;
    return byTime(a, b) < 0;
  };
  let kept = [...before];
  const known = new Set(kept.map((r) => r.eventId));
  for (const e of events)
    if (!known.has(e.eventId)) {
      kept.push({ eventId: e.eventId, occurredAt: e.occurredAt, input: e.input });
      known.add(e.eventId);
    }
  kept.sort(byTime);
  const day = (r: KeptReading) => localDate(Date.parse(r.occurredAt), timeZone);
  while (kept.filter((r) => !r.folded).length > MAX_READINGS) {
    const date = day(kept.find((r) => !r.folded)!);
    const ofDay = kept.filter((r) => day(r) === date);
    const pick = ofDay.reduce((a, b) => (picks(b, a) ? b : a));
    kept = [...kept.filter((r) => !ofDay.includes(r)), { ...pick, folded: true as const }].sort(byTime);
  }
  return kept;
}

/** A small deterministic generator (mulberry32). */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

function batches(
  seed: number,
  start: number,
  spanDays: number,
  sizes: number[],
): Array<{ events: AppliedEvent[]; offsetFrom: number }> {
  const rnd = random(seed);
  let offset = 0;
  const ids: string[] = [];
  return sizes.map((size) => {
    const offsetFrom = offset;
    const events = Array.from({ length: size }, (): AppliedEvent => {
      // Whole minutes, so that instants (and whole days of readings) tie; now and then an id seen before.
      const at = start + Math.floor(rnd() * spanDays * 24 * 60) * 60_000;
      const again = ids.length > 0 && rnd() < 0.05;
      const eventId = again ? ids[Math.floor(rnd() * ids.length)] : `e${offset}`;
      if (!again) ids.push(eventId);
      return {
        trackedId: 'u',
        eventId,
        occurredAt: iso(at),
        input: { kind: 'reading', value: Math.floor(rnd() * 20) },
        position: { topic: 't', partition: 0, offset: offset++ },
      };
    });
    return { events, offsetFrom };
  });
}

describe('kept readings (max, min, latest): the same as their definition', () => {
  const cases: Array<{ measure: MeasureKind; timeZone: string; start: string; spanDays: number; sizes: number[] }> = [
    // Folds from the second batch on, over a few weeks.
    { measure: 'max', timeZone: 'Asia/Shanghai', start: '2019-03-01T00:00:00Z', spanDays: 20, sizes: [600, 600, 900] },
    { measure: 'min', timeZone: 'Asia/Shanghai', start: '2019-03-01T00:00:00Z', spanDays: 3, sizes: [1500, 700] },
    {
      measure: 'latest',
      timeZone: 'Asia/Shanghai',
      start: '2019-06-01T00:00:00Z',
      spanDays: 40,
      sizes: [1200, 50, 2000],
    },
    // One day only: everything folds into one pick, then a new batch folds again with it.
    { measure: 'max', timeZone: 'Asia/Shanghai', start: '2019-05-05T00:00:00Z', spanDays: 1, sizes: [1100, 1100] },
    // São Paulo went back from 00:00 to 23:00 on 17 Feb 2019: local dates are not monotonic there.
    {
      measure: 'latest',
      timeZone: 'America/Sao_Paulo',
      start: '2019-02-15T00:00:00Z',
      spanDays: 4,
      sizes: [1300, 800],
    },
    {
      measure: 'max',
      timeZone: 'America/Sao_Paulo',
      start: '2019-02-16T00:00:00Z',
      spanDays: 2,
      sizes: [900, 900, 900],
    },
    // Below the bound: nothing folds.
    { measure: 'min', timeZone: 'Asia/Shanghai', start: '2019-03-01T00:00:00Z', spanDays: 9, sizes: [300, 300] },
  ];
  it.each(cases.map((c, i) => [i, c] as const))('case %i', (i, c) => {
    const init: ProgressInit = { id: 'u', measure: c.measure, period: { from: '2019-01-01', to: '2019-12-31' } };
    let p: Progress | null = null;
    let want: KeptReading[] = [];
    let folded = 0;
    for (const { events } of batches(100 + i, Date.parse(c.start), c.spanDays, c.sizes)) {
      want = definition(want, events, c.measure, c.timeZone);
      p = applyEvents(p, init, events, c.timeZone);
      expect(p.readings).toEqual(want);
      folded += want.filter((r) => r.folded).length;
    }
    expect(want.filter((r) => !r.folded).length).toBeLessThanOrEqual(MAX_READINGS);
    if (c.sizes.reduce((a, b) => a + b, 0) > MAX_READINGS) expect(folded).toBeGreaterThan(0);
    else expect(folded).toBe(0);
  });

  it('a day folded before folds again with its late readings; its earlier pick is not counted as loose', () => {
    const init: ProgressInit = { id: 'u', measure: 'max', period: { from: '2019-01-01', to: '2019-12-31' } };
    let offset = 0;
    const at = (day: number, n: number, value: number): AppliedEvent[] =>
      Array.from({ length: n }, (_, k) => ({
        trackedId: 'u',
        eventId: `d${day}-${offset}`,
        occurredAt: iso(Date.parse(`2019-03-0${day}T02:00:00Z`) + k * 1000),
        input: { kind: 'reading', value: value + (k % 3) },
        position: { topic: 't', partition: 0, offset: offset++ },
      }));
    const tz = 'Asia/Shanghai';
    // 1002 loose: day 1 folds into its pick, 1000 stay loose.
    const first = [...at(1, 2, 5), ...at(2, MAX_READINGS, 1)];
    const p = applyEvents(null, init, first, tz);
    expect(p.readings).toEqual(definition([], first, 'max', tz));
    expect(p.readings!.filter((r) => r.folded)).toHaveLength(1);
    // One late reading of day 1 and one of day 3: 1002 loose again; day 1 folds (1001 loose), then day 2.
    const second = [...at(1, 1, 9), ...at(3, 1, 0)];
    const want = definition(p.readings!, second, 'max', tz);
    expect(applyEvents(p, init, second, tz).readings).toEqual(want);
    expect(want.filter((r) => !r.folded)).toHaveLength(1);
  });

  it('stored readings out of order (written by an older version) are sorted, then folded the same way', () => {
    const init: ProgressInit = { id: 'u', measure: 'max', period: { from: '2019-01-01', to: '2019-12-31' } };
    const [first, second] = batches(7, Date.parse('2019-03-01T00:00:00Z'), 5, [900, 400]);
    const stored = applyEvents(null, init, first.events, 'Asia/Shanghai');
    const shuffled: Progress = { ...stored, readings: [...stored.readings!].reverse() };
    const want = definition(shuffled.readings!, second.events, 'max', 'Asia/Shanghai');
    expect(applyEvents(shuffled, init, second.events, 'Asia/Shanghai').readings).toEqual(want);
    expect(want.some((r) => r.folded)).toBe(true);
  });
});
