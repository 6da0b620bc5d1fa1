import type { Status } from '@iw/risk';
import { DAY, evaluation, MINUTE, T0, alertUnit } from '../test/fixtures';
import {
  acknowledge,
  AlertActionError,
  dueEscalation,
  dueRepeats,
  isSilenced,
  MAX_ALERT_HISTORY,
  sameStanding,
  silence,
  snapshotOf,
  transition,
  unsilence,
} from './state-machine';
import type { Alert, AlertSeverity, AlertState, NoticeKind } from './types';

type From = 'none' | 'open:at_risk' | 'open:off_track' | 'resolved' | 'closed';

/** An alert in the given state, reached through the state machine itself. */
function alertIn(from: From, at = T0 - DAY): Alert | null {
  if (from === 'none') return null;
  if (from === 'open:at_risk') return transition(null, evaluation('at_risk'), at).alert;
  if (from === 'open:off_track') return transition(null, evaluation('off_track'), at).alert;
  const open = transition(null, evaluation('at_risk'), at - DAY).alert;
  return transition(open, evaluation(from === 'resolved' ? 'on_track' : 'missed'), at).alert;
}

type Expect = { state: AlertState | null; severity?: AlertSeverity | null; notices: NoticeKind[]; changed: boolean };

const S = (state: AlertState, severity: AlertSeverity | null, notices: NoticeKind[], changed = true): Expect => ({
  state,
  severity,
  notices,
  changed,
});
const SAME = (state: AlertState | null, severity?: AlertSeverity | null): Expect => ({
  state,
  severity,
  notices: [],
  changed: false,
});

const table: Array<[From, Status, Expect]> = [
  ['none', 'on_track', SAME(null)],
  ['none', 'at_risk', S('open', 'at_risk', ['opened'])],
  ['none', 'off_track', S('open', 'off_track', ['opened'])],
  ['none', 'achieved', SAME(null)],
  ['none', 'missed', S('closed', null, ['missed'])],
  ['none', 'no_data', S('resolved', null, ['no_data'])], // 缺报提醒 (the engine says no_data only after the grace)
  ['none', 'manual', SAME(null)],

  ['open:at_risk', 'on_track', S('resolved', 'at_risk', ['resolved'])],
  ['open:at_risk', 'at_risk', SAME('open', 'at_risk')],
  ['open:at_risk', 'off_track', S('open', 'off_track', ['escalated'])],
  ['open:at_risk', 'achieved', S('resolved', 'at_risk', ['achieved'])],
  ['open:at_risk', 'missed', S('closed', 'at_risk', ['missed'])],
  ['open:at_risk', 'no_data', SAME('open', 'at_risk')],
  ['open:at_risk', 'manual', SAME('open', 'at_risk')],

  ['open:off_track', 'on_track', S('resolved', 'off_track', ['resolved'])],
  ['open:off_track', 'at_risk', S('open', 'at_risk', [])], // de-escalation: recorded, no mail
  ['open:off_track', 'off_track', SAME('open', 'off_track')],
  ['open:off_track', 'achieved', S('resolved', 'off_track', ['achieved'])],
  ['open:off_track', 'missed', S('closed', 'off_track', ['missed'])],
  ['open:off_track', 'no_data', SAME('open', 'off_track')],

  ['resolved', 'on_track', SAME('resolved')],
  ['resolved', 'at_risk', S('open', 'at_risk', ['opened'])],
  ['resolved', 'off_track', S('open', 'off_track', ['opened'])],
  ['resolved', 'achieved', SAME('resolved')],
  ['resolved', 'missed', S('closed', 'at_risk', ['missed'])],
  ['resolved', 'no_data', S('resolved', 'at_risk', ['no_data'])],

  ['closed', 'on_track', SAME('closed')],
  ['closed', 'at_risk', S('open', 'at_risk', ['opened'])],
  ['closed', 'off_track', S('open', 'off_track', ['opened'])],
  ['closed', 'achieved', SAME('closed')],
  ['closed', 'missed', SAME('closed')],
  ['closed', 'manual', SAME('closed')],
];

describe('transition', () => {
  it.each(table)('%s + %s', (from, status, want) => {
    const before = alertIn(from);
    const { alert, notices, changed } = transition(before, evaluation(status), T0);
    expect(notices.map((n) => n.kind)).toEqual(want.notices);
    expect(changed).toBe(want.changed);
    expect(alert?.state ?? null).toBe(want.state);
    if (want.severity !== undefined) expect(alert?.severity ?? null).toBe(want.severity);
    if (!want.changed) {
      expect(alert).toBe(before);
      return;
    }
    // Every lifecycle change bumps the version once and is recorded.
    expect(alert!.version).toBe((before?.version ?? 0) + 1);
    expect(alert!.history.at(-1)).toMatchObject({ version: alert!.version, state: alert!.state, status });
    for (const n of notices) {
      expect(n).toMatchObject({ alertId: alert!.id, version: alert!.version, at: new Date(T0).toISOString() });
      expect(n.evaluation.status).toBe(status);
    }
  });

  it('records the whole life of an alert and gives every notice its own version', () => {
    const steps: Status[] = ['on_track', 'at_risk', 'off_track', 'at_risk', 'on_track', 'off_track', 'missed'];
    let alert: Alert | null = null;
    const kinds: NoticeKind[] = [];
    const versions = new Set<number>();
    steps.forEach((status, i) => {
      const t = transition(alert, evaluation(status), T0 + i * DAY);
      alert = t.alert;
      for (const n of t.notices) {
        kinds.push(n.kind);
        versions.add(n.version);
      }
    });
    expect(kinds).toEqual(['opened', 'escalated', 'resolved', 'opened', 'missed']);
    expect(versions.size).toBe(kinds.length);
    expect(alert!.history.map((h) => h.change)).toEqual([
      'opened',
      'escalated',
      'de-escalated',
      'resolved',
      'opened',
      'missed',
    ]);
    expect(alert!.openedAt).toBe(new Date(T0 + 5 * DAY).toISOString());
    expect(alert!.endedAt).toBe(new Date(T0 + 6 * DAY).toISOString());
  });

  it('stores a new 实际完成值 of an open alert without a version bump or a notice', () => {
    const open = alertIn('open:at_risk')!;
    const t = transition(open, evaluation('at_risk', { actual: 610, forecast: 600, reason: '更落后了' }), T0);
    expect(t).toMatchObject({ changed: true, notices: [] });
    expect(t.alert!.version).toBe(open.version);
    expect(t.alert!.last).toMatchObject({ actual: 610, forecast: 600, reason: '更落后了' });
  });

  it.each([
    ['likelihood', { likelihood: '不可能' as const }],
    ['deadline', { deadline: '2019-11-30' }],
  ])('stores an open alert again when its %s changes', (_what, change) => {
    const open = alertIn('open:at_risk')!;
    const t = transition(open, evaluation('at_risk', change), T0);
    expect(t.changed).toBe(true);
    expect(t.alert!.last).toMatchObject(change);
  });

  it('does not store an open alert again for the figures that follow the clock', () => {
    const open = alertIn('open:at_risk')!;
    // A day later, nothing happened: 按进度应完成, 全年预计, days left and the reason moved.
    const next = evaluation('at_risk', {
      expected: open.last.expected! + 3,
      forecast: open.last.forecast! - 5,
      daysLeft: open.last.daysLeft! - 1,
      reason: '按进度应完成更多',
    });
    expect(sameStanding(open.last, snapshotOf(next))).toBe(true);
    const t = transition(open, next, T0 + DAY);
    expect(t).toEqual({ alert: open, changed: false, notices: [] });
  });

  it('keeps the last real evaluation when data stops', () => {
    const open = alertIn('open:at_risk')!;
    const t = transition(open, evaluation('no_data', { actual: null, forecast: null }), T0);
    expect(t.alert!.last.forecast).toBe(640);
  });

  it('refuses an evaluation of another unit', () => {
    const open = alertIn('open:at_risk')!;
    expect(() => transition(open, evaluation('at_risk', { unit: alertUnit({ id: 'other' }) }), T0)).toThrow(/other/);
  });

  it('bounds the history', () => {
    let alert: Alert | null = null;
    for (let i = 0; i < MAX_ALERT_HISTORY + 20; i++) {
      alert = transition(alert, evaluation(i % 2 ? 'on_track' : 'at_risk'), T0 + i * MINUTE).alert;
    }
    expect(alert!.history).toHaveLength(MAX_ALERT_HISTORY);
    expect(alert!.history.at(-1)!.version).toBe(alert!.version);
  });
});

describe('acknowledge', () => {
  const acked = () => acknowledge(alertIn('open:at_risk')!, T0, 'zhang@x.cn');

  it.each<[string, Status, boolean]>([
    ['same severity keeps it', 'at_risk', true],
    ['escalation clears it', 'off_track', false],
    ['resolution clears it', 'on_track', false],
    ['no data keeps it', 'no_data', true],
  ])('%s', (_, status, stillAcked) => {
    const next = transition(acked(), evaluation(status), T0 + MINUTE).alert!;
    expect(next.acknowledgedAt !== null).toBe(stillAcked);
  });

  it('de-escalation clears it too (a changed severity)', () => {
    const a = acknowledge(alertIn('open:off_track')!, T0, 'zhang@x.cn');
    expect(transition(a, evaluation('at_risk'), T0 + MINUTE).alert!.acknowledgedAt).toBeNull();
  });

  it('is recorded, and idempotent', () => {
    const a = acked();
    expect(a.history.at(-1)).toMatchObject({ change: 'acknowledged', by: 'zhang@x.cn' });
    expect(acknowledge(a, T0 + MINUTE)).toBe(a);
  });

  it.each<From>(['resolved', 'closed'])('refuses a %s alert', (from) => {
    expect(() => acknowledge(alertIn(from)!, T0)).toThrow(AlertActionError);
  });
});

describe('silence', () => {
  const until = T0 + 10 * DAY;

  it.each<[string, number, boolean]>([
    ['in force just before the date', until - 1, true],
    ['over at the date', until, false],
    ['over after the date', until + DAY, false],
  ])('%s', (_, now, silenced) => {
    expect(isSilenced(silence(alertIn('open:at_risk')!, until, T0), now)).toBe(silenced);
  });

  it('accepts an ISO date and refuses the past or garbage', () => {
    const open = alertIn('open:at_risk')!;
    expect(silence(open, '2019-05-01T00:00:00+08:00', T0).silencedUntil).toBe('2019-04-30T16:00:00.000Z');
    expect(() => silence(open, T0, T0)).toThrow(AlertActionError);
    expect(() => silence(open, 'soon', T0)).toThrow(/not a date/);
  });

  it('outlives an episode while in force, and is dropped at reopening once expired', () => {
    const silenced = silence(alertIn('open:at_risk')!, until, T0);
    const resolved = transition(silenced, evaluation('on_track'), T0 + DAY).alert!;
    expect(transition(resolved, evaluation('at_risk'), T0 + 2 * DAY).alert!.silencedUntil).not.toBeNull();
    expect(transition(resolved, evaluation('at_risk'), until + DAY).alert!.silencedUntil).toBeNull();
  });

  it('can be lifted', () => {
    const silenced = silence(alertIn('open:at_risk')!, until, T0);
    const lifted = unsilence(silenced, T0 + 1);
    expect(isSilenced(lifted, T0 + 2)).toBe(false);
    expect(lifted.version).toBe(silenced.version + 1);
    expect(unsilence(lifted, T0 + 3)).toBe(lifted);
  });
});

describe('dueRepeats', () => {
  const WEEK = 7 * DAY;
  const opened = () => alertIn('open:at_risk', T0)!;

  it.each<[string, () => Alert, number, number, boolean]>([
    ['just before the interval', opened, T0 + WEEK - 1, WEEK, false],
    ['at the interval', opened, T0 + WEEK, WEEK, true],
    ['long after (still one)', opened, T0 + 5 * WEEK, WEEK, true],
    ['repeats disabled', opened, T0 + 5 * WEEK, 0, false],
    ['acknowledged', () => acknowledge(opened(), T0 + 1), T0 + WEEK, WEEK, false],
    ['silenced', () => silence(opened(), T0 + 2 * WEEK, T0 + 1), T0 + WEEK, WEEK, false],
    ['silence over', () => silence(opened(), T0 + WEEK, T0 + 1), T0 + WEEK, WEEK, true],
    ['resolved', () => transition(opened(), evaluation('on_track'), T0 + 1).alert!, T0 + WEEK, WEEK, false],
    [
      'escalated recently',
      () => transition(opened(), evaluation('off_track'), T0 + DAY).alert!,
      T0 + WEEK,
      WEEK,
      false,
    ],
    [
      'de-escalated (counts from the last mail)',
      () =>
        transition(transition(opened(), evaluation('off_track'), T0 + DAY).alert, evaluation('at_risk'), T0 + 2 * DAY)
          .alert!,
      T0 + DAY + WEEK,
      WEEK,
      true,
    ],
  ])('%s', (_, make, now, interval, due) => {
    const before = make();
    const t = dueRepeats(before, now, interval);
    expect(t.notices.map((n) => n.kind)).toEqual(due ? ['repeat'] : []);
    expect(t.changed).toBe(due);
    if (due) expect(t.alert!.version).toBe(before.version + 1);
    else expect(t.alert).toBe(before);
  });

  it('counts repeats and restarts the interval from each one', () => {
    let alert = opened();
    const sent: Array<[number, number | undefined]> = [];
    for (let day = 1; day <= 22; day++) {
      const t = dueRepeats(alert, T0 + day * DAY, WEEK);
      alert = t.alert!;
      for (const n of t.notices) sent.push([day, n.repeat]);
    }
    expect(sent).toEqual([
      [7, 1],
      [14, 2],
      [21, 3],
    ]);
  });
});

describe('缺报提醒 (no_data)', () => {
  it('is told once, again only after data came and went', () => {
    const first = transition(null, evaluation('no_data'), T0);
    expect(first.notices.map((n) => n.kind)).toEqual(['no_data']);
    const again = transition(first.alert, evaluation('no_data'), T0 + DAY);
    expect([again.changed, again.notices]).toEqual([false, []]);
    const data = transition(again.alert, evaluation('on_track'), T0 + 2 * DAY);
    expect([data.changed, data.notices, data.alert!.noDataNotifiedAt]).toEqual([true, [], null]);
    const gone = transition(data.alert, evaluation('no_data'), T0 + 3 * DAY);
    expect(gone.notices.map((n) => n.kind)).toEqual(['no_data']);
  });

  it('an open alert stays as it is (no 缺报提醒 while at risk)', () => {
    const open = alertIn('open:at_risk')!;
    expect(transition(open, evaluation('no_data'), T0).notices).toEqual([]);
  });
});

describe('dueRepeats at a digest slot', () => {
  const WEEK = 7 * DAY;
  it('stamps the reminder at the slot, so the next slot a week later is due again', () => {
    const opened = alertIn('open:at_risk', T0)!;
    const slot1 = T0 + WEEK + 9 * 3_600_000;
    // A sweep a little after the slot.
    const r1 = dueRepeats(opened, slot1 + 5 * MINUTE, WEEK, slot1);
    expect(r1.notices.map((n) => n.kind)).toEqual(['repeat']);
    expect(r1.alert!.lastNotifiedAt).toBe(new Date(slot1).toISOString());
    // Daily sweeps of that week: nothing.
    for (let d = 1; d < 7; d++) expect(dueRepeats(r1.alert!, slot1 + d * DAY, WEEK, slot1).notices).toEqual([]);
    const slot2 = slot1 + WEEK;
    expect(dueRepeats(r1.alert!, slot2 + 10 * MINUTE, WEEK, slot2).notices.map((n) => n.kind)).toEqual(['repeat']);
  });

  it('an alert opened the day before a slot waits for the next one', () => {
    const slot = T0 + DAY;
    expect(dueRepeats(alertIn('open:at_risk', T0)!, slot, WEEK, slot).notices).toEqual([]);
    expect(dueRepeats(alertIn('open:at_risk', T0)!, slot + WEEK, WEEK, slot + WEEK).notices).toHaveLength(1);
  });
});

describe('dueEscalation', () => {
  const WEEK = 7 * DAY;
  const opened = () => alertIn('open:at_risk', T0)!;
  it.each<[string, () => Alert, number, number, boolean]>([
    ['before the delay', opened, T0 + WEEK - 1, WEEK, false],
    ['at the delay', opened, T0 + WEEK, WEEK, true],
    ['disabled', opened, T0 + 5 * WEEK, 0, false],
    ['acknowledged', () => acknowledge(opened(), T0 + 1), T0 + WEEK, WEEK, false],
    ['silenced', () => silence(opened(), T0 + 2 * WEEK, T0 + 1), T0 + WEEK, WEEK, false],
    ['resolved', () => transition(opened(), evaluation('on_track'), T0 + 1).alert!, T0 + WEEK, WEEK, false],
    ['already escalated', () => dueEscalation(opened(), T0 + WEEK, WEEK).alert!, T0 + 3 * WEEK, WEEK, false],
    [
      'reopened: a new episode escalates again',
      () =>
        transition(
          transition(dueEscalation(opened(), T0 + WEEK, WEEK).alert, evaluation('on_track'), T0 + WEEK + 1).alert,
          evaluation('at_risk'),
          T0 + 2 * WEEK,
        ).alert!,
      T0 + 3 * WEEK,
      WEEK,
      true,
    ],
  ])('%s', (_, make, now, delay, due) => {
    const before = make();
    const t = dueEscalation(before, now, delay);
    expect(t.notices.map((n) => n.kind)).toEqual(due ? ['unacknowledged'] : []);
    expect(t.changed).toBe(due);
    if (due) expect(t.alert!.officeNotifiedAt).toBe(new Date(now).toISOString());
  });
});
