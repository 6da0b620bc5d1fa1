import { alertUnit, evaluation as evaluationOf } from '../test/fixtures';
import { mailDomain, messageId } from './dedup';
import type { AlertPipelineOptions } from './pipeline';
import { onEvaluation } from './pipeline';
import { DEFAULT_POLICY, parsePolicy } from './policy';
import { ownersResolver } from './route';
import {
  batch,
  due,
  dueGroups,
  flush,
  nextWakeUp,
  realDelay,
  render,
  REREAD_AFTER_MS,
  retryPlan,
  standing,
  stillWaiting,
  waitingAfter,
  type BatchOptions,
} from './send';
import { transition } from './state-machine';
import type { Alert, Notification, UnitEvaluation } from './types';

const T0 = Date.parse('2019-06-15T10:00:00+08:00');
const atRisk: UnitEvaluation = {
  unit: {
    id: 'p.a',
    indicatorId: 'p.a',
    projectId: 'p',
    projectName: '项目',
    indicatorName: '指标',
    targetText: '≥700批次',
    unit: '批次',
  },
  status: 'at_risk',
  likelihood: '有可能',
  actual: 100,
  expected: 318,
  forecast: 220,
  reason: '进度落后',
  daysLeft: 199,
  deadline: '2019-12-31',
};
const opened = transition(null, atRisk, T0);
const alert = opened.alert!;
const notificationOf = (kind: Notification['notice']['kind'], version: number): Notification => ({
  key: `k-${kind}-${version}`,
  recipient: 'owner@x.cn',
  createdAt: new Date(T0).toISOString(),
  notice: { ...opened.notices[0], kind, version },
});
const acked: Alert = {
  ...alert,
  version: 2,
  acknowledgedAt: new Date(T0).toISOString(),
  history: [
    ...alert.history,
    {
      at: new Date(T0).toISOString(),
      version: 2,
      change: 'acknowledged',
      state: 'open',
      severity: 'at_risk',
      status: 'at_risk',
    },
  ],
};

describe('standing', () => {
  it.each([
    ['the change the alert recorded at that version', notificationOf('opened', 1), alert, 'ok'],
    [
      'no alert stored yet (its write is in flight or will be replayed)',
      notificationOf('opened', 1),
      undefined,
      'unsaved',
    ],
    ['an alert still below the version', notificationOf('escalated', 2), alert, 'unsaved'],
    ['another change won that version (an ack)', notificationOf('escalated', 2), acked, 'superseded'],
    [
      'a version gone from the bounded history',
      notificationOf('opened', 1),
      { ...acked, history: acked.history.slice(1) },
      'ok',
    ],
  ] as const)('%s → %s', (_name, n, a, expected) => {
    expect(standing(n, a)).toBe(expected);
  });
});

describe('retryPlan', () => {
  const options = { baseMs: 1000, maxMs: 60_000, jitter: 0.2 };
  const noJitter = () => 0;
  it.each([
    ['first transient failure', 0, true, 1, 1000, false],
    ['third transient failure doubles twice', 2, true, 3, 4000, false],
    ['transient failures stop growing at the cap', 20, true, 21, 60_000, false],
    ['a permanent failure waits the longest and is still retried', 0, false, 1, 60_000, true],
  ] as const)('%s', (_name, previous, transient, attempts, delay, permanent) => {
    expect(retryPlan(previous, { transient }, 5_000, options, noJitter)).toEqual({
      attempts,
      nextAttemptAt: 5_000 + delay,
      permanent,
    });
  });

  it('takes jitter off the delay, never adds it', () => {
    expect(retryPlan(0, { transient: true }, 0, options, () => 1).nextAttemptAt).toBe(800);
  });
});

describe('realDelay', () => {
  it.each([
    ['real time', 30_000, 0, 1, 30_000],
    ['a day per second', 86_400_000, 0, 86_400, 1000],
    ['already due', 0, 5000, 1, 0],
  ])('%s', (_name, at, now, speed, expected) => {
    expect(realDelay(at, now, speed)).toBe(expected);
  });
});

describe('due', () => {
  it('keeps what stands, sets the superseded aside and lets the unsaved wait', () => {
    const ok = notificationOf('opened', 1);
    const superseded = { ...notificationOf('escalated', 2), key: 'sup' };
    const unsaved = { ...notificationOf('escalated', 3), key: 'wait' };
    const r = due([ok, superseded, unsaved], () => acked);
    expect(r.ready.map((n) => n.key)).toEqual([ok.key]);
    expect(r.superseded.map((n) => n.key)).toEqual(['sup']);
  });
});

describe('batch → render: one rendering, at send time, equal to the all-at-once flush', () => {
  const HOUR = 3_600_000;
  const options: AlertPipelineOptions = {
    resolveOwners: ownersResolver({ projects: {}, indicators: {}, fallback: 'a@x.cn' }),
    repeatIntervalMs: 0,
    groupWaitMs: HOUR,
    publicUrl: 'http://localhost:3000',
    timeZone: 'Asia/Shanghai',
    from: 'Indicator Watch <iw@iw.test>',
  };
  const alerts = new Map<string, Alert>();
  const pending: Notification[] = [];
  for (const [i, id] of ['p.a', 'p.b', 'p.c'].entries()) {
    const r = onEvaluation(
      null,
      evaluationOf('at_risk', { unit: alertUnit({ id, indicatorId: id }) }),
      T0 + i * 1000,
      options,
    );
    alerts.set(id, r.alert!);
    pending.push(...r.notifications);
  }
  const alertOf = (id: string) => alerts.get(id);

  it('dueGroups: nobody inside the group wait, the recipient once it is over, without reading alerts', () => {
    expect(dueGroups(pending, T0 + HOUR - 1, options)).toEqual({ recipients: new Set(), nextFlushAt: T0 + HOUR });
    expect(dueGroups(pending, T0 + HOUR, options)).toEqual({ recipients: new Set(['a@x.cn']), nextFlushAt: null });
  });

  it.each([
    ['all standing', () => alertOf],
    ['the first alert acknowledged (muted)', () => (id: string) => (id === 'p.a' ? acked : alertOf(id))],
    ['the first alert not yet written (unsaved)', () => (id: string) => (id === 'p.a' ? undefined : alertOf(id))],
  ])('dueGroups never misses a group batch would send: %s', (_name, alerts) => {
    const of = alerts();
    let sends = 0;
    for (const at of [T0, T0 + HOUR - 1, T0 + HOUR, T0 + HOUR + 1000, T0 + 2 * HOUR])
      for (const mailedAt of [null, T0 - HOUR, T0 + HOUR / 2]) {
        const spaced = { ...options, groupIntervalMs: HOUR };
        const sent = batch(due(pending, of).ready, of, at, spaced, () => mailedAt).digests.map((d) => d.recipient);
        const may = dueGroups(pending, at, spaced, () => mailedAt).recipients;
        for (const r of sent) expect(may.has(r)).toBe(true);
        sends += sent.length;
      }
    expect(sends).toBeGreaterThan(0);
  });

  it('groups nothing inside the group wait and says when it is due', () => {
    const b = batch(pending, alertOf, T0 + HOUR - 1, options);
    expect(b.claims).toEqual([]);
    expect(b.nextFlushAt).toBe(T0 + HOUR);
  });

  it('claims each digest under the Message-ID its id gives, and renders the same mail from the claim in any order', () => {
    const b = batch(pending, alertOf, T0 + HOUR, options);
    expect(b.claims).toHaveLength(1);
    const [claim] = b.claims;
    expect(claim.messageId).toBe(messageId(claim.digestId, mailDomain(options.from)));
    expect(claim.keys).toEqual(pending.map((n) => n.key));
    const [whole] = flush(pending, alertOf, T0 + HOUR, options).mails;
    const mail = render(claim, [...pending].reverse(), options);
    expect(mail).toEqual(whole);
  });

  it('holds a person mailed within the group interval (from the policy or IW_GROUP_INTERVAL) until it has passed', () => {
    const spaced = { ...options, groupIntervalMs: 2 * HOUR };
    const mailedAt = T0;
    const held = batch(pending, alertOf, T0 + HOUR, spaced, () => mailedAt);
    expect(held.claims).toEqual([]);
    expect(held.pending).toHaveLength(pending.length);
    expect(held.nextFlushAt).toBe(mailedAt + 2 * HOUR);
    expect(batch(pending, alertOf, mailedAt + 2 * HOUR, spaced, () => mailedAt).claims).toHaveLength(1);
    expect(batch(pending, alertOf, T0 + HOUR, options, () => mailedAt).claims).toHaveLength(1);
    const policy = parsePolicy('defaults:\n  group_wait: 1h\n  group_interval: 3h\n').policy!;
    expect(batch(pending, alertOf, T0 + HOUR, { ...spaced, policy }, () => mailedAt).nextFlushAt).toBe(
      mailedAt + 3 * HOUR,
    );
  });

  it('keeps a stored Message-ID when re-sending', () => {
    const b = batch(pending, alertOf, T0 + HOUR, options);
    expect(render({ ...b.claims[0], messageId: '<kept@iw.test>' }, pending, options).messageId).toBe('<kept@iw.test>');
  });
});

describe('nextWakeUp', () => {
  const base = { pollMs: 5000, nextFlushAt: null, domainNow: 0, speed: 1, nextAttemptAt: null, realNow: 0 };
  it.each([
    ['nothing due: the poll', base, 5000],
    ['a group due in 2 s', { ...base, nextFlushAt: 2000 }, 2000],
    ['a group due in a simulated day at a day per second', { ...base, nextFlushAt: 86_400_000, speed: 86_400 }, 1000],
    ['a retry due in 300 ms', { ...base, nextAttemptAt: 300 }, 300],
    ['a retry overdue', { ...base, nextAttemptAt: -50, nextFlushAt: 4000 }, 0],
  ])('%s → %i ms', (_name, input, ms) => expect(nextWakeUp(input)).toBe(ms));
});

describe('waitingAfter and stillWaiting', () => {
  const opts: BatchOptions = { groupWaitMs: 30_000, groupIntervalMs: 300_000, maxPerDigest: 50, from: 'iw@iw.test' };
  const quiet = { stamp: '3:100:k3', pending: 3, ready: 3, superseded: 0, muted: 0, claims: 0 };
  const left = waitingAfter(quiet, 10_000, opts, 0)!;

  it.each([
    ['a mail went out', { claims: 1 }],
    ['one was muted', { muted: 1 }],
    ['one was superseded', { superseded: 1 }],
    ["one waits for its alert's write", { ready: 2 }],
  ])('remembers nothing when %s', (_name, change) => {
    expect(waitingAfter({ ...quiet, ...change }, 10_000, opts, 0)).toBeNull();
  });

  it.each<[string, Parameters<typeof stillWaiting>, boolean]>([
    ['the same set before its group is due', [left, '3:100:k3', opts, 9_999, 1_000], true],
    [
      'nothing waits on time and nothing changed',
      [{ ...left, nextFlushAt: null }, '3:100:k3', opts, 1e12, 1_000],
      true,
    ],
    ['its group is due', [left, '3:100:k3', opts, 10_000, 1_000], false],
    ['another notification came', [left, '4:120:k4', opts, 5_000, 1_000], false],
    ['no pass remembered', [null, '3:100:k3', opts, 5_000, 1_000], false],
    ['the group wait changed', [left, '3:100:k3', { ...opts, groupWaitMs: 0 }, 5_000, 1_000], false],
    ['the policy was reloaded', [left, '3:100:k3', { ...opts, policy: DEFAULT_POLICY }, 5_000, 1_000], false],
    ['long enough ago to read again anyway', [left, '3:100:k3', opts, 5_000, REREAD_AFTER_MS], false],
  ])('%s → %s', (_name, args, expected) => expect(stillWaiting(...args)).toBe(expected));
});
