import type { Status } from '@iw/risk';
import type { AlertSeverity, AlertUnit, Notice, NoticeKind, Notification, UnitEvaluation } from '../src/types';

/** Test data for the alert stages (also handy for the alerting app's tests). */

export const T0 = Date.parse('2019-04-12T10:30:00+08:00');
export const MINUTE = 60_000;
export const DAY = 86_400_000;

export function alertUnit(overrides: Partial<AlertUnit> = {}): AlertUnit {
  return {
    id: '2019.食品药品安全监管.汽油抽检批次',
    indicatorId: '2019.食品药品安全监管.汽油抽检批次',
    projectId: '2019.食品药品安全监管',
    projectName: '食品药品安全监管',
    indicatorName: '汽油抽检批次',
    targetText: '≥700批次',
    unit: '批次',
    ...overrides,
  };
}

const LIKELIHOOD: Record<Status, UnitEvaluation['likelihood']> = {
  on_track: '确定能',
  at_risk: '有可能',
  off_track: '不可能',
  achieved: null,
  missed: null,
  no_data: null,
  manual: null,
};

export function evaluation(status: Status, overrides: Partial<UnitEvaluation> = {}): UnitEvaluation {
  return {
    unit: alertUnit(),
    status,
    likelihood: LIKELIHOOD[status],
    actual: 180,
    expected: 196,
    forecast: 640,
    reason: '进度落后：应完成 196 批次，实际 180 批次',
    daysLeft: 263,
    deadline: '2019-12-31',
    ...overrides,
  };
}

/** A routed notification of any kind about unit `u<i>` (indicator 指标<i>), for rendering tests. */
export function notificationOf(
  kind: NoticeKind,
  i: number,
  severity: AlertSeverity | null = 'at_risk',
  recipient = 'a@x.cn',
): Notification {
  const unit = alertUnit({ id: `u${i}`, indicatorId: `u${i}`, indicatorName: `指标${i}` });
  const notice: Notice = {
    kind,
    alertId: unit.id,
    version: 1,
    at: new Date(T0).toISOString(),
    severity,
    ...(kind === 'repeat' ? { repeat: 3 } : {}),
    unit,
    evaluation: evaluation('at_risk'),
  };
  return { key: `${unit.id}|${kind}|${recipient}`, recipient, notice, createdAt: notice.at };
}
