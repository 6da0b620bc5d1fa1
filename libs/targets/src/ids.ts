/**
 * Stable catalogue ids, readable in URLs: fiscal year + agency (预算单位) + project name
 * (+ indicator name (+ part label)). Whitespace and punctuation are dropped (full-width too),
 * so re-importing a table whose cells gained a space or a different bracket keeps the same ids;
 * two agencies' projects of the same name get different ids.
 *
 *   project    2019.某局.工商行政管理业务费
 *   indicator  2019.某局.工商行政管理业务费.案件办结率
 *   part       2019.某局.工商行政管理业务费.会议培训的次数人数天数~期   (compound part label)
 *   budget     2019.某局.工商行政管理业务费#budget                     (budget execution track)
 *
 * Ids before agencies had no agency segment (`2019.工商行政管理业务费`): `legacyProjectId`
 * gives that form, and an import migrates stored legacy ids to these (catalogue-migration.ts).
 */

import { memoize } from './util/text';

/** Letters (any script), digits; everything else goes. NFKC folds full-width forms first. */
export const idSegment = memoize((text: string): string => text.normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, ''));

/** The agency's id segment; a table that names no 预算单位 gets `未填单位`. */
export function agencySegment(budgetUnit: string): string {
  return idSegment(budgetUnit) || NO_AGENCY_SEGMENT;
}

export const NO_AGENCY_SEGMENT = '未填单位';

export function projectId(fiscalYear: number, agency: string, projectName: string): string {
  return `${fiscalYear}.${agencySegment(agency)}.${idSegment(projectName)}`;
}

export function indicatorId(fiscalYear: number, agency: string, projectName: string, indicatorName: string): string {
  return `${projectId(fiscalYear, agency, projectName)}.${idSegment(indicatorName)}`;
}

/** A project's id as it was before ids carried the agency (only to migrate stored data). */
export function legacyProjectId(fiscalYear: number, projectName: string): string {
  return `${fiscalYear}.${idSegment(projectName)}`;
}

/**
 * `id` with its project prefix `from` replaced by `to`, when `id` is that project's id or one
 * of its indicators, parts or budget track (`from` then `.`, `~` or `#`); otherwise null
 * (`from_2` is another project).
 */
export function reprefixId(id: string, from: string, to: string): string | null {
  if (id === from) return to;
  if (id.startsWith(from) && '.~#'.includes(id.charAt(from.length))) return to + id.slice(from.length);
  return null;
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
