import type { Target } from '@iw/targets';
import { fiscalYearOf, isInPeriod, periodOf } from './period';
import { defaultMeasure, defaultScale } from './units';

describe('periodOf', () => {
  const cases: Array<[string, Target, { from: string; to: string }]> = [
    [
      'numeric: the fiscal year',
      { kind: 'numeric', op: '>=', value: 700, unit: '批次' },
      { from: '2019-01-01', to: '2019-12-31' },
    ],
    [
      'qualitative: the fiscal year',
      { kind: 'qualitative', text: '有所提升' },
      { from: '2019-01-01', to: '2019-12-31' },
    ],
    [
      'deadline: year start to the deadline',
      { kind: 'deadline', by: '2019-10-31' },
      { from: '2019-01-01', to: '2019-10-31' },
    ],
    [
      'deadline with two readings: the later one',
      { kind: 'deadline', by: '2019-05-31', byAlternative: '2019-06-30' },
      { from: '2019-01-01', to: '2019-06-30' },
    ],
    [
      'window: year start to its end',
      { kind: 'window', from: '2019-06-01', to: '2019-10-31' },
      { from: '2019-01-01', to: '2019-10-31' },
    ],
    ['deadline in the next year', { kind: 'deadline', by: '2020-03-31' }, { from: '2019-01-01', to: '2020-03-31' }],
    [
      'deadline before the fiscal year',
      { kind: 'deadline', by: '2018-12-31' },
      { from: '2018-12-31', to: '2018-12-31' },
    ],
  ];
  it.each(cases)('%s', (_n, target, period) => expect(periodOf(target, 2019)).toEqual(period));
});

describe('isInPeriod', () => {
  const p = { from: '2019-01-01', to: '2019-10-31' };
  it.each([
    ['2019-01-01T00:00:00+08:00', 'Asia/Shanghai', true],
    ['2018-12-31T16:00:00Z', 'Asia/Shanghai', true],
    ['2018-12-31T16:00:00Z', 'UTC', false],
    ['2019-10-31T23:59:59+08:00', 'Asia/Shanghai', true],
    ['2019-10-31T16:00:00Z', 'Asia/Shanghai', false],
    ['not a date', 'Asia/Shanghai', false],
  ])('%s in %s → %s', (at, tz, inside) => expect(isInPeriod(at, p, tz)).toBe(inside));
});

describe('defaultMeasure and defaultScale', () => {
  it.each<[Target, string]>([
    [{ kind: 'numeric', op: '>=', value: 30, unit: '个' }, 'sum'],
    [{ kind: 'numeric', op: '>=', value: 90, unit: '%' }, 'latest'],
    [{ kind: 'numeric', op: '<=', value: 48, unit: '小时' }, 'latest'],
    [{ kind: 'range', min: 10, max: 20, unit: '场次' }, 'sum'],
    [{ kind: 'formula', value: 75, unit: '万元', expression: '95*0.8', consistent: false }, 'sum'],
    [{ kind: 'deadline', by: '2019-10-31' }, 'milestone'],
    [{ kind: 'window', from: '2019-06-01', to: '2019-10-31' }, 'milestone'],
    [{ kind: 'qualitative', text: '显著' }, 'assessment'],
    [{ kind: 'missing' }, 'assessment'],
  ])('%o → %s', (target, measure) => expect(defaultMeasure(target)).toBe(measure));

  it.each<[string, number | undefined, string, number]>([
    ['ratio', undefined, '%', 100],
    ['ratio', undefined, '元', 1],
    ['distinct', 14, '%', 100],
    ['distinct', undefined, '个地州', 1],
    ['sum', 1_250_000, '%', 100],
    ['sum', undefined, '%', 1],
    ['mean', undefined, '%', 1],
  ])('%s of %s against %s → ×%d', (measure, of, unit, scale) =>
    expect(defaultScale(measure as never, { kind: 'numeric', op: '>=', value: 1, unit }, of)).toBe(scale),
  );
});

describe('fiscalYearOf', () => {
  it.each([
    ['2019-12-31T23:30:00+08:00', 'Asia/Shanghai', 2019],
    ['2019-12-31T16:30:00Z', 'Asia/Shanghai', 2020], // 00:30 on 1 January locally
    ['2020-01-01T00:00:00+08:00', 'Asia/Shanghai', 2020],
    ['2019-12-31T16:30:00Z', 'UTC', 2019],
    ['not a date', 'Asia/Shanghai', NaN],
  ])('%s in %s counts in %d', (occurredAt, tz, year) => {
    expect(fiscalYearOf(occurredAt, tz)).toBe(year);
  });
});
