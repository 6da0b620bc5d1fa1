import type { DeadlineTarget, WindowTarget } from '@iw/targets';
import { evaluate } from './evaluate';
import { riskConfig } from './config';
import { input, progress } from '../test/helpers';
import type { Status } from './status';

const by = (date: string, byAlternative?: string): DeadlineTarget => ({ kind: 'deadline', by: date, byAlternative });
const notDone = progress('milestone', { done: false, eventCount: 0 });
const doneAt = (iso: string) => progress('milestone', { done: true, doneAt: iso, lastEventAt: iso });

describe('deadline (打造非公党建示范点完成时间 2019年10月31日前)', () => {
  it.each<[string, number, Status, number | undefined]>([
    ['2019-09-30', 31, 'on_track', undefined],
    ['2019-10-01', 30, 'at_risk', 30],
    ['2019-10-23', 8, 'at_risk', 30],
    ['2019-10-24', 7, 'at_risk', 7],
    ['2019-10-29', 2, 'at_risk', 7],
    ['2019-10-30', 1, 'at_risk', 1],
    ['2019-10-31T23:59:59', 0, 'at_risk', 1],
    ['2019-11-01T00:00:00', -1, 'missed', undefined],
  ])('not done at %s: %d days left → %s (window %s)', (now, daysLeft, status, warningDays) => {
    const e = evaluate(input(by('2019-10-31'), 'milestone', notDone, now));
    expect(e).toMatchObject({ status, daysLeft, deadline: '2019-10-31' });
    expect(e.warningDays).toBe(warningDays);
  });

  it('says the days left in the reason', () => {
    expect(evaluate(input(by('2019-10-31'), 'milestone', notDone, '2019-10-26')).reason).toBe(
      '距截止日期2019-10-31还有5天，尚未完成',
    );
    expect(evaluate(input(by('2019-10-31'), 'milestone', notDone, '2019-10-31')).reason).toBe(
      '今天截止：2019-10-31，尚未完成',
    );
  });

  it.each<[string, string, Status]>([
    ['well before', '2019-10-20T10:00:00+08:00', 'achieved'],
    ['on the deadline day, late evening', '2019-10-31T23:59:00+08:00', 'achieved'],
    ['the day after', '2019-11-01T00:00:30+08:00', 'missed'],
    ['the day after in Shanghai, still the 31st in UTC', '2019-10-31T16:30:00Z', 'missed'],
  ])('done %s', (_, when, status) => {
    expect(evaluate(input(by('2019-10-31'), 'milestone', doneAt(when), '2019-12-15')).status).toBe(status);
  });

  it('local dates follow the configured time zone', () => {
    const p = doneAt('2019-10-31T16:30:00Z');
    expect(evaluate({ ...input(by('2019-10-31'), 'milestone', p, '2019-12-15'), timeZone: 'UTC' }).status).toBe(
      'achieved',
    );
  });

  it('`X月前` counts by the later reading (营业执照印刷开始时间 2019年6月前)', () => {
    const target = by('2019-05-31', '2019-06-30');
    expect(evaluate(input(target, 'milestone', doneAt('2019-06-15T09:00:00+08:00'), '2019-07-01')).status).toBe(
      'achieved',
    );
    expect(evaluate(input(target, 'milestone', doneAt('2019-07-01T09:00:00+08:00'), '2019-07-02')).status).toBe(
      'missed',
    );
    const pending = evaluate(input(target, 'milestone', notDone, '2019-06-05'));
    expect(pending).toMatchObject({ status: 'at_risk', daysLeft: 25, deadline: '2019-06-30', warningDays: 30 });
    expect(evaluate(input(target, 'milestone', notDone, '2019-07-01')).status).toBe('missed');
  });

  it('an unbound deadline has no data; a milestone without any event is simply not done', () => {
    expect(evaluate(input(by('2019-10-31'), null, null, '2019-06-30')).status).toBe('no_data');
    expect(evaluate(input(by('2019-10-31'), 'milestone', null, '2019-10-30')).status).toBe('at_risk');
  });

  it('a deadline fed by a count is done from its first event', () => {
    const report = progress('count', { actual: 1, eventCount: 1, firstEventAt: '2019-11-20T10:00:00+08:00' });
    expect(evaluate(input(by('2019-11-30'), 'count', report, '2019-12-15')).status).toBe('achieved');
    const late = progress('count', { actual: 1, eventCount: 1, firstEventAt: '2019-12-02T10:00:00+08:00' });
    expect(evaluate(input(by('2019-11-30'), 'count', late, '2019-12-15')).status).toBe('missed');
  });

  it('warning windows are configuration', () => {
    const cfg = riskConfig({ warningDays: [14, 3] });
    expect(evaluate(input(by('2019-10-31'), 'milestone', notDone, '2019-10-16'), cfg).status).toBe('on_track');
    expect(evaluate(input(by('2019-10-31'), 'milestone', notDone, '2019-10-17'), cfg).warningDays).toBe(14);
    expect(evaluate(input(by('2019-10-31'), 'milestone', notDone, '2019-10-28'), cfg).warningDays).toBe(3);
  });

  it('a numeric target on a milestone is due at the period end', () => {
    const target = { kind: 'numeric' as const, op: '=' as const, value: 100, unit: '%' };
    expect(evaluate(input(target, 'milestone', notDone, '2019-12-05')).status).toBe('at_risk');
    expect(evaluate(input(target, 'milestone', doneAt('2019-12-20T10:00:00+08:00'), '2019-12-21')).status).toBe(
      'achieved',
    );
  });
});

describe('window (商品比较试验时间 2019年6--10月开展)', () => {
  const target: WindowTarget = { kind: 'window', from: '2019-06-01', to: '2019-10-31' };
  const activity = (...dates: string[]) =>
    progress('count', {
      actual: dates.length,
      eventCount: dates.length,
      firstEventAt: dates.length ? `${dates[0]}T10:00:00+08:00` : null,
      lastEventAt: dates.length ? `${dates[dates.length - 1]}T10:00:00+08:00` : null,
      history: dates.map((date, i) => ({ date, actual: i + 1 })),
    });

  it.each<[string, string[], string, Status]>([
    ['before the window', [], '2019-05-31', 'on_track'],
    ['open, far from the end', [], '2019-06-01', 'on_track'],
    ['open, 31 days left', [], '2019-09-30', 'on_track'],
    ['open, 30 days left', [], '2019-10-01', 'at_risk'],
    ['the window’s last day', [], '2019-10-31', 'at_risk'],
    ['over with nothing inside', [], '2019-11-01', 'missed'],
    ['an event on the first day', ['2019-06-01'], '2019-06-02', 'achieved'],
    ['an event on the last day', ['2019-10-31'], '2019-11-05', 'achieved'],
    [
      'events only before and after (history search)',
      ['2019-03-01', '2019-05-31', '2019-11-01', '2019-12-01'],
      '2019-12-05',
      'missed',
    ],
    [
      'one event inside among many outside',
      ['2019-03-01', '2019-05-31', '2019-07-15', '2019-11-01'],
      '2019-12-05',
      'achieved',
    ],
  ])('%s', (_, dates, now, status) => {
    const e = evaluate(input(target, 'count', activity(...dates), now));
    expect(e.status).toBe(status);
    expect(e.deadline).toBe('2019-10-31');
  });

  it('without history, the first/last event instants decide', () => {
    const p = progress('count', {
      actual: 1,
      eventCount: 1,
      firstEventAt: '2019-07-01T10:00:00+08:00',
      lastEventAt: '2019-07-01T10:00:00+08:00',
    });
    expect(evaluate(input(target, 'count', p, '2019-07-02')).status).toBe('achieved');
  });

  it.each<[string, string, Status]>([
    ['inside', '2019-08-01T10:00:00+08:00', 'achieved'],
    ['before the window', '2019-05-20T10:00:00+08:00', 'missed'],
    ['after the window', '2019-11-02T10:00:00+08:00', 'missed'],
  ])('a milestone done %s', (_, when, status) => {
    expect(evaluate(input(target, 'milestone', doneAt(when), '2019-11-10')).status).toBe(status);
  });
});
