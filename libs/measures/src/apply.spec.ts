import {
  applyEvents,
  newProgress,
  partitionKey,
  type AppliedEvent,
  type MeasureInput,
  type ProgressInit,
} from './apply';
import { MEASURE_KINDS } from '@iw/events';
import type { MeasureKind, Progress } from './progress';

// indicators.progress (libs/events) and Progress name the same measures: a compile error here means drift.
type EventKind = (typeof MEASURE_KINDS)[number];
const sameKinds: [MeasureKind] extends [EventKind] ? ([EventKind] extends [MeasureKind] ? true : false) : false = true;

const TZ = 'Asia/Shanghai';
const period = { from: '2019-01-01', to: '2019-12-31' };
const init = (measure: MeasureKind, extra: Partial<ProgressInit> = {}): ProgressInit => ({
  id: 'u',
  measure,
  period,
  ...extra,
});

let seq = 0;
function ev(
  input: MeasureInput,
  occurredAt = '2019-04-12T10:00:00+08:00',
  offset = seq++,
  partition = 0,
  eventId = `e${offset}-${partition}`,
): AppliedEvent {
  return {
    trackedId: 'u',
    eventId,
    occurredAt,
    input,
    position: { topic: 'actuals.inspection-batches', partition, offset },
  };
}
const add = (value: number): MeasureInput => ({ kind: 'add', value });
const ratio = (numerator: number, denominator: number): MeasureInput => ({ kind: 'ratio', numerator, denominator });
const distinct = (value: string): MeasureInput => ({ kind: 'distinct', value });
const reading = (value: number): MeasureInput => ({ kind: 'reading', value });
const milestone = (done: boolean): MeasureInput => ({ kind: 'milestone', done });
const day = (d: number, time = '10:00:00') => `2019-04-${String(d).padStart(2, '0')}T${time}+08:00`;

function run(i: ProgressInit, events: AppliedEvent[]): Progress {
  return applyEvents(null, i, events, TZ);
}

describe('applyEvents: every measure kind', () => {
  const cases: Array<[string, ProgressInit, AppliedEvent[], Partial<Progress>]> = [
    ['sum', init('sum'), [ev(add(12)), ev(add(8))], { actual: 20, numerator: 20, eventCount: 2 }],
    [
      'sum out of a budget, in percent',
      init('sum', { of: 1_875_000, scale: 100 }),
      [ev(add(468_750)), ev(add(468_750))],
      { actual: 50, numerator: 937_500, denominator: 1_875_000 },
    ],
    [
      'sum out of an unknown total',
      init('sum', { of: null, scale: 100 }),
      [ev(add(5))],
      { actual: null, numerator: 5 },
    ],
    ['count', init('count'), [ev(add(1)), ev(add(1)), ev(add(1))], { actual: 3 }],
    [
      'distinct out of 14 地州, in percent',
      init('distinct', { of: 14, scale: 100 }),
      [ev(distinct('喀什地区')), ev(distinct('哈密市')), ev(distinct('喀什地区'))],
      { actual: (2 / 14) * 100, numerator: 2, denominator: 14, distinctValues: ['哈密市', '喀什地区'], distinctOf: 14 },
    ],
    ['distinct count', init('distinct'), [ev(distinct('a')), ev(distinct('b')), ev(distinct('c'))], { actual: 3 }],
    [
      'ratio in percent',
      init('ratio', { scale: 100 }),
      [ev(ratio(11, 12)), ev(ratio(9, 10))],
      { actual: (20 / 22) * 100, numerator: 20, denominator: 22 },
    ],
    [
      'ratio with nothing in the denominator yet',
      init('ratio', { scale: 100 }),
      [ev(ratio(0, 0))],
      { actual: null, numerator: 0, denominator: 0 },
    ],
    ['mean (cost per batch)', init('mean'), [ev(ratio(33_600, 12)), ev(ratio(30_000, 10))], { actual: 63_600 / 22 }],
    ['max', init('max'), [ev(reading(3)), ev(reading(9)), ev(reading(4))], { actual: 9, value: 9 }],
    ['min', init('min'), [ev(reading(3)), ev(reading(9)), ev(reading(-4))], { actual: -4 }],
    [
      'latest: the latest occurredAt wins, not the last arrival',
      init('latest'),
      [ev(reading(70), day(12, '10:00:00')), ev(reading(50), day(12, '09:00:00'))],
      { actual: 70, latestAt: day(12, '10:00:00') },
    ],
    [
      'latest: a tie on occurredAt goes to the greater eventId',
      init('latest'),
      [ev(reading(1), day(12), 1, 0, 'b'), ev(reading(2), day(12), 2, 0, 'a')],
      { actual: 1, latestEventId: 'b' },
    ],
    ['milestone done', init('milestone'), [ev(milestone(true), day(20))], { actual: 1, done: true, doneAt: day(20) }],
    [
      'milestone undone later',
      init('milestone'),
      [ev(milestone(true), day(20)), ev(milestone(false), day(22))],
      { actual: 0, done: false, doneAt: null, undoneAt: day(22) },
    ],
    [
      'milestone: a late undo between two dones keeps the later done (documented upper bound)',
      init('milestone'),
      [ev(milestone(true), day(1)), ev(milestone(true), day(7)), ev(milestone(false), day(3))],
      { done: true, doneAt: day(7) },
    ],
    [
      'milestone re-done keeps the first done after the undo',
      init('milestone'),
      [
        ev(milestone(true), day(20)),
        ev(milestone(false), day(22)),
        ev(milestone(true), day(25)),
        ev(milestone(true), day(26)),
      ],
      { done: true, doneAt: day(25) },
    ],
    [
      'assessment: the latest wins',
      init('assessment'),
      [
        ev({ kind: 'assessment', likelihood: '有可能', text: 'b' }, day(13)),
        ev({ kind: 'assessment', likelihood: '确定能', text: 'a' }, day(12)),
      ],
      { actual: null, assessment: { likelihood: '有可能', text: 'b', at: day(13), eventId: expect.any(String) } },
    ],
    [
      'assessment on a numeric measure keeps the actual',
      init('sum'),
      [ev(add(5)), ev({ kind: 'assessment', likelihood: '不可能', text: '经费未到位' })],
      { actual: 5, assessment: expect.objectContaining({ likelihood: '不可能' }) },
    ],
  ];

  it.each(cases)('%s', (_name, i, events, expected) => {
    const p = run(i, events);
    for (const [k, v] of Object.entries(expected)) {
      if (typeof v === 'number' && !Number.isInteger(v)) expect(p[k as keyof Progress]).toBeCloseTo(v, 9);
      else expect(p[k as keyof Progress]).toEqual(v);
    }
    expect(p.version).toBe(1);
    expect(p.eventCount).toBe(events.length);
  });

  it('scales raw sums once, without accumulating rounding (元 → 万元)', () => {
    const p = run(
      init('sum', { scale: 0.0001 }),
      Array.from({ length: 1000 }, () => ev(add(0.1 * 10_000))),
    );
    expect(p.numerator).toBe(1_000_000);
    expect(p.actual).toBe(100);
  });

  it('starts empty', () => {
    expect(newProgress(init('ratio', { scale: 100 }))).toMatchObject({
      actual: null,
      eventCount: 0,
      history: [],
      firstEventAt: null,
      lastEventAt: null,
      applied: {},
      version: 0,
    });
    expect(newProgress(init('milestone'))).toMatchObject({ done: false, doneAt: null });
  });
});

describe('applyEvents: exactly once', () => {
  const batch = (from: number, to: number, partition = 0) =>
    Array.from({ length: to - from + 1 }, (_, k) => ev(add(from + k), day(1 + ((from + k) % 20)), from + k, partition));
  const i = init('sum');

  it('records the highest offset per partition under a MongoDB-safe key', () => {
    const p = run(i, [...batch(0, 4), ...batch(10, 12, 3)]);
    expect(p.applied).toEqual({ 'actuals%2Einspection-batches@0': 4, 'actuals%2Einspection-batches@3': 12 });
    for (const key of Object.keys(p.applied!)) expect(key).not.toMatch(/^\$|\./);
  });

  it('replaying the same batch changes nothing, not even the version', () => {
    const once = run(i, batch(0, 9));
    const twice = applyEvents(once, i, batch(0, 9), TZ);
    expect(twice).toEqual(once);
    expect(twice.version).toBe(1);
  });

  it('replaying an overlapping range applies only the new offsets', () => {
    const all = run(i, batch(0, 14));
    const inTwo = applyEvents(run(i, batch(0, 9)), i, batch(5, 14), TZ);
    expect({ ...inTwo, version: 0 }).toEqual({ ...all, version: 0 });
    expect(inTwo.actual).toBe((14 * 15) / 2);
    expect(inTwo.eventCount).toBe(15);
  });

  it('a redelivered message inside a later batch is skipped; other partitions are independent', () => {
    const p1 = run(i, [...batch(0, 4, 0), ...batch(0, 2, 1)]);
    const p2 = applyEvents(p1, i, [...batch(3, 6, 0), ...batch(0, 3, 1)], TZ);
    expect(p2.applied).toEqual({ 'actuals%2Einspection-batches@0': 6, 'actuals%2Einspection-batches@1': 3 });
    expect(p2.actual).toBe([0, 1, 2, 3, 4, 5, 6].reduce((a, b) => a + b) + [0, 1, 2, 3].reduce((a, b) => a + b));
  });

  it('applies out-of-order offsets of one partition in offset order', () => {
    const events = batch(0, 5).reverse();
    expect(run(i, events)).toEqual(run(i, batch(0, 5)));
  });

  it('sorts events of several topics and partitions, interleaved, by partition then offset', () => {
    const on = (topic: string, partition: number, from: number, to: number) =>
      batch(from, to, partition).map((e) => ({
        ...e,
        eventId: `${topic}${e.eventId}`,
        position: { ...e.position, topic },
      }));
    const grouped = [...on('a.x', 0, 0, 3), ...on('a.x', 1, 0, 3), ...on('b', 0, 0, 3), ...on('b', 1, 0, 3)];
    const interleaved = [0, 1, 2, 3].flatMap((k) => [grouped[k + 12], grouped[k], grouped[k + 8], grouped[k + 4]]);
    const backwards = [...grouped].reverse();
    for (const events of [interleaved, backwards, [...grouped.slice(4), ...grouped.slice(0, 4)]]) {
      expect(run(i, events)).toEqual(run(i, grouped));
      // A redelivery of a prefix of each partition, in any order, changes nothing.
      expect(applyEvents(run(i, grouped), i, events.slice(0, 7), TZ).version).toBe(1);
    }
    expect(run(i, grouped).applied).toEqual({ 'a%2Ex@0': 3, 'a%2Ex@1': 3, 'b@0': 3, 'b@1': 3 });
    expect(run(i, grouped).eventCount).toBe(16);
  });

  it('does not mutate its input', () => {
    const p = run(i, batch(0, 3));
    const frozen = JSON.parse(JSON.stringify(p));
    applyEvents(p, i, batch(4, 8), TZ);
    expect(p).toEqual(frozen);
  });
});

describe('applyEvents: order independence', () => {
  /** Deterministic shuffles: each event on its own partition, so every order is a legal delivery. */
  function permutations(events: AppliedEvent[]): AppliedEvent[][] {
    const spread = events.map((e, k) => ({ ...e, position: { ...e.position, partition: k, offset: 0 } }));
    const out = [spread, [...spread].reverse()];
    for (let s = 1; s <= 4; s++)
      out.push(
        spread
          .map((e, k) => ({ e, key: (k * 7919 * s) % 101 }))
          .sort((a, b) => a.key - b.key)
          .map((x) => x.e),
      );
    return out;
  }
  const table: Array<[string, ProgressInit, AppliedEvent[]]> = [
    ['sum', init('sum'), [1, 2, 3, 4, 5, 6].map((v, k) => ev(add(v), day(k + 1)))],
    [
      'distinct',
      init('distinct', { of: 14, scale: 100 }),
      ['a', 'b', 'a', 'c', 'b', 'd'].map((v, k) => ev(distinct(v), day(10 - k))),
    ],
    ['max', init('max'), [5, 1, 9, 3, 9, 2].map((v, k) => ev(reading(v), day(k + 3)))],
    ['latest', init('latest'), [5, 1, 9, 3, 7, 2].map((v, k) => ev(reading(v), day(((k * 3) % 7) + 1, `1${k}:00:00`)))],
    ['milestone', init('milestone'), [true, true, false, true].map((d, k) => ev(milestone(d), day(k * 2 + 1)))],
  ];
  it.each(table)('%s gives one result whatever the arrival order', (_n, i, events) => {
    const results = permutations(events).map((order) => {
      const p = run(i, order);
      return {
        actual: p.actual,
        history: p.history,
        distinctValues: p.distinctValues,
        done: p.done,
        doneAt: p.doneAt,
        latestAt: p.latestAt,
      };
    });
    for (const r of results.slice(1)) expect(r).toEqual(results[0]);
  });
});

describe('applyEvents: a batch gives what its events give one at a time', () => {
  /** A deterministic PRNG, so a failure names its seed. */
  function rng(seed: number): () => number {
    let a = seed >>> 0;
    return () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
  }
  const kinds: Array<[MeasureKind, (r: () => number) => MeasureInput, Partial<ProgressInit>]> = [
    ['sum', (r) => add(Math.floor(r() * 20)), {}],
    ['count', () => add(1), {}],
    ['ratio', (r) => ratio(Math.floor(r() * 5), 5), { scale: 100 }],
    ['mean', (r) => ratio(Math.floor(r() * 900), 1), {}],
    ['distinct', (r) => distinct(`r${Math.floor(r() * 9)}`), { of: 14, scale: 100 }],
    ['max', (r) => reading(Math.floor(r() * 100)), {}],
    ['min', (r) => reading(Math.floor(r() * 100)), {}],
    ['latest', (r) => reading(Math.floor(r() * 100)), {}],
    ['milestone', (r) => milestone(r() < 0.6), {}],
  ];
  const when = (r: () => number) =>
    `2019-${String(1 + Math.floor(r() * 12)).padStart(2, '0')}-${String(1 + Math.floor(r() * 28)).padStart(2, '0')}T${String(Math.floor(r() * 24)).padStart(2, '0')}:00:00+08:00`;

  it.each(kinds.flatMap(([m, input, extra]) => [1, 2, 3].map((seed) => [m, seed, input, extra] as const)))(
    '%s (seed %d): two batches over a stored state, against one event per call',
    (measure, seed, input, extra) => {
      const r = rng(seed);
      const i = init(measure, extra);
      const events = Array.from({ length: 60 }, (_, k) =>
        ev(input(r), when(r), k, 0, `s${seed}-${String(k).padStart(3, '0')}`),
      );
      const batched = applyEvents(applyEvents(null, i, events.slice(0, 25), TZ), i, events.slice(25), TZ);
      let single: Progress | null = null;
      for (const e of events) single = applyEvents(single, i, [e], TZ);
      expect({ ...batched, version: 0 }).toEqual({ ...single!, version: 0 });
      expect(batched.version).toBe(2);
    },
  );
});

describe('applyEvents: daily history by local date', () => {
  it('uses the local date of occurredAt in the time zone', () => {
    // 16:30Z on the 12th is 00:30 on the 13th in Shanghai.
    const p = run(init('sum'), [ev(add(1), '2019-04-12T23:30:00+08:00'), ev(add(2), '2019-04-12T16:30:00Z')]);
    expect(p.history.map((h) => [h.date, h.actual])).toEqual([
      ['2019-04-12', 1],
      ['2019-04-13', 3],
    ]);
    expect(applyEvents(null, init('sum'), [ev(add(1), '2019-04-12T16:30:00Z')], 'UTC').history[0].date).toBe(
      '2019-04-12',
    );
  });

  it('a late event for an earlier day updates that day and every later one', () => {
    const p1 = run(init('ratio', { scale: 100 }), [ev(ratio(9, 10), day(5)), ev(ratio(10, 10), day(9))]);
    const p2 = applyEvents(p1, init('ratio', { scale: 100 }), [ev(ratio(0, 5), day(7)), ev(ratio(1, 5), day(1))], TZ);
    expect(p2.history.map((h) => [h.date.slice(8), h.numerator, h.denominator])).toEqual([
      ['01', 1, 5],
      ['05', 10, 15],
      ['07', 10, 20],
      ['09', 20, 30],
    ]);
    expect(p2.actual).toBeCloseTo((20 / 30) * 100, 9);
    expect(p2.firstEventAt).toBe(day(1));
    expect(p2.lastEventAt).toBe(day(9));
  });

  it('distinct: a value first seen earlier counts from that day on', () => {
    const p = run(init('distinct'), [ev(distinct('a'), day(5)), ev(distinct('b'), day(8)), ev(distinct('b'), day(3))]);
    expect(p.history.map((h) => [h.date.slice(8), h.actual])).toEqual([
      ['03', 1],
      ['05', 2],
      ['08', 2],
    ]);
    expect(p.distinctSeen).toEqual([
      { value: 'a', date: '2019-04-05', days: { '2019-04-05': 1 } },
      { value: 'b', date: '2019-04-03', days: { '2019-04-03': 1, '2019-04-08': 1 } },
    ]);
  });

  it('latest: a late reading changes its own day only', () => {
    const p = run(init('latest'), [
      ev(reading(80), day(10)),
      ev(reading(60), day(4)),
      ev(reading(70), day(4, '11:00:00')),
    ]);
    expect(p.history.map((h) => [h.date.slice(8), h.actual])).toEqual([
      ['04', 70],
      ['10', 80],
    ]);
    expect(p.actual).toBe(80);
  });
});

describe('applyEvents: guards', () => {
  it('refuses another unit, an input the measure cannot take, a changed measure', () => {
    expect(() => run(init('sum'), [{ ...ev(add(1)), trackedId: 'other' }])).toThrow(/other/);
    expect(() => run(init('sum'), [ev(milestone(true))])).toThrow(/cannot take a milestone/);
    expect(() => applyEvents(run(init('sum'), [ev(add(1))]), init('count'), [], TZ)).toThrow(/measure changed/);
  });

  it('takes period, scale and of from init (a re-imported catalogue wins)', () => {
    const p = run(init('sum', { scale: 1 }), [ev(add(50))]);
    const q = applyEvents(
      p,
      init('sum', { scale: 100, of: 200, period: { from: '2019-01-01', to: '2019-06-30' } }),
      [],
      TZ,
    );
    expect(q).toMatchObject({ actual: 25, period: { to: '2019-06-30' }, version: p.version });
  });
});

it('indicators.progress names the measures Progress does', () => expect(sameKinds).toBe(true));

describe('partitionKey', () => {
  it.each([
    ['actuals.cases', 3, 'actuals%2Ecases@3'],
    ['t1.actuals.inspection-batches', 0, 't1%2Eactuals%2Einspection-batches@0'],
    ['plain_topic', 12, 'plain_topic@12'],
  ])('%s/%d → %s', (topic, partition, key) => expect(partitionKey(topic, partition)).toBe(key));

  it('is injective where a naive replacement is not', () => {
    expect(partitionKey('a.b', 1)).not.toBe(partitionKey('a_b', 1));
    expect(partitionKey('a.b', 1)).not.toBe(partitionKey('a.b', 11));
  });
});
