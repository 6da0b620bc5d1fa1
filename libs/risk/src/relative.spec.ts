import type { RelativeTarget } from '@iw/targets';
import type { RelativeBase } from './evaluation';
import { evaluate } from './evaluate';
import { relativeBaseOf, relativeGoal } from './rules/relative';
import { input, progress } from '../test/helpers';
import type { Status } from './status';

const rel = (op: RelativeTarget['op'], change: number, unit = '%'): RelativeTarget => ({
  kind: 'relative',
  op,
  change,
  unit,
  base: 'previous_year',
});
const last = (value: number): RelativeBase => ({ value, source: 'previous_year', year: 2018 });

describe('year-on-year targets made absolute', () => {
  it.each<[string, RelativeTarget, RelativeBase, string, number, string]>([
    ['较上年增长10% on 120', rel('>=', 10), last(120), '>=', 132, '上年基数120（2018年实际），较上年增长10%，即≥132'],
    ['同比下降5% on 200', rel('<=', -5), last(200), '<=', 190, '上年基数200（2018年实际），较上年下降5%，即≤190'],
    ['不低于上年 on 87.5', rel('>=', 0), last(87.5), '>=', 87.5, '上年基数87.5（2018年实际），不低于上年，即≥87.5'],
    [
      '较上年增加3个, baseline given at import',
      rel('>=', 3, '个'),
      { value: 12, source: 'baseline' },
      '>=',
      15,
      '上年基数12个（导入时给定），较上年增加3个，即≥15个',
    ],
    [
      '增长 of 1/3 % keeps six decimals',
      rel('>=', 1 / 3),
      last(100),
      '>=',
      100.333333,
      '上年基数100（2018年实际），较上年增长0.333%，即≥100.33',
    ],
  ])('%s', (_, target, base, op, value, text) => {
    const goal = relativeGoal(target, base);
    expect(goal.target).toMatchObject({ kind: 'numeric', op, value });
    expect(goal.text).toBe(text);
  });
});

describe('year-on-year targets judged', () => {
  const sum = (actual: number) => progress('sum', { actual, eventCount: 3 });
  it.each<[string, RelativeTarget, RelativeBase | null | undefined, number | null, string, Status, RegExp]>([
    ['no base: 暂无, 缺少上年基数', rel('>=', 10), null, 50, '2019-07-02', 'no_data', /^缺少上年基数$/],
    ['no base given at all', rel('>=', 10), undefined, 50, '2019-07-02', 'no_data', /^缺少上年基数$/],
    ['no base, no data either', rel('>=', 10), null, null, '2019-07-02', 'no_data', /^缺少上年基数$/],
    // 132 by the year end; mid-year 66 expected.
    [
      'on pace to +10%',
      rel('>=', 10),
      last(120),
      70,
      '2019-07-02',
      'on_track',
      /^上年基数120（2018年实际），较上年增长10%，即≥132：进度正常/,
    ],
    ['behind pace to +10%', rel('>=', 10), last(120), 50, '2019-07-02', 'at_risk', /即≥132：落后进度/],
    ['reached +10% early', rel('>=', 10), last(120), 132, '2019-07-02', 'achieved', /已完成/],
    ['a cap of -5% already passed', rel('<=', -5), last(200), 191, '2019-07-02', 'off_track', /即≤190：已超过上限≤190/],
    ['a cap of -5% held at the year end', rel('<=', -5), last(200), 150, '2020-01-01', 'achieved', /未超过上限/],
  ])('%s', (_, target, base, actual, now, status, reason) => {
    const e = evaluate(input(target, 'sum', actual === null ? null : sum(actual), now, { base }));
    expect(e.status).toBe(status);
    expect(e.reason).toMatch(reason);
  });

  it('a rate year on year: 满意度不低于上年 judged as a level', () => {
    const p = progress('latest', { actual: 91, eventCount: 1 });
    const e = evaluate(input(rel('>=', 0), 'latest', p, '2019-07-02', { base: last(92.5) }));
    expect(e).toMatchObject({ status: 'at_risk', expected: 92.5, forecast: 91 });
  });

  it('never reads the change as an absolute value', () => {
    // Without the base, "增长10%" must not become "≥10%" met by an actual of 50.
    const e = evaluate(input(rel('>=', 10), 'sum', sum(50), '2020-01-02', { base: null }));
    expect(e.status).toBe('no_data');
    expect(e.likelihood).toBeNull();
  });
});

describe('the base of a year-on-year target', () => {
  const lastYear = (actual: number | null) => ({ actual, period: { from: '2018-01-01' } });
  it.each<[string, number | null | undefined, ReturnType<typeof lastYear> | null, RelativeBase | null]>([
    ["last year's actual", undefined, lastYear(120), { value: 120, source: 'previous_year', year: 2018 }],
    ['a baseline given at import wins', 100, lastYear(120), { value: 100, source: 'baseline' }],
    ['a baseline of 0 is a base', 0, null, { value: 0, source: 'baseline' }],
    ['last year tracked but without data', null, lastYear(null), null],
    ['neither', undefined, null, null],
  ])('%s', (_, baseline, previous, base) => {
    expect(relativeBaseOf(baseline, previous)).toEqual(base);
  });
});
