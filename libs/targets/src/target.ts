/**
 * The shapes a 指标值 (target value) is read into — docs/domain.md. These types are the
 * contract between the target reader, the catalogue, the measures and the risk engine;
 * `iw targets parse --json` prints them as they are.
 */

export type ComparisonOp = '>=' | '>' | '<=' | '<' | '=';

export interface NumericTarget {
  kind: 'numeric';
  op: ComparisonOp;
  value: number;
  /** As written after the number (`万元`, `%`, `元/人/天`), not normalised; '' when none. */
  unit: string;
  /** A word before the number, e.g. 投诉率 in `投诉率≤2%`. */
  qualifier?: string;
  /** Label of a compound part (`县道≥95%` → 县道, `82台服务器` → 服务器). */
  label?: string;
}

export interface RangeTarget {
  kind: 'range';
  min: number;
  max: number;
  unit: string;
}

export interface DeadlineTarget {
  kind: 'deadline';
  /** Local date (YYYY-MM-DD) by which the indicator must be done. */
  by: string;
  /** A second acceptable reading (`X月前`: end of X-1, or end of X). */
  byAlternative?: string;
}

export interface WindowTarget {
  kind: 'window';
  from: string;
  to: string;
}

export interface CompoundTarget {
  kind: 'compound';
  parts: NumericTarget[];
}

export interface FormulaTarget {
  kind: 'formula';
  /** The stated result. */
  value: number;
  unit: string;
  expression: string;
  /** Whether the stated arithmetic holds. */
  consistent: boolean;
}

export interface QualitativeTarget {
  kind: 'qualitative';
  text: string;
}

export interface MissingTarget {
  kind: 'missing';
}

/** The periods a recurring target repeats over. */
export type RecurrenceEvery = 'week' | 'month' | 'quarter' | 'half-year' | 'year';

/**
 * Something to do every period: `每月2次`, `每季度至少1次`, `1次/月`, `每月10日前`, `按季度报送`.
 * Tracked period by period, each with its own window and deadline.
 */
export interface RecurringTarget {
  kind: 'recurring';
  every: RecurrenceEvery;
  /** Occurrences per period (`每月2次` → 2); null when only the frequency or a due day is written. */
  count: number | null;
  /** How a period's count compares with `count` (`至少`, `≥`, `以上` → `>=`); null without a count. */
  op: '>=' | '=' | null;
  /** Day of the period by which it is due (`每月10日前` → 10; quarters and half-years count from their first day); null when none. */
  dueDay: number | null;
}

/**
 * A change against the previous year: `较上年增长10%` (change 10), `同比下降5%` (-5),
 * `不低于上年` (>= 0). `op` compares this year's change with `change`: `较上年增长10%` asks
 * for a change of at least +10 %, `同比下降5%` for at most -5 %.
 */
export interface RelativeTarget {
  kind: 'relative';
  op: ComparisonOp;
  /** Signed: growth positive, decline negative. */
  change: number;
  /** `%` for a relative change; else the unit of an absolute one (`较上年增加50人` → 人). */
  unit: string;
  base: 'previous_year';
  /** Last year's value when given at import (a 上年实际完成值 column, or `--baselines`). */
  baseline?: number;
}

export type Target =
  | NumericTarget
  | RangeTarget
  | DeadlineTarget
  | WindowTarget
  | CompoundTarget
  | FormulaTarget
  | QualitativeTarget
  | MissingTarget
  | RecurringTarget
  | RelativeTarget;

export type TargetKind = Target['kind'];

export type TableKind = '项目支出绩效目标表' | '部门整体支出绩效目标表';

export interface Funds {
  total: number | null;
  fiscal: number | null;
  other: number | null;
  unit: '万元';
}

/** 部门整体 tables: the year's budget by nature of expenditure (按支出性质分). */
export interface FundsByNature {
  /** 基本支出 (staff and running costs). */
  basic: number | null;
  /** 项目支出. */
  project: number | null;
  unit: '万元';
}

/** 部门整体 tables: one of the year's main tasks (年度主要任务) with its budget. */
export interface MainTask {
  name: string;
  /** 主要内容, '' when none. */
  content: string;
  /** 预算金额 (总额), in 万元; null when none is given. */
  amount: number | null;
  fiscal: number | null;
  other: number | null;
}

export interface ParsedIndicator {
  /** Stable id: fiscal year + project + indicator name, readable in URLs. */
  id: string;
  /** Worksheet of a workbook; the line is a row number within it. */
  sheet?: string;
  line: number;
  level1: string;
  level2: string;
  name: string;
  /**
   * The cell as written, trimmed. In the split-column template (指标性质 | 指标值 | 度量单位)
   * the three cells joined as the table shows them: `≥` `240` `场` → `≥240场`.
   */
  value: string;
  target: Target;
  /** 指标值说明 / 指标解释, when the table has such a column. */
  note?: string;
  /** 权重 / 分值, when the table has such a column. */
  weight?: number;
}

export interface ParsedProject {
  /** Stable id: fiscal year + project name. */
  id: string;
  name: string;
  tableKind: TableKind;
  budgetUnit: string;
  /** The file within a folder of tables (see mergeCatalogues). */
  file?: string;
  sheet?: string;
  line: number;
  funds: Funds;
  /** 部门整体 tables: 按支出性质分 (基本支出 / 项目支出), when given. */
  fundsByNature?: FundsByNature;
  goal: string;
  /** 部门整体 tables: 部门职能概述, when given. */
  functions?: string;
  /** 部门整体 tables: 年度主要任务 with their amounts, when given. */
  tasks?: MainTask[];
  indicators: ParsedIndicator[];
}

export type Severity = 'error' | 'warning' | 'info';

export interface Problem {
  /** The file within a folder of tables (see mergeCatalogues). */
  file?: string;
  /** Worksheet of a workbook; the line is a row number within it. */
  sheet?: string;
  line: number;
  severity: Severity;
  message: string;
}

export interface ParsedCatalogue {
  fiscalYear: number;
  projects: ParsedProject[];
  problems: Problem[];
  /** A workbook's sheets in workbook order (problems and projects sort by sheet, then line). */
  sheets?: string[];
}
