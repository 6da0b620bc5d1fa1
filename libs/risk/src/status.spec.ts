import { DEFAULT_RISK_CONFIG, monthlyPace } from './config';
import { likelihoodOf, STATUS_LABELS, STATUSES, isFinal, isAlerting, type Status } from './status';
import { dayNumber, paceShare, parseInstant } from './time';

describe('status scale', () => {
  it.each<[Status, string | null, string, boolean]>([
    ['on_track', '确定能', '确定能完成', false],
    ['at_risk', '有可能', '有可能无法完成', false],
    ['off_track', '不可能', '不可能完成', false],
    ['achieved', '确定能', '已完成', true],
    ['missed', '不可能', '未完成', true],
    ['no_data', null, '暂无数据', false],
    ['manual', null, '待人工评估', false],
  ])('%s → %s, %s', (status, likelihood, label, final) => {
    expect(likelihoodOf(status)).toBe(likelihood);
    expect(STATUS_LABELS[status]).toBe(label);
    expect(isFinal(status)).toBe(final);
  });

  it('labels every status, and only at_risk/off_track alert', () => {
    expect(Object.keys(STATUS_LABELS).sort()).toEqual([...STATUSES].sort());
    expect(STATUSES.filter(isAlerting)).toEqual(['at_risk', 'off_track']);
  });
});

describe('pace and local dates', () => {
  const start = dayNumber('2019-01-01') * 86_400_000;
  const end = (dayNumber('2019-12-31') + 1) * 86_400_000;
  const local = (date: string, hours = 0) => dayNumber(date) * 86_400_000 + hours * 3_600_000;

  it.each<[string, number, number]>([
    ['2019-01-01', 0, 0],
    ['2019-07-02', 12, 0.5],
    ['2020-01-01', 0, 1],
    ['2018-12-31', 0, 0],
  ])('linear share at %s %dh is %d', (date, hours, share) => {
    expect(paceShare(DEFAULT_RISK_CONFIG.pace, local(date, hours), start, end)).toBeCloseTo(share, 12);
  });

  it.each<[string, number]>([
    ['2019-02-01', 0.1], // end of month 1
    ['2019-02-15', 0.1 + 0.1 * (14 / 28)], // inside month 2
    ['2019-03-01', 0.2],
    ['2019-04-01', 1], // months past the list are due in full
  ])('monthly share at %s', (date, share) => {
    const pace = monthlyPace([0.1, 0.2]);
    expect(paceShare(pace, local(date), start, end)).toBeCloseTo(share, 12);
  });

  it('rejects a monthly pace that falls or leaves [0, 1]', () => {
    expect(() => monthlyPace([0.2, 0.1])).toThrow(/rise/);
    expect(() => monthlyPace([0.5, 1.2])).toThrow(/rise/);
  });

  it('reads local dates strictly', () => {
    expect(dayNumber('1970-01-02')).toBe(1);
    expect(dayNumber('2019-12-31') - dayNumber('2019-01-01')).toBe(364);
    expect(() => dayNumber('2019-13-01')).toThrow();
    expect(() => dayNumber('2019-1-01')).toThrow();
  });
});

describe('parseInstant', () => {
  it.each([
    '2019-04-12T10:30:00+08:00',
    '2019-04-12T10:30:00Z',
    '2019-04-12T10:30:00.123Z',
    '2019-04-12T10:30:00.5-05:30',
    '2019-12-31T23:59:59.999999+08:00',
    '2019-04-12',
    '2019-04-12T10:30+08:00',
    'not a date',
  ])('%s reads as Date.parse does', (iso) => {
    expect(parseInstant(iso)).toEqual(Date.parse(iso));
  });
});
