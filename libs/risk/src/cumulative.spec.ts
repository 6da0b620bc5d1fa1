import { evaluate } from './evaluate';
import { monthlyPace, riskConfig } from './config';
import { input, num, progress } from '../test/helpers';
import type { Status } from './status';

const batches = (actual: number | null) => progress('sum', { actual, eventCount: actual === null ? 0 : 10 });

describe('cumulative measure vs a floor (汽油抽检批次 ≥700批次)', () => {
  // 2019-07-02 12:00 is exactly half of 2019: expected 350; 10 % tolerance puts the line at 315.
  // 2019-12-01 12:00: 30.5 days left; the rest needs > 3× the plan rate below 524.5 batches.
  it.each<[string, string, number, Status]>([
    ['ahead of pace', '2019-07-02', 400, 'on_track'],
    ['exactly on pace', '2019-07-02', 350, 'on_track'],
    ['at the tolerance edge', '2019-07-02', 315, 'on_track'],
    ['one below the tolerance edge', '2019-07-02', 314, 'at_risk'],
    ['rest needs < 3× plan rate', '2019-12-01', 525, 'at_risk'],
    ['rest needs > 3× plan rate', '2019-12-01', 524, 'off_track'],
    ['nothing by autumn', '2019-10-31', 0, 'off_track'],
    ['exactly at target mid-year: final', '2019-07-02', 700, 'achieved'],
    ['one below target on the last day at noon is on pace', '2019-12-31', 699, 'on_track'],
    ['one below target, one second left', '2019-12-31T23:59:59', 699, 'off_track'],
    ['one below target after the period', '2020-01-01T00:00:00', 699, 'missed'],
    ['exactly at target after the period', '2020-01-01T00:00:00', 700, 'achieved'],
    ['far behind but in the warm-up', '2019-01-30', 0, 'on_track'],
    ['far behind just after the warm-up', '2019-01-31T00:00:01', 0, 'at_risk'],
  ])('%s (%s, %d)', (_, now, actual, status) => {
    expect(evaluate(input(num('>=', 700, '批次'), 'sum', batches(actual), now)).status).toBe(status);
  });

  it('reports expected (target × elapsed share), a linear forecast and days left', () => {
    const e = evaluate(input(num('>=', 700, '批次'), 'sum', batches(300), '2019-07-02'));
    expect(e).toMatchObject({
      status: 'at_risk',
      likelihood: '有可能',
      expected: 350,
      forecast: 600,
      daysLeft: 182,
      deadline: '2019-12-31',
    });
    expect(e.reason).toBe('落后进度：实际300批次，按进度应达350批次（完成85.7%），全年预计600批次，低于目标≥700批次');
  });

  it('gives no forecast during the warm-up and the actual once the period is over', () => {
    expect(evaluate(input(num('>=', 700), 'sum', batches(50), '2019-01-15')).forecast).toBeNull();
    expect(evaluate(input(num('>=', 700), 'sum', batches(650), '2020-01-02')).forecast).toBe(650);
  });

  it('`>` is reached only above the value', () => {
    expect(evaluate(input(num('>', 30), 'count', batches(30), '2019-07-02')).status).toBe('on_track');
    expect(evaluate(input(num('>', 30), 'count', batches(31), '2019-07-02')).status).toBe('achieved');
    expect(evaluate(input(num('>', 30), 'count', batches(30), '2020-01-01')).status).toBe('missed');
  });

  it('`=` (a bare number) reached mid-period waits for the period end', () => {
    const reached = evaluate(input(num('=', 20, '期'), 'count', batches(20), '2019-07-02'));
    expect(reached.status).toBe('on_track');
    expect(reached.reason).toContain('待期末确认');
    expect(evaluate(input(num('=', 20, '期'), 'count', batches(21), '2020-01-01')).status).toBe('achieved');
    expect(evaluate(input(num('=', 20, '期'), 'count', batches(19), '2020-01-01')).status).toBe('missed');
  });

  it('a distinct count whose target exceeds what can be covered is off_track (≥16个地州 of 14)', () => {
    const p = progress('distinct', { actual: 5, eventCount: 5, distinctOf: 14 });
    expect(evaluate(input(num('>=', 16, '个地州'), 'distinct', p, '2019-03-31')).status).toBe('off_track');
    const fine = progress('distinct', { actual: 5, eventCount: 5, distinctOf: 14 });
    expect(evaluate(input(num('>=', 14, '个地州'), 'distinct', fine, '2019-03-31')).status).toBe('on_track');
  });

  it('tolerance and implausible-rate factor are configuration', () => {
    const strict = riskConfig({ paceTolerance: 0 });
    expect(evaluate(input(num('>=', 700), 'sum', batches(349), '2019-07-02'), strict).status).toBe('at_risk');
    const lenient = riskConfig({ implausibleRateFactor: 10 });
    expect(evaluate(input(num('>=', 700), 'sum', batches(0), '2019-10-31'), lenient).status).toBe('at_risk');
  });

  it('follows a configured monthly pace: most work due in the second half', () => {
    // 10 % by the end of June, then 15 % a month.
    const pace = monthlyPace([0.02, 0.03, 0.05, 0.07, 0.08, 0.1, 0.25, 0.4, 0.55, 0.7, 0.85, 1]);
    const e = evaluate(input(num('>=', 700), 'sum', batches(70), '2019-07-01T00:00:00', { pace }));
    expect(e.expected).toBeCloseTo(70, 6);
    expect(e.status).toBe('on_track');
    const linear = evaluate(input(num('>=', 700), 'sum', batches(70), '2019-07-01T00:00:00'));
    expect(linear.status).not.toBe('on_track');
  });
});

describe('cumulative measure vs a cap (全年投诉次数≤12人次)', () => {
  it.each<[string, string, number | null, Status]>([
    ['forecast exactly at the cap', '2019-07-02', 6, 'on_track'],
    ['forecast above the cap', '2019-07-02', 7, 'at_risk'],
    ['exactly at the cap mid-year', '2019-07-02', 12, 'at_risk'],
    ['cap exceeded by one', '2019-07-02', 13, 'off_track'],
    ['within the cap at the end', '2020-01-01T00:00:00', 12, 'achieved'],
    ['exceeded at the end', '2020-01-01T00:00:00', 13, 'missed'],
    ['no events at all: nothing to complain about', '2019-10-31', null, 'on_track'],
    ['no events all year', '2020-01-01', null, 'achieved'],
  ])('%s (%s, %s)', (_, now, actual, status) => {
    expect(evaluate(input(num('<=', 12, '人次'), 'count', batches(actual), now)).status).toBe(status);
  });

  it('`<` is exceeded at the value itself', () => {
    expect(evaluate(input(num('<', 12), 'count', batches(12), '2019-07-02')).status).toBe('off_track');
    expect(evaluate(input(num('<', 12), 'count', batches(11), '2020-01-01')).status).toBe('achieved');
  });

  it('事故率为0 (`=` 0) is a cap', () => {
    expect(evaluate(input(num('=', 0), 'count', batches(null), '2019-06-30')).status).toBe('on_track');
    expect(evaluate(input(num('=', 0), 'count', batches(1), '2019-06-30')).status).toBe('off_track');
  });

  it('a bare number under 成本指标 is a budget ceiling, elsewhere a floor', () => {
    const cost = input(num('=', 70, '万元'), 'sum', batches(75), '2019-10-31', { level2: '成本指标' });
    expect(evaluate(cost).status).toBe('off_track');
    const quantity = input(num('=', 70, '万元'), 'sum', batches(75), '2019-10-31', { level2: '数量指标' });
    expect(evaluate(quantity).status).toBe('on_track');
  });
});
