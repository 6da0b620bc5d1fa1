import type { Assessment, Likelihood } from '@iw/measures';
import type { FormulaTarget, QualitativeTarget } from '@iw/targets';
import { evaluate } from './evaluate';
import { riskConfig } from './config';
import { input, num, progress } from '../test/helpers';
import type { Status } from './status';

const text: QualitativeTarget = { kind: 'qualitative', text: '有所提升' };
const assessed = (likelihood: Likelihood, at = '2019-06-20T10:00:00+08:00'): Assessment => ({
  likelihood,
  text: '宣传\n覆盖面扩大',
  at,
});

describe('qualitative (市场监管社会影响力 有所提升)', () => {
  it.each<[string, Assessment | null, string, Status]>([
    ['waiting, early', null, '2019-03-31', 'manual'],
    ['waiting, 31 days left', null, '2019-11-30', 'manual'],
    ['none with 30 days left', null, '2019-12-01', 'at_risk'],
    ['none after the period', null, '2020-01-01', 'at_risk'],
    ['assessed 确定能', assessed('确定能'), '2019-06-30', 'on_track'],
    ['assessed 有可能', assessed('有可能'), '2019-06-30', 'at_risk'],
    ['assessed 不可能', assessed('不可能'), '2019-06-30', 'off_track'],
    ['assessed, late in the year', assessed('确定能'), '2019-12-20', 'on_track'],
  ])('%s', (_, assessment, now, status) => {
    const p = assessment ? progress('assessment', { assessment }) : null;
    expect(evaluate(input(text, 'assessment', p, now)).status).toBe(status);
  });

  it('quotes the assessment on one line with its local date', () => {
    const e = evaluate(
      input(
        text,
        'assessment',
        progress('assessment', { assessment: assessed('有可能', '2019-06-20T17:00:00Z') }),
        '2019-06-30',
      ),
    );
    expect(e.reason).toBe('人工评估：有可能（宣传 覆盖面扩大，2019-06-21）');
    expect(e.likelihood).toBe('有可能');
  });

  it('waits for an assessment even without a binding; the due days are configuration', () => {
    expect(evaluate(input(text, null, null, '2019-06-30')).status).toBe('manual');
    expect(evaluate(input(text, null, null, '2019-06-30'), riskConfig({ qualitativeDueDays: 200 })).status).toBe(
      'at_risk',
    );
  });
});

describe('missing target, unbound, no data yet', () => {
  it('a missing target has no data', () => {
    expect(evaluate(input({ kind: 'missing' }, 'sum', null, '2019-06-30'))).toMatchObject({
      status: 'no_data',
      likelihood: null,
    });
  });

  it('an unbound numeric target has no data', () => {
    expect(evaluate(input(num('>=', 30, '个'), null, null, '2019-02-15')).status).toBe('no_data');
  });

  it.each<[string, string, Status, string]>([
    ['just started', '2019-01-02', 'on_track', '尚无数据'],
    ['last moment of the grace period', '2019-01-30T23:59:59', 'on_track', '尚无数据'],
    ['grace period over', '2019-01-31T00:00:00', 'no_data', '考核期开始已超过30天，仍无数据'],
    ['after the period', '2020-01-02', 'no_data', '考核期开始已超过30天，仍无数据'],
  ])('bound, no event: %s', (_, now, status, reason) => {
    const e = evaluate(input(num('>=', 30, '个'), 'count', progress('count'), now));
    expect(e).toMatchObject({ status, reason });
  });

  it('the grace period is configuration', () => {
    const cfg = riskConfig({ noDataGraceMs: 60 * 86_400_000 });
    expect(evaluate(input(num('>=', 30), 'count', null, '2019-02-15'), cfg).status).toBe('on_track');
  });
});

describe('formula (本年度为95万套*0.8元/套=75万元)', () => {
  const formula: FormulaTarget = {
    kind: 'formula',
    value: 75,
    unit: '万元',
    expression: '95万套*0.8元/套=75万元',
    consistent: false,
  };
  const spent = (n: number) => progress('sum', { actual: n, eventCount: 5 });

  it.each<[string | undefined, number, string, Status]>([
    ['成本指标', 35, '2019-06-30', 'on_track'],
    ['成本指标', 40, '2019-06-30', 'at_risk'], // forecast above the stated cost
    ['成本指标', 76, '2019-10-31', 'off_track'],
    ['成本指标', 75, '2020-01-01', 'achieved'],
    [undefined, 30, '2019-06-30', 'at_risk'], // outside 成本指标 the stated result is to be reached
    [undefined, 75, '2019-10-31', 'on_track'], // reached, judged at the end like `=`
    [undefined, 75, '2020-01-01', 'achieved'],
  ])('%s: %d万元 at %s', (level2, actual, now, status) => {
    expect(evaluate(input(formula, 'sum', spent(actual), now, { level2 })).status).toBe(status);
  });

  it('says the arithmetic does not hold', () => {
    expect(evaluate(input(formula, 'sum', spent(35), '2019-06-30', { level2: '成本指标' })).reason).toContain(
      '算式不成立',
    );
    const ok = { ...formula, consistent: true };
    expect(evaluate(input(ok, 'sum', spent(35), '2019-06-30', { level2: '成本指标' })).reason).not.toContain(
      '算式不成立',
    );
  });
});
