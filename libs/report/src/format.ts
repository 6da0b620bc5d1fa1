import type { Progress, TrackedUnit } from '@iw/measures';
import { targetUnit } from '@iw/measures';
import { shownStatus, type Evaluation, type Status } from '@iw/risk';

/** At most two decimals, no grouping: how figures read in the form and on the dashboard. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  const r = Math.round(n * 100) / 100;
  return Object.is(r, -0) ? '0' : String(r);
}

export function formatValue(n: number | null, unit: string): string {
  return n === null ? '' : `${formatNumber(n)}${unit}`;
}

/** 执行情况 of one unit: its actual in the target's unit, a milestone's date, an assessment's words. */
export function executionText(unit: TrackedUnit, progress: Progress | null): string {
  if (unit.measure === 'assessment' || (progress?.assessment && progress.eventCount === 0))
    return assessmentText(progress);
  if (!progress || progress.eventCount === 0) return '暂无数据';
  switch (unit.measure) {
    case 'milestone':
      return progress.done ? `已完成${progress.doneAt ? `（${progress.doneAt.slice(0, 10)}）` : ''}` : '未完成';
    default:
      return progress.actual === null ? '暂无数据' : formatValue(progress.actual, targetUnit(unit.target));
  }
}

function assessmentText(progress: Progress | null): string {
  const a = progress?.assessment;
  return a ? `${a.text || '（无说明）'}（人工评估：${a.likelihood}）` : '待人工评估';
}

const FORECAST_WORDS: Readonly<Record<Status, string>> = {
  on_track: '预计能完成',
  at_risk: '存在不能完成的风险',
  off_track: '预计不能完成',
  achieved: '已完成',
  missed: '未完成',
  no_data: '暂无数据',
  manual: '待人工评估',
};

/** 全年预计完成情况: the projected value where the measure has one, else the verdict in words. */
export function forecastText(unit: TrackedUnit, evaluation: Evaluation): string {
  if (evaluation.forecast !== null && unit.measure !== 'milestone' && unit.measure !== 'assessment') {
    return formatValue(evaluation.forecast, targetUnit(unit.target));
  }
  // No data: 暂无数据, never 预计能完成.
  return FORECAST_WORDS[shownStatus(evaluation.status, evaluation.likelihood)];
}

/** A compound part's line: `县道 96%`, or just `10期` when the label is the unit. */
export function partLine(unit: TrackedUnit, text: string): string {
  const label = unit.part ?? '';
  return !label || text.includes(label) ? text : `${label} ${text}`;
}
