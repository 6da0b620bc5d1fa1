import type { Status } from '@iw/risk';
import { DAY, evaluation, alertUnit } from '../test/fixtures';
import { onEvaluation, onSweep, type AlertPipelineOptions } from './pipeline';
import { flush } from './send';
import { DEFAULT_POLICY, parsePolicy, type NotificationPolicy } from './policy';
import { ownersResolver } from './route';
import { acknowledge } from './state-machine';
import type { Alert, Notification, OutgoingMail } from './types';

const HOUR = 3_600_000;
// Monday 2019-04-01 00:00 in Shanghai.
const MONDAY = Date.parse('2019-04-01T00:00:00+08:00');
const AGENCY = '市交通局';

function policyOf(text: string): NotificationPolicy {
  const { policy, problems } = parsePolicy(text);
  if (!policy) throw new Error(JSON.stringify(problems));
  return policy;
}

const base: AlertPipelineOptions = {
  resolveOwners: ownersResolver({
    projects: { p1: ['a@x.cn'], p2: ['b@x.cn'] },
    fallback: 'ops@x.cn',
  }),
  repeatIntervalMs: 7 * DAY,
  groupWaitMs: 30_000,
  publicUrl: 'http://127.0.0.1:3000',
  timeZone: 'Asia/Shanghai',
  from: 'Indicator Watch <noreply@iw.local>',
  policy: DEFAULT_POLICY,
  officeOf: (agency) => (agency === AGENCY ? ['office@x.cn'] : []),
};

const unitOf = (id: string, projectId: string) =>
  alertUnit({
    id,
    indicatorId: id,
    projectId,
    projectName: `项目${projectId}`,
    indicatorName: `指标${id}`,
    agency: AGENCY,
  });

/** The app in miniature: alerts, an outbox, a daily sweep at 02:00 and one at the digest slot. */
class World {
  alerts = new Map<string, Alert>();
  pending: Notification[] = [];
  mails: Array<OutgoingMail & { at: number; kinds: string[] }> = [];

  constructor(readonly options: AlertPipelineOptions) {}

  store(r: { alert: Alert | null; changed: boolean; notifications: Notification[] }) {
    if (r.changed && r.alert) this.alerts.set(r.alert.id, r.alert);
    this.pending.push(...r.notifications);
  }
  evaluate(id: string, projectId: string, status: Status, now: number) {
    this.store(
      onEvaluation(this.alerts.get(id) ?? null, evaluation(status, { unit: unitOf(id, projectId) }), now, this.options),
    );
  }
  sweep(now: number) {
    for (const a of [...this.alerts.values()]) if (a.state === 'open') this.store(onSweep(a, now, this.options));
    this.flush(now + HOUR);
  }
  flush(now: number) {
    const r = flush(this.pending, (id) => this.alerts.get(id), now, this.options);
    this.pending = r.pending;
    for (const m of r.mails) {
      const d = r.digests.find((x) => x.id === m.digestId)!;
      this.mails.push({ ...m, at: now, kinds: d.notifications.map((n) => n.notice.kind) });
    }
  }
  /** Days of daily sweeps (02:00) plus the Monday 09:00 digest sweep. */
  run(from: number, days: number) {
    for (let d = 0; d < days; d++) {
      const day = from + d * DAY;
      this.sweep(day + 2 * HOUR);
      if (new Date(day + 8 * HOUR).getUTCDay() === 1) this.sweep(day + 9 * HOUR);
    }
  }
}

describe('the notification policy over weeks of sweeps', () => {
  it('each person gets at most one reminder digest a week, whatever the number of standing alerts', () => {
    const w = new World({
      ...base,
      policy: { ...DEFAULT_POLICY, defaults: { ...DEFAULT_POLICY.defaults, escalateAfterMs: 0 } },
    });
    // Wednesday: five alerts open for a@, two for b@.
    const wed = MONDAY + 2 * DAY + 10 * HOUR;
    for (const i of [1, 2, 3, 4, 5]) w.evaluate(`p1.i${i}`, 'p1', 'at_risk', wed);
    for (const i of [1, 2]) w.evaluate(`p2.i${i}`, 'p2', 'off_track', wed);
    w.flush(wed + HOUR);
    expect(w.mails.map((m) => [m.to, m.kinds.length])).toEqual([
      ['a@x.cn', 5],
      ['b@x.cn', 2],
    ]);
    w.mails = [];
    w.run(MONDAY + 3 * DAY, 7 * 6);
    const reminders = w.mails.filter((m) => m.kinds.every((k) => k === 'repeat'));
    expect(reminders).toEqual(w.mails); // nothing but reminders
    const perWeek = new Map<string, number>();
    for (const m of reminders) {
      const week = Math.floor((m.at - MONDAY) / (7 * DAY));
      perWeek.set(`${m.to} ${week}`, (perWeek.get(`${m.to} ${week}`) ?? 0) + 1);
      // at the digest slot: Monday 09:00 (+ the flush hour)
      expect(new Date(m.at).toISOString()).toMatch(/T02:00:00\.000Z$/);
      expect(new Date(m.at).getUTCDay()).toBe(1);
    }
    expect(Math.max(...perWeek.values())).toBe(1);
    // The first Monday is 5 days after they opened: too soon; then every week for 5 weeks.
    expect(reminders.filter((m) => m.to === 'a@x.cn')).toHaveLength(5);
    expect(reminders[0].subject).toBe('【每周提醒】5 项指标仍需关注');
  });

  it('an alert nobody acknowledges reaches the office people after escalate_after, once', () => {
    const w = new World(base);
    const mon = MONDAY + 10 * HOUR;
    w.evaluate('p1.x', 'p1', 'at_risk', mon);
    w.evaluate('p2.y', 'p2', 'at_risk', mon);
    w.alerts.set('p2.y', acknowledge(w.alerts.get('p2.y')!, mon + HOUR, 'b@x.cn'));
    w.flush(mon + HOUR);
    w.mails = [];
    w.run(MONDAY + DAY, 21);
    const office = w.mails.filter((m) => m.to === 'office@x.cn');
    expect(office.map((m) => m.kinds)).toEqual([['unacknowledged']]);
    expect(office[0].subject).toContain('【预警未确认】');
    expect(office[0].subject).toContain('指标p1.x');
    // 7 days after it opened, at the first sweep past the delay
    expect(office[0].at - mon).toBeGreaterThanOrEqual(7 * DAY);
    expect(office[0].at - mon).toBeLessThan(8 * DAY);
  });

  it('without office people of the agency the owners hear of it instead', () => {
    const w = new World({ ...base, officeOf: () => [] });
    w.evaluate('p1.x', 'p1', 'at_risk', MONDAY + 10 * HOUR);
    w.run(MONDAY + DAY, 8);
    expect(w.mails.filter((m) => m.kinds.includes('unacknowledged')).map((m) => m.to)).toEqual(['a@x.cn']);
  });

  it('routes: receivers and group wait by agency and status', () => {
    const policy = policyOf(
      [
        'routes:',
        `  - match: { agency: ${AGENCY}, status: off_track }`,
        '    receivers: [owners, office]',
        '    group_wait: 0',
      ].join('\n'),
    );
    const w = new World({ ...base, policy });
    const t = MONDAY + 10 * HOUR;
    w.evaluate('p1.x', 'p1', 'off_track', t);
    w.evaluate('p1.y', 'p1', 'at_risk', t);
    w.flush(t); // group_wait 0 for the off_track route: office and a@ at once
    expect(w.mails.map((m) => [m.to, m.kinds])).toEqual([
      ['a@x.cn', ['opened', 'opened']], // a@'s other notification joins the digest once one is ready
      ['office@x.cn', ['opened']],
    ]);
  });

  it('no data past its grace: one 缺报提醒 to the owners', () => {
    const w = new World(base);
    for (let d = 0; d < 10; d++) w.evaluate('p1.z', 'p1', 'no_data', MONDAY + d * DAY);
    w.flush(MONDAY + 11 * DAY);
    expect(w.mails.map((m) => [m.to, m.kinds, m.subject])).toEqual([
      ['a@x.cn', ['no_data'], '【缺报提醒】项目p1 · 指标p1.z：仍无数据，请及时报送'],
    ]);
  });

  it('a route without 缺报提醒 sends none and records nothing', () => {
    const w = new World({
      ...base,
      policy: policyOf('routes:\n  - match: { project: p1 }\n    no_data_reminder: false'),
    });
    for (let d = 0; d < 3; d++) w.evaluate('p1.z', 'p1', 'no_data', MONDAY + d * DAY);
    w.evaluate('p2.z', 'p2', 'no_data', MONDAY);
    w.flush(MONDAY + 4 * DAY);
    expect(w.mails.map((m) => m.to)).toEqual(['b@x.cn']);
    expect(w.alerts.has('p1.z')).toBe(false);
  });
});
