import { applyEvents, MAX_READINGS, type AppliedEvent, type MeasureInput, type ProgressInit } from './apply';
import type { Likelihood, MeasureKind, Progress } from './progress';

/**
 * Corrections: an event's effect taken back (`retract`, at the correction's position) and the
 * correction's own applied, in every measure kind. The result must be what the unit would show
 * had the corrected event never come — the figures, and each day the fresh state has.
 */

const TZ = 'Asia/Shanghai';
const T = 'actuals.inspection-batches';
const init = (measure: MeasureKind): ProgressInit => ({
  id: 'u',
  measure,
  period: { from: '2019-01-01', to: '2019-12-31' },
});
const day = (d: number) => `2019-04-${String(d).padStart(2, '0')}T10:00:00+08:00`;

let offset = 0;
const ev = (eventId: string, d: number, input: MeasureInput, retract = false, at = offset++): AppliedEvent => ({
  trackedId: 'u',
  eventId,
  occurredAt: day(d),
  input,
  position: { topic: T, partition: 0, offset: at },
  ...(retract ? { retract: true as const } : {}),
});
/** `x` taken back at the position of `c` (as ingest positions it), then `c` itself when given. */
const correction = (x: AppliedEvent, c: AppliedEvent | null, at = offset++): AppliedEvent[] => [
  { ...x, retract: true, position: { topic: T, partition: 0, offset: at } },
  ...(c ? [{ ...c, position: { topic: T, partition: 0, offset: at } }] : []),
];

const add = (value: number): MeasureInput => ({ kind: 'add', value });
const ratio = (numerator: number, denominator: number): MeasureInput => ({ kind: 'ratio', numerator, denominator });
const distinct = (value: string): MeasureInput => ({ kind: 'distinct', value });
const reading = (value: number): MeasureInput => ({ kind: 'reading', value });
const milestone = (done: boolean): MeasureInput => ({ kind: 'milestone', done });
const assessment = (likelihood: Likelihood): MeasureInput => ({ kind: 'assessment', likelihood, text: likelihood });

/** What a person reads: the figures, and the value of each day the fresh state charts. */
function figures(p: Progress, days: readonly string[]) {
  return {
    actual: p.actual,
    numerator: p.numerator,
    denominator: p.denominator,
    value: p.value,
    done: p.done,
    doneAt: p.doneAt,
    distinctValues: p.distinctValues,
    assessment: p.assessment ?? null,
    eventCount: p.eventCount,
    history: days.map((d) => [d, p.history.find((h) => h.date === d)?.actual ?? null]),
  };
}

// measure, events before, the corrected one, its correction (null: taken back only), events after
type Case = [
  string,
  MeasureKind,
  (x: (i: MeasureInput, d: number) => AppliedEvent) => {
    before: AppliedEvent[];
    x: AppliedEvent;
    c: AppliedEvent | null;
    after: AppliedEvent[];
    expected: Partial<Progress>;
  },
];

const cases: Case[] = [
  [
    'sum: 50 batches were 5',
    'sum',
    (e) => ({
      before: [e(add(10), 1)],
      x: e(add(50), 2),
      c: e(add(5), 2),
      after: [e(add(1), 3)],
      expected: { actual: 16 },
    }),
  ],
  [
    'sum: the correction moves the day',
    'sum',
    (e) => ({ before: [e(add(10), 1)], x: e(add(50), 4), c: e(add(50), 2), after: [], expected: { actual: 60 } }),
  ],
  [
    'count: a case published twice is taken back',
    'count',
    (e) => ({ before: [e(add(1), 1)], x: e(add(1), 2), c: null, after: [e(add(1), 3)], expected: { actual: 2 } }),
  ],
  [
    'ratio: 8 of 10 qualified were 10 of 10',
    'ratio',
    (e) => ({
      before: [e(ratio(9, 10), 1)],
      x: e(ratio(8, 10), 2),
      c: e(ratio(10, 10), 2),
      after: [],
      expected: { numerator: 19, denominator: 20 },
    }),
  ],
  [
    'mean: a cost of 900 was 90',
    'mean',
    (e) => ({
      before: [e(ratio(100, 1), 1)],
      x: e(ratio(900, 1), 2),
      c: e(ratio(90, 1), 2),
      after: [e(ratio(110, 1), 3)],
      expected: { actual: 100 },
    }),
  ],
  [
    'distinct: a region seen once more later keeps counting from then',
    'distinct',
    (e) => ({
      before: [e(distinct('b'), 1)],
      x: e(distinct('a'), 2),
      c: e(distinct('c'), 2),
      after: [e(distinct('a'), 5)],
      expected: { actual: 3, distinctValues: ['a', 'b', 'c'] },
    }),
  ],
  [
    'distinct: a region seen only by the corrected event is gone',
    'distinct',
    (e) => ({
      before: [e(distinct('b'), 1)],
      x: e(distinct('a'), 2),
      c: null,
      after: [],
      expected: { actual: 1, distinctValues: ['b'] },
    }),
  ],
  [
    'max: 99 was 45',
    'max',
    (e) => ({
      before: [e(reading(40), 1)],
      x: e(reading(99), 2),
      c: e(reading(45), 2),
      after: [e(reading(42), 3)],
      expected: { actual: 45 },
    }),
  ],
  [
    'min: 1 was taken back',
    'min',
    (e) => ({
      before: [e(reading(40), 1)],
      x: e(reading(1), 2),
      c: null,
      after: [e(reading(42), 3)],
      expected: { actual: 40 },
    }),
  ],
  [
    'latest: the newest reading 80 was 60',
    'latest',
    (e) => ({
      before: [e(reading(50), 1)],
      x: e(reading(80), 6),
      c: e(reading(60), 6),
      after: [],
      expected: { actual: 60 },
    }),
  ],
  [
    'latest: the newest reading taken back, the one before shows',
    'latest',
    (e) => ({
      before: [e(reading(50), 1), e(reading(55), 6)],
      x: e(reading(80), 6),
      c: null,
      after: [],
      expected: { actual: 55 },
    }),
  ],
  [
    'milestone: done was not done yet',
    'milestone',
    (e) => ({
      before: [e(milestone(false), 1)],
      x: e(milestone(true), 5),
      c: e(milestone(false), 5),
      after: [],
      expected: { done: false, doneAt: null },
    }),
  ],
  [
    'milestone: done taken back, done later stands',
    'milestone',
    (e) => ({
      before: [],
      x: e(milestone(true), 5),
      c: null,
      after: [e(milestone(true), 9)],
      expected: { done: true, doneAt: day(9) },
    }),
  ],
  [
    'assessment: the newest assessment taken back',
    'assessment',
    (e) => ({
      before: [e(assessment('确定能'), 1)],
      x: e(assessment('不可能'), 5),
      c: null,
      after: [],
      expected: { assessment: { likelihood: '确定能', text: '确定能', at: day(1), eventId: 'b0' } },
    }),
  ],
  [
    'assessment on a sum: corrected',
    'sum',
    (e) => ({
      before: [e(add(3), 1)],
      x: e(assessment('不可能'), 5),
      c: e(assessment('有可能'), 5),
      after: [],
      expected: { actual: 3 },
    }),
  ],
];

describe('corrections, per measure kind', () => {
  it.each(cases)('%s', (_name, measure, make) => {
    let n = 0;
    const { before, x: x0, c: c0, after, expected } = make((i, d) => ev(`b${n++}`, d, i));
    // Positions in the order of the topic: before…, x, the correction, after….
    const pos = (a: AppliedEvent, o: number): AppliedEvent => ({
      ...a,
      position: { topic: T, partition: 0, offset: o },
    });
    const x = pos({ ...x0, eventId: 'x' }, 100);
    const c = c0 && { ...c0, eventId: 'c' };
    const fix = correction(x, c, 101);
    const later = after.map((a, i) => pos(a, 102 + i));
    const corrected = [...before, x, ...fix, ...later];
    const m = init(measure);
    const live = applyEvents(applyEvents(applyEvents(null, m, [...before, x], TZ), m, fix, TZ), m, later, TZ);
    // As if the corrected event had never come.
    const never = applyEvents(null, init(measure), [...before, ...(c ? [c] : []), ...later], TZ);
    const days = never.history.map((h) => h.date);
    expect(figures(live, days)).toEqual(figures(never, days));
    expect(live).toMatchObject(expected);
    // One call (a rebuild reads them all at once) gives the same.
    expect(figures(applyEvents(null, init(measure), corrected, TZ), days)).toEqual(figures(never, days));
    // Redelivered, the correction changes nothing more.
    expect(
      applyEvents(live, init(measure), correction(x, c, corrected[before.length + 1].position.offset), TZ),
    ).toEqual(live);
  });
});

describe('corrections: chains and bounds', () => {
  it.each<[MeasureKind, MeasureInput, MeasureInput]>([
    ['latest', reading(80), reading(50)],
    ['distinct', distinct('a'), distinct('b')],
    ['assessment', assessment('不可能'), assessment('确定能')],
    ['sum', add(50), add(5)],
  ])(
    '%s: taken back before the corrected event reached the unit (a replay after a crash), it never counts',
    (measure, wrong, other) => {
      const before = ev('o', 1, other);
      const x = ev('x', 3, wrong);
      const p0 = applyEvents(null, init(measure), [before], TZ);
      // The correction (another partition) first: nothing to remove yet.
      const c = { ...x, retract: true as const, position: { topic: T, partition: 1, offset: 0 } };
      const p1 = applyEvents(p0, init(measure), [c], TZ);
      // Then the corrected event's batch, replayed.
      const p2 = applyEvents(p1, init(measure), [x], TZ);
      const never = applyEvents(null, init(measure), [before], TZ);
      const days = never.history.map((h) => h.date);
      expect(figures(p2, days)).toEqual(figures(never, days));
      expect(p2.unmatched).toBeUndefined();
      expect(p2.version).toBe((p1.version ?? 0) + 1);
    },
  );

  it('a correction of a correction replaces the correction; the first event stays taken back', () => {
    const x = ev('x', 2, add(50));
    const c1 = ev('c1', 2, add(5));
    const c2 = ev('c2', 2, add(6));
    const p = applyEvents(null, init('sum'), [x, ...correction(x, c1), ...correction(c1, c2)], TZ);
    expect(p.actual).toBe(6);
    expect(p.eventCount).toBe(1);
  });

  it('keeps readings one by one up to MAX_READINGS; older ones fold into their day, which still shows right', () => {
    const events = Array.from({ length: MAX_READINGS + 30 }, (_, i) =>
      ev(`r${i}`, 1 + Math.floor(i / 100), reading(i % 97)),
    );
    const p = applyEvents(null, init('max'), events, TZ);
    expect(p.readings!.filter((r) => !r.folded).length).toBeLessThanOrEqual(MAX_READINGS);
    expect(p.readings!.some((r) => r.folded)).toBe(true);
    expect(p.actual).toBe(96);
    // A kept reading is removed exactly: the last day's max of 96 taken back.
    const lastDay = events.filter((e) => e.occurredAt === events[events.length - 1].occurredAt);
    const top = lastDay.reduce((a, b) =>
      (b.input as { value: number }).value > (a.input as { value: number }).value ? b : a,
    );
    const q = applyEvents(p, init('max'), correction(top, null), TZ);
    expect(q.history.at(-1)!.actual).toBe(96); // earlier days still hold a 96
    expect(q.eventCount).toBe(p.eventCount - 1);
  });
});
