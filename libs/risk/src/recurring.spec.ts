import type { Progress } from '@iw/measures';
import type { RecurringTarget } from '@iw/targets';
import { riskConfig } from './config';
import { evaluate } from './evaluate';
import { recurrencePeriods } from './rules/recurring';
import { input, progress } from '../test/helpers';
import type { Status } from './status';
import { dateOfDay, dayNumber } from './time';

const every = (
  e: RecurringTarget['every'],
  count: number | null = null,
  dueDay: number | null = null,
  op: RecurringTarget['op'] = count === null ? null : '>=',
): RecurringTarget => ({ kind: 'recurring', every: e, count, op, dueDay });

/** A count's progress from dated occurrences: one history point per day, cumulative. */
function occurrences(...dates: Array<string | [string, number]>): Progress {
  const byDay = new Map<string, number>();
  for (const d of dates) {
    const [date, n] = typeof d === 'string' ? [d, 1] : d;
    byDay.set(date, (byDay.get(date) ?? 0) + n);
  }
  let total = 0;
  const history = [...byDay.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([date, n]) => {
      total += n;
      return { date, actual: total, numerator: total };
    });
  return progress('sum', {
    actual: history.length ? total : null,
    numerator: total,
    eventCount: dates.length,
    history,
    firstEventAt: history.length ? `${history[0].date}T10:00:00+08:00` : null,
    lastEventAt: history.length ? `${history[history.length - 1].date}T10:00:00+08:00` : null,
  });
}

const FROM = dayNumber('2019-01-01');
const TO = dayNumber('2019-12-31');
const span = (p: { from: number; to: number; due: number }) =>
  `${dateOfDay(p.from)}..${dateOfDay(p.to)} due ${dateOfDay(p.due)}`;

describe('recurrence periods', () => {
  it.each<[string, RecurringTarget, number, string, string, string]>([
    ['months', every('month'), 12, '2019-01', '2019年3月', '2019-03-01..2019-03-31 due 2019-03-31'],
    [
      'months due on the 10th',
      every('month', null, 10),
      12,
      '2019-01',
      '2019年3月',
      '2019-03-01..2019-03-31 due 2019-03-10',
    ],
    [
      'February due on the 31st: its last day',
      every('month', null, 31),
      12,
      '2019-01',
      '2019年2月',
      '2019-02-01..2019-02-28 due 2019-02-28',
    ],
    ['quarters', every('quarter'), 4, '2019-Q1', '2019年第3季度', '2019-07-01..2019-09-30 due 2019-09-30'],
    [
      'quarters due on the 15th day',
      every('quarter', null, 15),
      4,
      '2019-Q1',
      '2019年第3季度',
      '2019-07-01..2019-09-30 due 2019-07-15',
    ],
    ['half-years', every('half-year'), 2, '2019-H1', '2019年下半年', '2019-07-01..2019-12-31 due 2019-12-31'],
    ['the year', every('year'), 1, '2019', '2019年', '2019-01-01..2019-12-31 due 2019-12-31'],
  ])('%s', (_, t, n, firstKey, label, window) => {
    const periods = recurrencePeriods(t, FROM, TO);
    expect(periods).toHaveLength(n);
    expect(periods[0].key).toBe(firstKey);
    const p = periods.find((x) => x.label === label)!;
    expect(p).toBeDefined();
    expect(span(p)).toBe(window);
    // The periods tile the year.
    expect(periods[0].from).toBe(FROM);
    expect(periods[n - 1].to).toBe(TO);
    for (let i = 1; i < n; i++) expect(periods[i].from).toBe(periods[i - 1].to + 1);
  });

  it('weeks are 7-day blocks from the first day; the last short remainder joins the last week', () => {
    const weeks = recurrencePeriods(every('week'), FROM, TO);
    expect(weeks).toHaveLength(52);
    expect(weeks[0]).toMatchObject({ key: '2019-W01', label: '第1周（01-01至01-07）' });
    expect(span(weeks[51])).toBe('2019-12-24..2019-12-31 due 2019-12-31'); // 8 days
    // A remainder of 4 days or more stays a week of its own (2020 has 366 days: 2 left over join).
    expect(recurrencePeriods(every('week'), FROM, dayNumber('2020-01-03')).at(-1)).toMatchObject({
      label: '第53周（12-31至01-03）',
    });
  });
});

describe('recurring targets, period by period', () => {
  const monthlyDue10 = every('month', null, 10); // 每月10日前
  const twicePerMonth = every('month', 2); // 每月2次
  const quarterly = every('quarter'); // 按季度报送
  it.each<[string, RecurringTarget, Progress | null, string, Status, RegExp]>([
    [
      'first month, on the 3rd, nothing yet: more than 7 days left',
      monthlyDue10,
      occurrences(),
      '2019-01-02',
      'on_track',
      /本期2019年1月进行中：已完成0次，每期需1次，截止2019-01-10，还有8天/,
    ],
    [
      '7 days before the 10th: only windows under half the span (10 days) apply',
      monthlyDue10,
      occurrences(),
      '2019-01-03',
      'on_track',
      /截止2019-01-10，还有7天/,
    ],
    ['the day before the 10th', monthlyDue10, occurrences(), '2019-01-09', 'at_risk', /截止2019-01-10，还有1天/],
    ['on the day it is due', monthlyDue10, occurrences(), '2019-01-10', 'at_risk', /今天截止/],
    ['done this month', monthlyDue10, occurrences('2019-01-08'), '2019-01-09', 'on_track', /本期2019年1月已完成1次/],
    [
      'between the 10th and the next month: January done, February not open yet',
      monthlyDue10,
      occurrences('2019-01-08'),
      '2019-01-20',
      'on_track',
      /下一期2019年2月自2019-02-01开始，截止2019-02-10$/,
    ],
    [
      'January missed: shown, the current period still drives the status',
      monthlyDue10,
      occurrences(),
      '2019-01-20',
      'on_track',
      /已有1期未按时完成：2019年1月/,
    ],
    [
      'done late (the 12th) is missed',
      monthlyDue10,
      occurrences('2019-01-12'),
      '2019-02-01',
      'on_track',
      /已有1期未按时完成：2019年1月/,
    ],
    [
      '2 per month: 1 so far, 10 days left',
      twicePerMonth,
      occurrences('2019-03-02'),
      '2019-03-21',
      'on_track',
      /已完成1次，每期需2次/,
    ],
    [
      '2 per month: 1 so far, 5 days left',
      twicePerMonth,
      occurrences('2019-03-02'),
      '2019-03-26',
      'at_risk',
      /已完成1次，每期需2次/,
    ],
    ['2 per month: 2 in one day', twicePerMonth, occurrences(['2019-03-02', 2]), '2019-03-26', 'on_track', /已完成2次/],
    [
      'a quarter: the 30-day window is shorter than the quarter',
      quarterly,
      occurrences(),
      '2019-03-05',
      'at_risk',
      /本期2019年第1季度截止2019-03-31，还有26天/,
    ],
    ['a quarter: not yet in a window', quarterly, occurrences(), '2019-02-20', 'on_track', /进行中/],
    [
      'the year over, every period met',
      quarterly,
      occurrences('2019-03-01', '2019-06-01', '2019-09-01', '2019-12-01'),
      '2020-01-01',
      'achieved',
      /共4期，每期均按时完成/,
    ],
    [
      'the year over, one missed',
      quarterly,
      occurrences('2019-03-01', '2019-06-01', '2019-12-01'),
      '2020-01-01',
      'missed',
      /共4期，按时完成3期，1期未按时完成：2019年第3季度/,
    ],
    [
      'all periods decided before the year ends (December due on the 10th)',
      monthlyDue10,
      occurrences(...Array.from({ length: 12 }, (_, m) => `2019-${String(m + 1).padStart(2, '0')}-05`)),
      '2019-12-20',
      'achieved',
      /共12期/,
    ],
    [
      'no events at all: each period missed in turn, not no_data',
      monthlyDue10,
      null,
      '2019-04-01',
      'on_track',
      /已有3期未按时完成：2019年1月、2019年2月、2019年3月/,
    ],
  ])('%s', (_, target, p, now, status, reason) => {
    const e = evaluate(input(target, 'sum', p, now));
    expect(e.status).toBe(status);
    expect(e.reason).toMatch(reason);
  });

  it('exposes the missed periods and the current one, for the page and the alerts', () => {
    const e = evaluate(
      input(monthlyDue10, 'count', occurrences('2019-01-05', '2019-03-12', '2019-04-02'), '2019-04-05'),
    );
    expect(e.recurring).toEqual({
      periods: 12,
      decided: 3,
      met: 1,
      missed: [
        { key: '2019-02', label: '2019年2月', due: '2019-02-10', value: 0 },
        { key: '2019-03', label: '2019年3月', due: '2019-03-10', value: 0 },
      ],
      current: {
        key: '2019-04',
        label: '2019年4月',
        from: '2019-04-01',
        to: '2019-04-30',
        due: '2019-04-10',
        value: 1,
        need: 1,
      },
    });
    expect(e).toMatchObject({ status: 'on_track', expected: 1, deadline: '2019-04-10', daysLeft: 5 });
  });

  it('lists at most the three latest missed periods in the reason', () => {
    const e = evaluate(input(every('month'), 'sum', null, '2019-06-15'));
    expect(e.reason).toMatch(/已有5期未按时完成：…2019年3月、2019年4月、2019年5月$/);
  });

  it('uses only warning windows under half the period (a week: the last 2 days)', () => {
    const weekly = every('week');
    expect(evaluate(input(weekly, 'sum', null, '2019-01-05')).status).toBe('on_track');
    const last = evaluate(input(weekly, 'sum', null, '2019-01-06'));
    expect(last).toMatchObject({ status: 'at_risk', warningDays: 1 });
  });

  it('warning windows are a setting', () => {
    const cfg = riskConfig({ warningDays: [3] });
    expect(evaluate(input(monthlyDue10, 'sum', null, '2019-01-06'), cfg).status).toBe('on_track');
    expect(evaluate(input(monthlyDue10, 'sum', null, '2019-01-07'), cfg).status).toBe('at_risk');
    expect(evaluate(input(monthlyDue10, 'sum', null, '2019-01-07')).status).toBe('on_track');
  });

  it('an unbound recurring target has no data', () => {
    expect(evaluate(input(monthlyDue10, null, null, '2019-04-05')).status).toBe('no_data');
  });
});
