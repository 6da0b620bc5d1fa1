/**
 * Stable catalogue ids, readable in URLs: fiscal year + project name (+ indicator name
 * (+ part label)). Whitespace and punctuation are dropped (full-width too), so re-importing a
 * table whose cells gained a space or a different bracket keeps the same ids.
 *
 *   project    2019.工商行政管理业务费
 *   indicator  2019.工商行政管理业务费.案件办结率
 *   part       2019.工商行政管理业务费.会议培训的次数人数天数~期   (compound part label)
 *   budget     2019.工商行政管理业务费#budget                     (budget execution track)
 */

import { memoize } from './util/text';

/** Letters (any script), digits; everything else goes. NFKC folds full-width forms first. */
export const idSegment = memoize((text: string): string => text.normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ''));

export function projectId(fiscalYear: number, projectName: string): string {
  return `${fiscalYear}.${idSegment(projectName)}`;
}

export function indicatorId(fiscalYear: number, projectName: string, indicatorName: string): string {
  return `${projectId(fiscalYear, projectName)}.${idSegment(indicatorName)}`;
}

/** A compound part is tracked on its own; `labelOrIndex` is the part's label or its 1-based index. */
export function partId(indicatorIdValue: string, labelOrIndex: string | number): string {
  const seg = typeof labelOrIndex === 'number' ? String(labelOrIndex) : idSegment(labelOrIndex) || 'part';
  return `${indicatorIdValue}~${seg}`;
}

export function budgetTrackId(projectIdValue: string): string {
  return `${projectIdValue}#budget`;
}

/**
 * The same indicator (project, part or budget track) one fiscal year earlier: the year is the
 * id's first segment and every other segment comes from names, so last year's table gives the
 * same rest. Null for anything that does not start with a year.
 */
export function previousYearId(id: string): string | null {
  const m = /^(\d{4})\./.exec(id);
  return m ? `${Number(m[1]) - 1}${id.slice(4)}` : null;
}
