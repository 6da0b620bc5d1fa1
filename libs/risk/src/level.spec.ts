import type { MeasureKind } from '@iw/measures';
import { evaluate } from './evaluate';
import { input, num, progress } from '../test/helpers';
import type { Status } from './status';
import type { ComparisonOp } from '@iw/targets';

/** A mean of `value` per unit over `weight` units (cost per batch). */
const mean = (value: number, weight: number) =>
  progress('mean', { actual: value, numerator: value * weight, denominator: weight, eventCount: weight });

describe('mean vs a cap (汽油和柴油抽检每批次费用 ≤3000元)', () => {
  it.each<[string, number, number, string, Status]>([
    ['within the cap', 2800, 100, '2019-06-30', 'on_track'],
    ['exactly at the cap', 3000, 100, '2019-06-30', 'on_track'],
    ['above by 10 % exactly', 3300, 100, '2019-06-30', 'at_risk'],
    ['above by more than 10 %, enough sample', 3301, 100, '2019-06-30', 'off_track'],
    ['above by more than 10 %, sample one short', 3500, 29, '2019-06-30', 'at_risk'],
    ['above by more than 10 %, at the minimum sample', 3500, 30, '2019-06-30', 'off_track'],
    ['within at the end', 2950, 500, '2020-01-01', 'achieved'],
    ['above at the end', 3001, 500, '2020-01-01', 'missed'],
  ])('%s (%d元 × %d批)', (_, value, weight, now, status) => {
    expect(evaluate(input(num('<=', 3000, '元'), 'mean', mean(value, weight), now)).status).toBe(status);
  });

  it('`<1200元/人` excludes the value itself', () => {
    expect(evaluate(input(num('<', 1200, '元/人'), 'mean', mean(1200, 200), '2019-06-30')).status).toBe('at_risk');
    expect(evaluate(input(num('<', 1200, '元/人'), 'mean', mean(1199, 200), '2019-06-30')).status).toBe('on_track');
  });

  it('reports the current value as expected-vs-forecast', () => {
    const e = evaluate(input(num('<=', 3000, '元'), 'mean', mean(3500, 100), '2019-06-30'));
    expect(e).toMatchObject({ expected: 3000, forecast: 3500, status: 'off_track' });
    expect(e.reason).toBe('平均值3500元超过上限≤3000元达16.7%（样本100），难以拉回');
  });
});

describe('latest, max and min vs a numeric target', () => {
  it.each<[MeasureKind, ComparisonOp, number, number, string, Status]>([
    ['latest', '>=', 3, 3.2, '2019-06-30', 'on_track'],
    ['latest', '>=', 3, 2.5, '2019-06-30', 'at_risk'], // a later reading can still bring it back
    ['latest', '>=', 3, 2.5, '2020-01-01', 'missed'],
    ['latest', '>=', 3, 3, '2020-01-01', 'achieved'],
    ['max', '<=', 48, 48, '2019-06-30', 'on_track'],
    ['max', '<=', 48, 50, '2019-06-30', 'off_track'], // the worst response time only grows
    ['max', '<=', 48, 50, '2020-01-01', 'missed'],
    ['max', '>=', 10, 8, '2019-06-30', 'at_risk'],
    ['min', '>=', 95, 94, '2019-06-30', 'off_track'], // the lowest reading only falls
    ['min', '<=', 5, 6, '2019-06-30', 'at_risk'],
    ['latest', '=', 82, 80, '2019-06-30', 'at_risk'], // 82台服务器: a bare number is "at least"
    ['latest', '=', 82, 83, '2020-01-01', 'achieved'],
  ])('%s %s %d at %d (%s)', (measure, op, value, current, now, status) => {
    const p = progress(measure, { actual: current });
    expect(evaluate(input(num(op, value), measure, p, now)).status).toBe(status);
  });
});

describe('range (开展全疆活动12315宣传活动 10-20场次)', () => {
  const target = { kind: 'range' as const, min: 10, max: 20, unit: '场次' };
  const count = (n: number) => progress('count', { actual: n, eventCount: n });

  it.each<[string, number, string, Status]>([
    ['on pace for the minimum', 5, '2019-07-02', 'on_track'],
    ['behind the minimum pace', 4, '2019-07-02', 'at_risk'],
    ['forecast above the maximum', 11, '2019-07-02', 'at_risk'],
    ['minimum reached mid-year is not final', 10, '2019-12-01', 'on_track'],
    ['exactly at the maximum before the end: any more passes it', 20, '2019-12-31', 'at_risk'],
    ['maximum passed', 21, '2019-10-31', 'off_track'],
    ['inside at the end (minimum)', 10, '2020-01-01', 'achieved'],
    ['inside at the end (maximum)', 20, '2020-01-01', 'achieved'],
    ['below at the end', 9, '2020-01-01', 'missed'],
    ['above at the end', 21, '2020-01-01', 'missed'],
    ['far below late in the year', 1, '2019-11-15', 'off_track'],
  ])('%s (%d, %s)', (_, n, now, status) => {
    expect(evaluate(input(target, 'count', count(n), now)).status).toBe(status);
  });

  it.each<[MeasureKind, number, string, Status]>([
    ['latest', 15, '2019-06-30', 'on_track'],
    ['latest', 25, '2019-06-30', 'at_risk'],
    ['max', 25, '2019-06-30', 'off_track'],
    ['min', 5, '2019-06-30', 'off_track'],
    ['latest', 15, '2020-01-01', 'achieved'],
    ['latest', 25, '2020-01-01', 'missed'],
  ])('on a level measure: %s at %d (%s)', (measure, value, now, status) => {
    expect(evaluate(input(target, measure, progress(measure, { actual: value }), now)).status).toBe(status);
  });
});
