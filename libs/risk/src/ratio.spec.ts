import type { Progress } from '@iw/measures';
import { evaluate } from './evaluate';
import { riskConfig } from './config';
import { input, num, progress, rate } from '../test/helpers';
import type { Status } from './status';
import { wilsonInterval } from './wilson';

describe('wilsonInterval', () => {
  it.each<[number, number, number, number]>([
    [1, 4, 0.04559, 0.69936],
    [3, 4, 0.30064, 0.95441],
    [100, 400, 0.21008, 0.29468],
    [84, 100, 0.7558, 0.89905],
  ])('%d of %d at 95 %%', (x, n, lower, upper) => {
    const ci = wilsonInterval(x, n, 1.96);
    expect(ci.lower).toBeCloseTo(lower, 4);
    expect(ci.upper).toBeCloseTo(upper, 4);
  });

  it('stays at the exact bound at 0 % and 100 %, and is [0, 1] without trials', () => {
    expect(wilsonInterval(0, 10, 1.96).lower).toBe(0);
    expect(wilsonInterval(10, 10, 1.96).upper).toBe(1);
    expect(wilsonInterval(0, 0, 1.96)).toEqual({ lower: 0, upper: 1 });
  });

  it('is symmetric and narrows with the sample', () => {
    const a = wilsonInterval(30, 100, 1.96);
    const b = wilsonInterval(70, 100, 1.96);
    expect(a.lower).toBeCloseTo(1 - b.upper, 12);
    const big = wilsonInterval(300, 1000, 1.96);
    expect(big.upper - big.lower).toBeLessThan(a.upper - a.lower);
  });
});

describe('ratio vs a floor', () => {
  it.each<[string, string, number, number, number, Status]>([
    ['3 unhappy of 4 pages no one', '≥80%', 1, 4, 80, 'on_track'],
    ['300 unhappy of 400 is decided', '≥80%', 100, 400, 80, 'off_track'],
    ['exactly at the target', '≥90%', 90, 100, 90, 'on_track'],
    ['just below, upper bound above the target', '≥90%', 89, 100, 90, 'at_risk'],
    ['upper bound just above the target (85/100)', '≥90%', 85, 100, 90, 'at_risk'],
    ['upper bound just below the target (84/100)', '≥90%', 84, 100, 90, 'off_track'],
    ['one below the minimum sample', '≥95%', 26, 29, 95, 'on_track'],
    ['at the minimum sample, bound below the target', '≥95%', 26, 30, 95, 'off_track'],
    ['at the minimum sample, bound above the target', '≥95%', 27, 30, 95, 'at_risk'],
    ['≥100%: all satisfied', '≥100%', 40, 40, 100, 'on_track'],
    ['≥100%: one unhappy of 40 can never be undone', '≥100%', 39, 40, 100, 'off_track'],
  ])('%s (%s: %d/%d)', (_, _label, x, n, value, status) => {
    expect(evaluate(input(num('>=', value, '%'), 'ratio', rate(x, n), '2019-06-30')).status).toBe(status);
  });

  it.each<[number, number, Status]>([
    [90, 100, 'achieved'],
    [89, 100, 'missed'],
    [3, 3, 'achieved'], // small samples are final on the point estimate too
    [2, 3, 'missed'],
  ])('is final on the point estimate at the period end: %d/%d', (x, n, status) => {
    expect(evaluate(input(num('>=', 90, '%'), 'ratio', rate(x, n), '2020-01-01T00:00:00')).status).toBe(status);
    expect(evaluate(input(num('>=', 90, '%'), 'ratio', rate(x, n), '2019-12-31T23:59:59')).status).not.toBe(status);
  });

  it('`>` needs the point estimate above the target', () => {
    expect(evaluate(input(num('>', 90, '%'), 'ratio', rate(90, 100), '2019-06-30')).status).toBe('at_risk');
    expect(evaluate(input(num('>', 90, '%'), 'ratio', rate(91, 100), '2019-06-30')).status).toBe('on_track');
  });

  it('reports the point estimate, the target and the interval in the target unit', () => {
    const e = evaluate(input(num('>=', 90, '%'), 'ratio', rate(84, 100), '2019-06-30'));
    expect(e).toMatchObject({ expected: 90, forecast: 84, likelihood: '不可能' });
    expect(e.interval!.upper).toBeCloseTo(89.905, 2);
    expect(e.reason).toBe('实际84%（84/100），置信区间上限89.9%仍未达目标≥90%');
  });

  it('reads a share target (0.9) and a unitless percentage (90) alike', () => {
    expect(evaluate(input(num('>=', 0.9), 'ratio', rate(84, 100), '2019-06-30')).status).toBe('off_track');
    expect(evaluate(input(num('>=', 90), 'ratio', rate(84, 100), '2019-06-30')).status).toBe('off_track');
    expect(evaluate(input(num('>=', 0.9), 'ratio', rate(85, 100), '2019-06-30')).status).toBe('at_risk');
  });

  it('minimum sample and z are configuration', () => {
    expect(
      evaluate(input(num('>=', 80, '%'), 'ratio', rate(1, 4), '2019-06-30'), riskConfig({ minSample: 4 })).status,
    ).toBe('off_track');
    // 85/100 vs 90 %: the 95 % bound still reaches 90 %, an 80 % bound (z 1.28) does not.
    expect(
      evaluate(input(num('>=', 90, '%'), 'ratio', rate(85, 100), '2019-06-30'), riskConfig({ wilsonZ: 1.28 })).status,
    ).toBe('off_track');
  });

  it('a ratio with no sample yet is judged like no data', () => {
    expect(evaluate(input(num('>=', 90, '%'), 'ratio', rate(0, 0), '2019-01-10')).status).toBe('on_track');
    expect(evaluate(input(num('>=', 90, '%'), 'ratio', rate(0, 0), '2019-06-30')).status).toBe('no_data');
  });

  // 案件办结率: 1 case closed, none opened this year (it was opened last year). Events arrived:
  // never 仍无数据; the rate cannot be computed yet, so it is not judged.
  const closedOnly = progress('ratio', { numerator: 1, denominator: 0, actual: null, eventCount: 1 });
  const zeroWeight = progress('mean', { numerator: 0, denominator: 0, actual: null, eventCount: 2 });
  it.each<[string, Progress, 'ratio' | 'mean', string, RegExp]>([
    [
      '1 closed / 0 opened, in the grace period',
      closedOnly,
      'ratio',
      '2019-01-10',
      /^已收到1条数据，但分母为0（1\/0），尚无法计算，暂不判断（目标≥90%）$/,
    ],
    [
      '1 closed / 0 opened, after the grace period',
      closedOnly,
      'ratio',
      '2019-06-30',
      /^已收到1条数据，但分母为0（1\/0）/,
    ],
    ['a mean over zero weight', zeroWeight, 'mean', '2019-06-30', /^已收到2条数据，但分母为0（0\/0）/],
  ])('%s', (_, p, measure, now, reason) => {
    const e = evaluate(input(num('>=', 90, '%'), measure, p, now));
    expect(e.status).toBe('on_track');
    expect(e.reason).toMatch(reason);
  });

  it('a rate that never got a denominator is no_data at the period end, saying why', () => {
    const e = evaluate(input(num('>=', 90, '%'), 'ratio', closedOnly, '2020-01-02'));
    expect(e.status).toBe('no_data');
    expect(e.reason).toBe('考核期已结束：已收到1条数据，但分母为0（1/0），尚无法计算，无法判断是否达到目标≥90%');
  });

  it('a rate set directly (no numerator/denominator) is judged as a level', () => {
    const p = progress('ratio', { actual: 85 });
    expect(evaluate(input(num('>=', 90, '%'), 'ratio', p, '2019-06-30')).status).toBe('at_risk');
  });
});

describe('ratio vs a cap (投诉率≤2%)', () => {
  it.each<[string, number, number, string, Status]>([
    ['within the cap', 20, 1000, '2019-06-30', 'on_track'],
    ['above, lower bound below the cap', 25, 1000, '2019-06-30', 'at_risk'],
    ['lower bound above the cap', 30, 1000, '2019-06-30', 'off_track'],
    ['one complaint of 29: small sample', 1, 29, '2019-06-30', 'on_track'],
    ['one complaint of 30: undecided', 1, 30, '2019-06-30', 'at_risk'],
    ['within at the end', 20, 1000, '2020-01-01', 'achieved'],
    ['above at the end', 21, 1000, '2020-01-01', 'missed'],
  ])('%s (%d/%d)', (_, x, n, now, status) => {
    const target = { ...num('<=', 2, '%'), qualifier: '投诉率' };
    expect(evaluate(input(target, 'ratio', rate(x, n), now)).status).toBe(status);
  });

  it('0.00% (`=` 0) is a cap: one error of many is off_track', () => {
    expect(evaluate(input(num('=', 0, '%'), 'ratio', rate(0, 500), '2019-06-30')).status).toBe('on_track');
    expect(evaluate(input(num('=', 0, '%'), 'ratio', rate(1, 500), '2019-06-30')).status).toBe('off_track');
  });
});
