import { applyEvents, type AppliedEvent, type MeasureInput, type Progress, type ProgressInit } from '@iw/measures';
import { progressAsOf } from './progress-as-of';

const TZ = 'Asia/Shanghai';
const PERIOD = { from: '2019-01-01', to: '2019-12-31' };

function build(init: Omit<ProgressInit, 'period'>, events: Array<[occurredAt: string, input: MeasureInput]>): Progress {
  const applied: AppliedEvent[] = events.map(([occurredAt, input], i) => ({
    trackedId: init.id,
    eventId: `e${i}`,
    occurredAt,
    input,
    position: { topic: 't', partition: 0, offset: i },
  }));
  return applyEvents(null, { ...init, period: PERIOD }, applied, TZ);
}

describe('progressAsOf', () => {
  const sum = build({ id: 'u', measure: 'sum' }, [
    ['2019-02-10T10:00:00+08:00', { kind: 'add', value: 5 }],
    ['2019-03-31T23:30:00+08:00', { kind: 'add', value: 7 }], // late evening: still 31 March locally
    ['2019-05-01T08:00:00+08:00', { kind: 'add', value: 10 }],
  ]);

  it.each([
    ['2019-01-31', null, 0, null],
    ['2019-02-10', 5, 1, '2019-02-10T10:00:00+08:00'],
    ['2019-03-30', 5, 1, '2019-02-10T10:00:00+08:00'],
    ['2019-03-31', 12, 2, '2019-02-10T10:00:00+08:00'],
    ['2019-04-30', 12, 2, '2019-02-10T10:00:00+08:00'],
    ['2019-12-31', 22, 3, '2019-02-10T10:00:00+08:00'],
  ])('a sum as of %s is %p (%p days with events)', (asOf, actual, days, firstEventAt) => {
    const p = progressAsOf(sum, asOf, TZ)!;
    expect(p.actual).toBe(actual);
    expect(p.history).toHaveLength(days);
    expect(p.firstEventAt).toBe(firstEventAt);
    if (asOf === '2019-12-31')
      expect(p).toBe(sum); // nothing after: the stored progress as it is
    else expect(p.numerator ?? null).toBe(actual);
  });

  it('keeps null for null', () => {
    expect(progressAsOf(null, '2019-05-01', TZ)).toBeNull();
  });

  it('rebuilds a ratio from the day points', () => {
    const ratio = build({ id: 'r', measure: 'ratio', scale: 100 }, [
      ['2019-03-01T10:00:00+08:00', { kind: 'ratio', numerator: 9, denominator: 10 }],
      ['2019-06-01T10:00:00+08:00', { kind: 'ratio', numerator: 1, denominator: 10 }],
    ]);
    const p = progressAsOf(ratio, '2019-04-01', TZ)!;
    expect([p.actual, p.numerator, p.denominator]).toEqual([90, 9, 10]);
    expect(progressAsOf(ratio, '2019-06-02', TZ)!.actual).toBe(50);
  });

  it('knows when a milestone was done, and that it was not yet', () => {
    const m = build({ id: 'm', measure: 'milestone' }, [
      ['2019-09-15T12:00:00+08:00', { kind: 'milestone', done: true }],
    ]);
    expect(progressAsOf(m, '2019-09-14', TZ)).toMatchObject({ done: false, doneAt: null, actual: null });
    expect(progressAsOf(m, '2019-09-15', TZ)).toMatchObject({
      done: true,
      doneAt: '2019-09-15T12:00:00+08:00',
      actual: 1,
    });
  });

  it('counts distinct values first seen by then', () => {
    const d = build({ id: 'd', measure: 'distinct', of: 14, scale: 100 }, [
      ['2019-02-01T10:00:00+08:00', { kind: 'distinct', value: '喀什地区' }],
      ['2019-04-01T10:00:00+08:00', { kind: 'distinct', value: '和田地区' }],
    ]);
    const p = progressAsOf(d, '2019-03-01', TZ)!;
    expect(p.distinctValues).toEqual(['喀什地区']);
    expect(p.actual).toBeCloseTo(100 / 14);
  });

  it('drops an assessment made after the date', () => {
    const a = build({ id: 'q', measure: 'assessment' }, [
      ['2019-06-01T10:00:00+08:00', { kind: 'assessment', likelihood: '有可能', text: '进展一般' }],
    ]);
    expect(progressAsOf(a, '2019-05-31', TZ)!.assessment).toBeNull();
    expect(progressAsOf(a, '2019-06-01', TZ)!.assessment?.likelihood).toBe('有可能');
  });
});

describe('progressAsOf: assessments', () => {
  const assess = (likelihood: '确定能' | '有可能' | '不可能', text: string): MeasureInput => ({
    kind: 'assessment',
    likelihood,
    text,
  });
  // Arrival order differs from occurredAt order: the history is kept by occurredAt.
  const events: Array<[string, MeasureInput]> = [
    ['2019-08-01T10:00:00+08:00', assess('确定能', '八月')],
    ['2019-04-01T10:00:00+08:00', assess('不可能', '四月')],
    ['2019-06-01T10:00:00+08:00', assess('有可能', '六月')],
  ];
  const all = build({ id: 'q', measure: 'assessment' }, events);
  // The same events, one delivery at a time.
  const stepwise = events.reduce<Progress | null>(
    (p, [occurredAt, input], i) =>
      applyEvents(
        p,
        { id: 'q', measure: 'assessment', period: PERIOD },
        [{ trackedId: 'q', eventId: `e${i}`, occurredAt, input, position: { topic: 't', partition: 0, offset: i } }],
        TZ,
      ),
    null,
  )!;

  it('keeps every assessment, oldest first, whatever the arrival order', () => {
    for (const p of [all, stepwise]) {
      expect(p.assessments!.map((a) => a.text)).toEqual(['四月', '六月', '八月']);
      expect(p.assessment!.text).toBe('八月');
    }
  });

  it.each([
    ['2019-03-31', null],
    ['2019-04-01', '四月'],
    ['2019-07-01', '六月'],
    ['2019-07-31', '六月'],
    ['2019-08-01', '八月'],
  ])('as of %s reads the assessment made by then: %p', (asOf, text) => {
    expect(progressAsOf(all, asOf, TZ)!.assessment?.text ?? null).toBe(text);
    expect(progressAsOf(stepwise, asOf, TZ)!.assessment?.text ?? null).toBe(text);
  });

  it('a redelivered assessment is kept once', () => {
    const again = applyEvents(
      all,
      { id: 'q', measure: 'assessment', period: PERIOD },
      [
        {
          trackedId: 'q',
          eventId: 'e1',
          occurredAt: events[1][0],
          input: events[1][1],
          position: { topic: 't', partition: 1, offset: 0 },
        },
      ],
      TZ,
    );
    expect(again.assessments).toHaveLength(3);
  });
});
