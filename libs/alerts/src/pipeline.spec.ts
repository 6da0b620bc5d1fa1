import type { Status } from '@iw/risk';
import { DAY, evaluation, T0, alertUnit } from '../test/fixtures';
import { onEvaluation, onSweep } from './pipeline';
import { flush } from './send';
import type { AlertPipelineOptions } from './pipeline';
import { ownersResolver } from './route';
import { acknowledge, silence } from './state-machine';
import type { Alert, Notification, UnitEvaluation } from './types';

const WAIT = 30_000;
const options: AlertPipelineOptions = {
  resolveOwners: ownersResolver({
    projects: { p1: ['owner@x.cn'] },
    indicators: { 'p1.b': ['other@x.cn'] },
    fallback: 'ops@x.cn',
  }),
  repeatIntervalMs: 7 * DAY,
  groupWaitMs: WAIT,
  publicUrl: 'http://127.0.0.1:3000',
  timeZone: 'Asia/Shanghai',
  from: 'Indicator Watch <noreply@iw.local>',
};

const unit = (id: string) => alertUnit({ id, indicatorId: id, projectId: 'p1', indicatorName: `指标${id}` });

/** The app's side in miniature: alerts by id and an outbox with a unique index on key. */
class World {
  alerts = new Map<string, Alert>();
  outbox = new Map<string, Notification & { state: 'pending' | 'sent' | 'muted' }>();
  rejectedDuplicates = 0;

  enqueue(notifications: Notification[]) {
    for (const n of notifications) {
      if (this.outbox.has(n.key)) this.rejectedDuplicates++;
      else this.outbox.set(n.key, { ...n, state: 'pending' });
    }
  }
  evaluate(id: string, status: Status, now: number, overrides: Partial<UnitEvaluation> = {}) {
    const r = onEvaluation(
      this.alerts.get(id) ?? null,
      evaluation(status, { unit: unit(id), ...overrides }),
      now,
      options,
      (k) => this.outbox.has(k),
    );
    if (r.changed && r.alert) this.alerts.set(id, r.alert);
    this.enqueue(r.notifications);
    return r;
  }
  sweep(now: number) {
    for (const alert of [...this.alerts.values()]) {
      const r = onSweep(alert, now, options, (k) => this.outbox.has(k));
      if (r.changed && r.alert) this.alerts.set(alert.id, r.alert);
      this.enqueue(r.notifications);
    }
  }
  flush(now: number) {
    const pending = [...this.outbox.values()].filter((n) => n.state === 'pending');
    const r = flush(pending, (id) => this.alerts.get(id), now, options);
    for (const { notification } of r.muted) this.outbox.get(notification.key)!.state = 'muted';
    for (const mail of r.mails) for (const key of mail.notificationKeys) this.outbox.get(key)!.state = 'sent';
    return r;
  }
}

describe('alert pipeline', () => {
  it('two alerts of one owner inside the group wait make one email', () => {
    const w = new World();
    w.evaluate('p1.a', 'at_risk', T0);
    w.evaluate('p1.c', 'off_track', T0 + 10_000);
    expect(w.flush(T0 + WAIT - 1).mails).toEqual([]);
    const r = w.flush(T0 + WAIT);
    expect(r.mails).toHaveLength(1);
    expect(r.mails[0]).toMatchObject({ to: 'owner@x.cn', from: options.from, subject: '【绩效预警】2 项指标需要关注' });
    expect(r.mails[0].messageId).toMatch(/^<iw\.[0-9a-f]{32}@iw\.local>$/);
    expect(w.flush(T0 + 2 * WAIT).mails).toEqual([]);
  });

  it('routes an indicator override to its own owner', () => {
    const w = new World();
    w.evaluate('p1.b', 'at_risk', T0);
    expect(w.flush(T0 + WAIT).mails.map((m) => m.to)).toEqual(['other@x.cn']);
  });

  it('enqueues nothing twice when an evaluation is replayed on the stored alert (crash before saving the alert)', () => {
    const w = new World();
    const first = onEvaluation(null, evaluation('at_risk', { unit: unit('p1.a') }), T0, options);
    w.enqueue(first.notifications);
    // The alert was not saved: the same evaluation runs again from scratch.
    w.evaluate('p1.a', 'at_risk', T0 + 1000);
    expect(w.outbox.size).toBe(1);
  });

  it('re-flushing the same pending set gives the same Message-ID', () => {
    const w = new World();
    w.evaluate('p1.a', 'at_risk', T0);
    const pending = [...w.outbox.values()];
    const a = flush(pending, (id) => w.alerts.get(id), T0 + WAIT, options).mails[0];
    const b = flush(pending, (id) => w.alerts.get(id), T0 + 5 * WAIT, options).mails[0];
    expect(b.messageId).toBe(a.messageId);
    expect(b.digestId).toBe(a.digestId);
  });

  it('walks a year: opened, repeat, escalated, ack stops repeats, achieved', () => {
    const w = new World();
    const subjects: Array<[number, string]> = [];
    const day = (d: number) => T0 + d * DAY;
    const step = (d: number, status?: Status) => {
      if (status) w.evaluate('p1.a', status, day(d));
      w.sweep(day(d));
      for (const m of w.flush(day(d) + WAIT).mails)
        subjects.push([d, m.subject.replace('食品药品安全监管 · 指标p1.a：', '')]);
    };
    step(0, 'at_risk');
    for (let d = 1; d <= 8; d++) step(d);
    step(9, 'off_track');
    w.alerts.set('p1.a', acknowledge(w.alerts.get('p1.a')!, day(10)));
    for (let d = 10; d <= 30; d++) step(d);
    step(31, 'achieved');
    expect(subjects).toEqual([
      [0, '【绩效预警】有可能无法完成'],
      [7, '【绩效预警】有可能无法完成（第 1 次提醒）'],
      [9, '【绩效预警】风险升级，不可能完成'],
      [31, '【目标达成】目标已达成'],
    ]);
    expect([...w.outbox.values()].every((n) => n.state === 'sent')).toBe(true);
  });

  it("a reminder tells the sweep's figures, which the alert keeps; no reminder due stores nothing", () => {
    const w = new World();
    w.evaluate('p1.a', 'at_risk', T0);
    const opened = w.alerts.get('p1.a')!;
    // Days later nothing happened; only the figures that follow the clock moved.
    const today = { ...opened.last, expected: 230, daysLeft: opened.last.daysLeft! - 3, reason: '应完成 230 批次' };
    const quiet = onSweep(opened, T0 + 3 * DAY, options, undefined, today);
    expect(quiet).toMatchObject({ changed: false, notifications: [] });

    const week = { ...today, expected: 250, daysLeft: opened.last.daysLeft! - 7 };
    const r = onSweep(opened, T0 + 7 * DAY, options, undefined, week);
    expect(r.changed).toBe(true);
    expect(r.alert!.last).toEqual(week);
    expect(r.notifications.map((n) => [n.notice.kind, n.notice.evaluation.expected])).toEqual([['repeat', 250]]);
    // Without a snapshot of its own the reminder tells what the alert kept.
    const kept = onSweep(opened, T0 + 7 * DAY, options);
    expect(kept.notifications[0].notice.evaluation).toEqual(opened.last);
  });

  it('a notification waiting in the group is muted when the owner silences the alert', () => {
    const w = new World();
    w.evaluate('p1.a', 'at_risk', T0);
    w.alerts.set('p1.a', silence(w.alerts.get('p1.a')!, T0 + DAY, T0 + 1000));
    const r = w.flush(T0 + WAIT);
    expect(r.mails).toEqual([]);
    expect(r.muted.map((m) => m.reason)).toEqual(['silenced']);
  });

  it('reports notices with no valid recipient', () => {
    const r = onEvaluation(null, evaluation('at_risk', { unit: unit('p1.a') }), T0, {
      ...options,
      resolveOwners: () => ['x\r\n@y'],
    });
    expect(r.notifications).toEqual([]);
    expect(r.unroutable).toHaveLength(1);
    expect(r.invalidAddresses).toEqual(['x\r\n@y']);
  });
});
