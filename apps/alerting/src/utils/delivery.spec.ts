import { transition, type Alert, type Notification, type UnitEvaluation } from '@iw/alerts';
import { realDelay, retryPlan, standing } from './delivery';

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
