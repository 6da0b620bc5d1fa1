import type { JudgedProgress, Likelihood } from '@iw/measures';

/** The status scale (docs/domain.md). */
export type Status = 'on_track' | 'at_risk' | 'off_track' | 'achieved' | 'missed' | 'no_data' | 'manual';

export const STATUSES: readonly Status[] = [
  'on_track',
  'at_risk',
  'off_track',
  'achieved',
  'missed',
  'no_data',
  'manual',
];

/** Final statuses: reached at or after the deadline / period end, or a `>=` target reached early. */
export function isFinal(status: Status): boolean {
  return status === 'achieved' || status === 'missed';
}

/** Statuses an alert is open for. */
export function isAlerting(status: Status): boolean {
  return status === 'at_risk' || status === 'off_track';
}

/**
 * Whether a unit has any data: an event counted, a milestone done, or a person's assessment.
 * Without data nothing can be certain (below).
 */
export function hasData(
  progress: Pick<JudgedProgress, 'eventCount' | 'done' | 'assessment'> | null | undefined,
): boolean {
  return !!progress && (progress.eventCount > 0 || progress.done === true || !!progress.assessment);
}

/**
 * 完成目标可能性 for a status. `achieved`/`missed` map to 确定能/不可能 so the 绩效监控表 column
 * is never blank for a decided indicator; `no_data`/`manual` have none. A unit without data is
 * never 确定能: `on_track` without data (the grace period, a deadline still far off, a window not
 * yet open, a cap nothing was spent against) has none (暂无) — its status stays `on_track` for
 * alerting (no alert, no 缺报提醒), but it is shown as 暂无数据 (shownStatus).
 */
export function likelihoodOf(status: Status, withData = true): Likelihood | null {
  switch (status) {
    case 'on_track':
      return withData ? '确定能' : null;
    case 'achieved':
      return '确定能';
    case 'at_risk':
      return '有可能';
    case 'off_track':
    case 'missed':
      return '不可能';
    default:
      return null;
  }
}

/** The status a manual assessment stands for. */
export function statusOfLikelihood(likelihood: Likelihood): Status {
  return likelihood === '确定能' ? 'on_track' : likelihood === '有可能' ? 'at_risk' : 'off_track';
}

/** Chinese labels shared by emails and the UI; at_risk reads as the email subject's tail. */
export const STATUS_LABELS: Readonly<Record<Status, string>> = {
  on_track: '确定能完成',
  at_risk: '有可能无法完成',
  off_track: '不可能完成',
  achieved: '已完成',
  missed: '未完成',
  no_data: '暂无数据',
  manual: '待人工评估',
};

/** The status a person is shown: `on_track` without a 完成目标可能性 (no data yet) reads 暂无数据, never 确定能. */
export function shownStatus(status: Status, likelihood: Likelihood | null): Status {
  return status === 'on_track' && likelihood === null ? 'no_data' : status;
}
