/**
 * Rows → tables of raw indicators (name + 指标值 as written, levels resolved). Positions
 * in a PDF dump are unreliable, so a body row is read by what its cells say:
 *
 * - level cells are recognised by vocabulary wherever they stand; blank level cells
 *   (merged cells) carry the level above forward; level-1 follows from level-2;
 * - non-vocabulary text standing before a level cell is a garbage level cell (OCR);
 * - the first remaining cell is the indicator name, the last the value;
 * - a row with one text cell is a fragment: a wrapped name or value, joined to its
 *   neighbour, or an indicator without a value;
 * - every non-blank row ends up as structure, an indicator, or a reported problem.
 */
import type { Funds, FundsByNature, MainTask, Problem, Severity, TableKind } from '../target';
import type { SourceRow } from '../rows/source-row';
import { nfkc } from '../util/text';
import { opSymbol } from '../describe';
import { OPERATOR_WORDS } from '../value/lexicon';
import { normalizeValueText } from '../value/normalize';
import { isMeasurable, peekTarget } from '../value/read-target';
import {
  cellsOf,
  classifyRow,
  key,
  parseAmount,
  readTaskColumns,
  type Cell,
  type FundsField,
  type HeaderRole,
  type RowKind,
  type TaskColumn,
} from './row-kinds';
import { level1For, levelOf, vocabularyOf, type Family, type LevelMatch, type Vocabulary } from './vocabulary';

export interface RawIndicator {
  sheet?: string;
  line: number;
  level1: string;
  level2: string;
  name: string;
  /** The 指标值 cell as written (joined when it was wrapped over lines; with its 指标性质 and 度量单位 cells). */
  value: string;
  /** 指标值说明 / 指标解释 column. */
  note?: string;
  /** 权重 / 分值 column. */
  weight?: number;
  /** 上年实际完成值 (or 基期值) column: the base of a year-on-year target. */
  baseline?: number;
}

export interface RawTable {
  sheet?: string;
  line: number;
  tableKind: TableKind;
  /** True when a title row named the kind; else it was assumed. */
  titled: boolean;
  budgetUnit: string;
  projectName: string;
  funds: Funds;
  fundsByNature?: FundsByNature;
  goal: string;
  functions?: string;
  tasks?: MainTask[];
  indicators: RawIndicator[];
  /** A year written in the title (`2019年度项目支出绩效目标表`, `（2019年度）`). */
  titleYear?: number;
}

export interface TableReading {
  tables: RawTable[];
  problems: Problem[];
  /** Worksheet names in workbook order (none for text). */
  sheets: string[];
}

/** Whether a sheet holds a target table: a title, a 项目名称/部门名称, or a header with a 指标值 column. */
function isTargetSheet(rows: SourceRow[]): boolean {
  return rows.some((r) => {
    const k = classifyRow(cellsOf(r.cells));
    if (k.kind === 'title') return true;
    if (k.kind === 'meta')
      return k.fields.some((f) => (f.field === 'projectName' || f.field === 'department') && f.value);
    return k.kind === 'header' && [...k.columns.values()].includes('value');
  });
}

/** Consecutive rows of one sheet. */
function bySheet(rows: SourceRow[]): Array<{ sheet?: string; rows: SourceRow[] }> {
  const out: Array<{ sheet?: string; rows: SourceRow[] }> = [];
  for (const r of rows) {
    const last = out[out.length - 1];
    if (last && last.sheet === r.sheet) last.rows.push(r);
    else out.push({ sheet: r.sheet, rows: [r] });
  }
  return out;
}

/** An indicator row in progress; level-1 may wait for the table's vocabulary. */
interface Pending extends RawIndicator {
  level1Family?: Family;
  nameCol: number;
}

/** What the split-column template's other columns said about a row. */
interface Extras {
  note?: string;
  weight?: number;
  baseline?: number;
}

interface Fragment {
  text: string;
  line: number;
  col: number;
  /** The body line read before this fragment (to tell a continuation from a new name). */
  afterLine: number;
  level1: string;
  level1Family?: Family;
  level2: string;
}

interface TableState {
  table: RawTable;
  rows: Pending[];
  phase: 'head' | 'body';
  inGoal: boolean;
  /** Inside a 年度主要任务 block (部门整体 tables): its rows are tasks. */
  inTasks: boolean;
  /** The tasks block's columns, from its header row(s). */
  taskColumns?: { columns: Map<number, TaskColumn>; amountIn: Map<number, boolean>; unitYuan: boolean };
  /** Inside a 部门职能概述 block. */
  inFunctions: boolean;
  /** The previous row was funds: weak labels (合计, 其他) continue the block. */
  inFunds: boolean;
  /** 一般公共预算 + 政府性基金 …: the 财政拨款 when the table gives no such line. */
  fiscalParts?: number;
  header?: Map<number, HeaderRole>;
  headerSeen: boolean;
  /** Funds labels waiting for the amounts on the next row, by column. */
  fundsColumns?: Array<{ field: FundsField; col: number }>;
  fundsSeen: boolean;
  level1: string;
  level1Family?: Family;
  /** Family unknown for a level written outside the known vocabulary. */
  level2?: { term: string; family?: Family };
  level1Terms: string[];
  customLevels: boolean;
  fragment?: Fragment;
  lastBodyLine: number;
  metaLines: number;
  noLevelWarned: boolean;
  /** Messages that name the inferred level-1, written once the vocabulary is known. */
  inferred: Array<{ line: number; family: Family; why: (level1: string) => string }>;
}

const CONTINUES_AFTER = /[、，,和及与或的（(\-/:：]$/u;
const CONTINUES_BEFORE = /^[、，,）)和及与或的等]/u;

/** A cell that reads as a target value rather than a name (`≥30个`, not `12315电话呼出费`). */
export function valueLike(text: string): boolean {
  const t = peekTarget(text, 2000).target;
  if (!isMeasurable(t)) return false;
  if (t.kind === 'numeric') return Array.from(t.qualifier ?? '').length <= 8 && Array.from(t.unit).length <= 6;
  // `每月开展安全检查` names an indicator; `每月2次`, `每月10日前`, `按季度报送` are values.
  if (t.kind === 'recurring') return t.count !== null || t.dueDay !== null || Array.from(text).length <= 6;
  return true;
}

/** Cells that say "no unit" / "no direction". */
const NOTHING = /^(?:[-—–/\\]+|无|空)$/;

const DIRECTION_WORDS = new Map<string, string>([
  ...OPERATOR_WORDS.map(([w, op]) => [w, opSymbol(op) || '='] as [string, string]),
  ['正向', '≥'],
  ['正向指标', '≥'],
  ['越大越好', '≥'],
  ['反向', '≤'],
  ['反向指标', '≤'],
  ['越小越好', '≤'],
]);
const NO_DIRECTION = /^(?:定性|定量|定性指标|定量指标)$/;

/**
 * A 指标性质 / 指标方向 cell: the operator to put before the value (a symbol as written, a
 * word as its symbol), '' for 定性/定量 or an empty mark, undefined for anything else.
 */
export function directionOf(text: string): string | undefined {
  const t = text.trim();
  const k = normalizeValueText(t);
  if (!k || NOTHING.test(k) || NO_DIRECTION.test(k)) return '';
  if (/^[≥≤<>=]$/.test(k) || /^(?:>=|<=)$/.test(t)) return t;
  return DIRECTION_WORDS.get(k);
}

/** A value that is only a number, maybe after an operator: a 度量单位 cell completes it. */
const BARE_NUMBER = /^[≥≤<>=]?-?\d+(?:\.\d+)?$/;

/**
 * 指标性质 + 指标值 + 度量单位 as the table shows them together (`≥` `240` `场` → `≥240场`):
 * the operator only before a number that has none, the unit only after a bare number.
 */
export function joinValue(direction: string, value: string, unit: string): string {
  let out = value;
  if (direction && /^\d/.test(nfkc(out).trim())) out = direction + out;
  if (unit && BARE_NUMBER.test(normalizeValueText(out))) out += unit;
  return out;
}

const join = (a: string, b: string) => (/[\x21-\x7e]$/.test(a) && /^[\x21-\x7e]/.test(b) ? `${a} ${b}` : a + b);

function emptyFunds(): Funds {
  return { total: null, fiscal: null, other: null, unit: '万元' };
}

export class TableReader {
  private tables: RawTable[] = [];
  private problems: Problem[] = [];
  private t?: TableState;
  private docVocabulary?: Vocabulary;
  /** The sheet being read (workbooks). */
  private sheet?: string;

  constructor(
    private readonly rows: SourceRow[],
    private readonly fallbackVocabulary: () => Vocabulary,
  ) {}

  read(): TableReading {
    const sheets: string[] = [];
    const groups = bySheet(this.rows).filter((g) => {
      if (g.sheet === undefined) return true;
      sheets.push(g.sheet);
      const first = g.rows.find((r) => r.cells.some((c) => c.trim()));
      if (!first || isTargetSheet(g.rows)) return !!first;
      const message = `sheet 「${g.sheet}」 holds no target table (no 绩效目标表 title, 项目名称 or 指标值 header); skipped`;
      this.problem(first.line, 'info', message, g.sheet);
      return false;
    });
    const level1Terms: string[] = [];
    for (const g of groups)
      for (const r of g.rows)
        for (const c of r.cells) if (c && c.length <= 12) level1Terms.push(levelOf(c)?.term ?? '');
    this.docVocabulary = vocabularyOf(level1Terms);
    for (const g of groups) {
      // A table never runs on from one sheet into the next.
      if (g.sheet !== this.sheet) this.close();
      this.sheet = g.sheet;
      for (const row of g.rows) this.row(row);
    }
    this.close();
    this.mergePageBreaks();
    const order = new Map(sheets.map((name, i) => [name, i]));
    const rank = (p: Problem) => (p.sheet === undefined ? -1 : (order.get(p.sheet) ?? -1));
    this.problems.sort((a, b) => rank(a) - rank(b) || a.line - b.line);
    return { tables: this.tables, problems: this.problems, sheets };
  }

  private problem(line: number, severity: Severity, message: string, sheet = this.sheet) {
    this.problems.push(sheet === undefined ? { line, severity, message } : { sheet, line, severity, message });
  }

  // ---- tables -------------------------------------------------------------

  private open(line: number, tableKind?: TableKind, year?: number) {
    this.close();
    this.t = {
      table: {
        ...(this.sheet === undefined ? {} : { sheet: this.sheet }),
        line,
        tableKind: tableKind ?? '项目支出绩效目标表',
        titled: !!tableKind,
        budgetUnit: '',
        projectName: '',
        funds: emptyFunds(),
        goal: '',
        indicators: [],
        titleYear: year,
      },
      rows: [],
      phase: 'head',
      inGoal: false,
      inTasks: false,
      inFunctions: false,
      inFunds: false,
      headerSeen: false,
      fundsSeen: false,
      level1: '',
      level1Terms: [],
      customLevels: false,
      lastBodyLine: 0,
      metaLines: 0,
      noLevelWarned: false,
      inferred: [],
    };
  }

  private close() {
    const t = this.t;
    if (!t) return;
    this.flushFragment();
    const vocabulary = vocabularyOf(t.level1Terms) ?? this.docVocabulary ?? this.fallbackVocabulary();
    for (const p of t.rows) {
      const level1 = p.level1 || (p.level1Family ? level1For(p.level1Family, vocabulary) : '');
      const raw: RawIndicator = { line: p.line, level1, level2: p.level2, name: p.name, value: p.value };
      if (p.sheet !== undefined) raw.sheet = p.sheet;
      if (p.note) raw.note = p.note;
      if (p.weight !== undefined) raw.weight = p.weight;
      if (p.baseline !== undefined) raw.baseline = p.baseline;
      t.table.indicators.push(raw);
    }
    if (t.table.funds.fiscal === null && t.fiscalParts !== undefined)
      t.table.funds.fiscal = Number(t.fiscalParts.toPrecision(12));
    for (const i of t.inferred) this.problem(i.line, 'info', i.why(level1For(i.family, vocabulary)));
    const tbl = t.table;
    const hasHead = !!(tbl.projectName || tbl.budgetUnit || t.fundsSeen || tbl.goal);
    if (!hasHead && !tbl.indicators.length) {
      // A title with nothing after it (a cover page, a stray heading) is structure.
      this.t = undefined;
      return;
    }
    if (!tbl.projectName) {
      if (tbl.tableKind === '部门整体支出绩效目标表' && tbl.budgetUnit) tbl.projectName = tbl.budgetUnit;
      else this.problem(tbl.line, 'warning', 'table has no 项目名称; its indicators are filed under the table line');
    }
    this.tables.push(tbl);
    this.t = undefined;
  }

  /** A table that continues on the next page with its header repeated is one table. */
  private mergePageBreaks() {
    const out: RawTable[] = [];
    for (const tbl of this.tables) {
      const prev = out[out.length - 1];
      const sameProject =
        prev &&
        prev.sheet === tbl.sheet &&
        tbl.projectName &&
        tbl.projectName === prev.projectName &&
        tbl.budgetUnit === prev.budgetUnit;
      const headless =
        prev &&
        prev.sheet === tbl.sheet &&
        !tbl.projectName &&
        !tbl.budgetUnit &&
        !tbl.goal &&
        tbl.funds.total === null;
      const sameFunds = prev && (tbl.funds.total === null || tbl.funds.total === prev.funds.total);
      if (prev && ((sameProject && sameFunds && (!tbl.goal || tbl.goal === prev.goal)) || headless)) {
        prev.indicators.push(...tbl.indicators);
        this.problem(
          tbl.line,
          'info',
          `table continues 「${prev.projectName}」 from line ${prev.line} (page break)`,
          tbl.sheet,
        );
        continue;
      }
      out.push(tbl);
    }
    this.tables = out;
  }

  // ---- rows ---------------------------------------------------------------

  private row(row: SourceRow) {
    const cells = cellsOf(row.cells);
    const kind = classifyRow(cells);
    if (this.t && kind.kind !== 'blank' && kind.kind !== 'separator') {
      const fundsBlock = this.t.inFunds;
      this.t.inFunds = false;
      if (kind.kind === 'funds' && kind.weak && !fundsBlock) return this.body(row.line, cells);
    } else if (kind.kind === 'funds' && kind.weak) return this.body(row.line, cells);
    switch (kind.kind) {
      case 'blank':
      case 'separator':
        return;
      case 'title':
        this.open(row.line, kind.tableKind, kind.year);
        return;
      case 'year':
        if (this.t && !this.t.table.indicators.length && !this.t.rows.length) this.t.table.titleYear ??= kind.year;
        return;
      case 'meta':
        return this.meta(row.line, kind);
      case 'funds':
        if (this.t?.phase === 'body' && this.t.fundsSeen) return this.body(row.line, cells);
        if (this.t?.inTasks) {
          // Labels only (总额 | 财政拨款 | 其他资金 under 预算金额): the tasks block's sub-header.
          if (kind.fields.every((f) => f.value === undefined) && this.taskHeader(cells)) return;
          this.t.inTasks = false;
        }
        if (this.t) this.t.inFunctions = false;
        return this.funds(row.line, kind);
      case 'goal':
        if (this.t?.phase === 'body' && this.t.table.goal) return this.body(row.line, cells);
        if (!this.t) {
          this.open(row.line);
          this.problem(row.line, 'warning', 'overall goal before any table title or 项目名称; a new table starts here');
        }
        this.t!.table.goal = [this.t!.table.goal, kind.text].filter(Boolean).join('\n');
        this.t!.inGoal = true;
        this.t!.inTasks = false;
        this.t!.inFunctions = false;
        return;
      case 'functions':
        if (this.t?.phase === 'body') return this.body(row.line, cells);
        if (!this.t) {
          this.open(row.line);
          this.problem(row.line, 'warning', '部门职能 before any table title or 部门名称; a new table starts here');
        }
        this.t!.table.functions = [this.t!.table.functions, kind.text].filter(Boolean).join('\n');
        this.t!.inFunctions = true;
        this.t!.inGoal = false;
        this.t!.inTasks = false;
        return;
      case 'header':
        if (!this.t) this.open(row.line);
        this.flushFragment();
        this.t!.phase = 'body';
        this.t!.inGoal = false;
        this.t!.inTasks = false;
        this.t!.inFunctions = false;
        this.t!.header ??= kind.columns;
        this.t!.headerSeen = true;
        return;
      case 'tasks':
        if (!this.t || this.t.phase === 'body') return this.body(row.line, cells);
        this.t.inGoal = false;
        this.t.inFunctions = false;
        this.t.inTasks = true;
        // `年度主要任务 | 任务名称 | 主要内容 | 预算金额` or `年度主要任务 | 任务一 | … | 200`.
        if (cells.length > 1 && !this.taskHeader(cells.slice(1))) this.taskRow(row.line, cells.slice(1));
        return;
      case 'footer':
        this.flushFragment();
        return;
      case 'body':
        return this.body(row.line, cells);
    }
  }

  private meta(line: number, kind: Extract<RowKind, { kind: 'meta' }>) {
    const projectName = kind.fields.find((f) => f.field === 'projectName')?.value;
    const t = this.t;
    if (t) {
      const inBody = t.phase === 'body' || t.rows.length > 0;
      if (inBody && projectName && projectName === t.table.projectName) {
        this.problem(line, 'info', 'project header repeated (page break)');
        return;
      }
      if (inBody || (projectName && t.table.projectName && projectName !== t.table.projectName)) this.open(line);
    } else this.open(line);
    const tbl = this.t!.table;
    if (!this.t!.metaLines++) tbl.line = line;
    for (const f of kind.fields) {
      if (!f.value) continue;
      if (f.field === 'projectName' && !tbl.projectName) {
        tbl.projectName = f.value;
        tbl.line = line;
      } else if (f.field === 'budgetUnit') tbl.budgetUnit = f.value;
      else if (f.field === 'department') {
        tbl.budgetUnit ||= f.value;
        if (!tbl.titled) tbl.tableKind = '部门整体支出绩效目标表';
      } else if (f.field === 'supervisor') tbl.budgetUnit ||= f.value;
    }
  }

  private funds(line: number, kind: Extract<RowKind, { kind: 'funds' }>) {
    if (!this.t) {
      this.open(line);
      this.problem(line, 'warning', 'funds row before any table title or 项目名称; a new table starts here');
    }
    const t = this.t!;
    t.fundsSeen = true;
    t.inFunds = true;
    t.inGoal = false;
    const scale = kind.unitYuan ? 1 / 10000 : 1;
    if (kind.unitYuan) this.problem(line, 'info', 'funds given in 元; stored in 万元');
    const waiting: NonNullable<TableState['fundsColumns']> = [];
    for (const f of kind.fields) {
      if (f.field === 'ignored') continue;
      if (f.value === undefined) waiting.push({ field: f.field, col: f.col });
      else this.setFunds(f.field, Number((f.value * scale).toPrecision(12)));
    }
    t.fundsColumns = waiting.length ? waiting : undefined;
  }

  private setFunds(field: Exclude<FundsField, 'ignored'>, value: number) {
    const t = this.t!;
    if (field === 'basic' || field === 'project') {
      t.table.fundsByNature ??= { basic: null, project: null, unit: '万元' };
      t.table.fundsByNature[field] = value;
    } else if (field === 'fiscalPart') t.fiscalParts = (t.fiscalParts ?? 0) + value;
    else t.table.funds[field] = value;
  }

  /** Amounts on the row under a row of funds labels, matched by column. */
  private fundsAmounts(cells: Cell[]): boolean {
    const t = this.t!;
    const cols = t.fundsColumns!;
    t.fundsColumns = undefined;
    const amounts = cells.map((c) => ({ col: c.col, v: parseAmount(c.text) }));
    if (!amounts.length || amounts.some((a) => a.v === undefined)) return false;
    for (const w of cols) {
      const hit = amounts.reduce((best, a) => (Math.abs(a.col - w.col) < Math.abs(best.col - w.col) ? a : best));
      if (w.field !== 'ignored') this.setFunds(w.field, hit.v!);
    }
    return true;
  }

  private body(line: number, cells: Cell[]) {
    if (this.t?.fundsColumns && this.fundsAmounts(cells)) return;
    const hasLevel = cells.some((c) => levelOf(c.text));
    if (!this.t) {
      if (!hasLevel) {
        this.problem(line, 'warning', `row outside any table: ${cells.map((c) => c.text).join(' | ')}`);
        return;
      }
      this.open(line);
      this.problem(line, 'warning', 'indicator rows without a table title or 项目名称 before them');
    }
    const t = this.t!;
    if (t.phase === 'head') {
      if (!hasLevel && t.inTasks) return this.taskRow(line, cells);
      const looksLikeIndicator = cells.length >= 2 && valueLike(cells[cells.length - 1].text);
      if (!hasLevel && t.inFunctions && !looksLikeIndicator) {
        t.table.functions = [t.table.functions, cells.map((c) => c.text).join(' ')].filter(Boolean).join('\n');
        return;
      }
      if (!hasLevel && t.inGoal && !looksLikeIndicator) {
        return this.appendGoal(cells);
      }
      if (!hasLevel && !looksLikeIndicator) {
        this.problem(line, 'warning', `unreadable row in the table head: ${cells.map((c) => c.text).join(' | ')}`);
        return;
      }
      t.phase = 'body';
      t.inGoal = false;
      if (!t.headerSeen)
        this.problem(line, 'info', 'no 一级指标/二级指标/三级指标/指标值 header before the indicators');
    }
    this.indicatorRow(line, cells);
    t.lastBodyLine = line;
  }

  // ---- 年度主要任务 (部门整体 tables) -----------------------------------------

  /** A header of the tasks block (任务名称 | 主要内容 | 预算金额 …); merged into the columns known so far. */
  private taskHeader(cells: Cell[]): boolean {
    const t = this.t!;
    const found = readTaskColumns(cells);
    if (!found) return false;
    const prev = t.taskColumns;
    if (prev) {
      for (const [col, role] of found.columns) prev.columns.set(col, role);
      for (const [col, strong] of found.amountIn) prev.amountIn.set(col, strong);
      prev.unitYuan ||= found.unitYuan;
    } else t.taskColumns = found;
    return true;
  }

  /** One task: its name, content and amounts, by the block's columns or, without them, by what the cells hold. */
  private taskRow(line: number, all: Cell[]) {
    const t = this.t!;
    const cols = t.taskColumns;
    let cells = all;
    if (!cols && cells.length >= 2 && /^\d{1,2}$/.test(cells[0].text) && parseAmount(cells[1].text) === undefined)
      cells = cells.slice(1); // a 序号 in front
    const texts: string[] = [];
    const contents: string[] = [];
    const byRole: Partial<Record<'amount' | 'fiscal' | 'other', number>> = {};
    const loose: number[] = [];
    let strongAmount = false;
    for (const c of cells) {
      const role = cols?.columns.get(c.col);
      const v = parseAmount(c.text);
      if (role === 'ignored') continue;
      if (role === 'name') texts.unshift(c.text);
      else if (role === 'content') contents.push(c.text);
      else if (role && v !== undefined) {
        const strong = role === 'amount' && !!cols!.amountIn.get(c.col);
        if (role !== 'amount' || byRole.amount === undefined || (strong && !strongAmount)) byRole[role] = v;
        if (strong) strongAmount = true;
      } else if (v !== undefined) loose.push(v);
      else if (texts.length) contents.push(c.text);
      else texts.push(c.text);
    }
    for (const v of loose) {
      const free = (['amount', 'fiscal', 'other'] as const).find((r) => byRole[r] === undefined);
      if (free) byRole[free] = v;
    }
    const name = texts[0] ?? contents.shift() ?? '';
    if (/^(?:金额|预算|资金)?(?:合计|总计|小计)/.test(key(name))) return; // the block's total
    if (!name) {
      this.problem(line, 'warning', `年度主要任务 row without a task name: ${all.map((c) => c.text).join(' | ')}`);
      return;
    }
    const scale = cols?.unitYuan ? 1 / 10000 : 1;
    const amount = (v?: number) => (v === undefined ? null : Number((v * scale).toPrecision(12)));
    (t.table.tasks ??= []).push({
      name,
      content: [...texts.slice(1), ...contents].join(' '),
      amount: amount(byRole.amount),
      fiscal: amount(byRole.fiscal),
      other: amount(byRole.other),
    });
  }

  private appendGoal(cells: Cell[]) {
    const t = this.t!;
    t.table.goal = [t.table.goal, cells.map((c) => c.text).join(' ')].filter(Boolean).join('\n');
  }

  // ---- indicator rows -------------------------------------------------------

  private columnOf(role: HeaderRole): number | undefined {
    for (const [col, r] of this.t?.header ?? []) if (r === role) return col;
    return undefined;
  }

  /** Columns where a level cell is expected: before the name column. */
  private isLevelColumn(col: number): boolean {
    const nameCol = this.columnOf('name');
    return nameCol !== undefined ? col < nameCol : col <= 1;
  }

  /**
   * The split-column template: a header that gives 指标性质/指标方向 or 度量单位 their own
   * columns. Its columns are where the header says (a workbook or CSV, not a PDF dump).
   */
  private splitColumns(): boolean {
    return this.columnOf('direction') !== undefined || this.columnOf('unit') !== undefined;
  }

  private indicatorRow(line: number, all: Cell[]) {
    const t = this.t!;
    // Columns the header declares as weight/remarks are not part of the indicator;
    // a separate unit or direction column belongs to the value.
    let unitCell = '';
    let direction = '';
    const extras: Extras = {};
    const notes: string[] = [];
    const cells = all.filter((c) => {
      const role = t.header?.get(c.col);
      if (role === 'ignored') return false;
      if (role === 'note' && !levelOf(c.text)) {
        notes.push(c.text);
        return false;
      }
      if (role === 'weight' && !levelOf(c.text)) {
        const w = /^-?\d+(?:\.\d+)?/.exec(nfkc(c.text));
        if (w) extras.weight = Number(w[0]);
        return false;
      }
      if (role === 'baseline' && !levelOf(c.text)) {
        const b = /^-?\d+(?:\.\d+)?/.exec(nfkc(c.text).replace(/,/g, ''));
        if (b) extras.baseline = Number(b[0]);
        else if (!NOTHING.test(nfkc(c.text)))
          this.problem(line, 'warning', `上年实际 「${c.text}」 is not a number; no baseline read`);
        return false;
      }
      if (role === 'unit' && !levelOf(c.text)) {
        if (!NOTHING.test(nfkc(c.text))) unitCell = c.text;
        return false;
      }
      if (role === 'direction') {
        const d = directionOf(c.text);
        if (d !== undefined) {
          direction = d;
          return false;
        }
      }
      return true;
    });
    if (notes.length) extras.note = notes.join(' ');

    // A row number in front (`1 | 产出指标 | …`) is not part of the indicator.
    if (cells.length >= 3 && /^\d{1,3}$/.test(cells[0].text) && cells[0].col !== this.columnOf('value')) cells.shift();
    const levels: Array<{ cell: Cell; match: LevelMatch }> = [];
    let texts: Cell[] = [];
    for (const c of cells) {
      const match = levelOf(c.text, this.isLevelColumn(c.col) || key(c.text).endsWith('指标'));
      if (match) levels.push({ cell: c, match });
      else texts.push(c);
    }
    // Text before a level cell stands in a level column: OCR garbage, not a name.
    const lastLevelCol = levels.length ? levels[levels.length - 1].cell.col : -1;
    const garbage = texts.filter((c) => c.col < lastLevelCol);
    if (!levels.length && texts.length >= 3 && this.usesOwnVocabulary()) {
      texts = this.ownLevels(line, texts);
    } else if (
      !levels.length &&
      texts.length >= 3 &&
      this.isLevelColumn(texts[0].col) &&
      !this.isLevelColumn(texts[1].col)
    ) {
      garbage.push(texts[0]);
    }
    for (const g of garbage) this.problem(line, 'warning', `unrecognised level cell 「${g.text}」 ignored`);
    texts = texts.filter((c) => !garbage.includes(c));
    for (const l of levels) {
      if (l.match.misspelled)
        this.problem(line, 'warning', `level cell 「${l.match.misspelled}」 read as ${l.match.term}`);
    }
    if (levels.length) this.applyLevels(line, levels);

    if (!texts.length) return; // a level-only row: merged level cells standing alone
    if (texts.length === 1) return this.fragment(line, texts[0], levels.length > 0);

    let name = texts[0];
    let valueIdx = texts.length - 1;
    // Split-column template: name and value are in the columns the header names.
    const named = this.splitColumns() ? texts.findIndex((c) => c.col === this.columnOf('name')) : -1;
    const valued = named >= 0 ? texts.findIndex((c) => c.col === this.columnOf('value')) : -1;
    const byColumn = named >= 0 && valued >= 0;
    if (byColumn) {
      name = texts[named];
      valueIdx = valued;
      const rest = texts.filter((_, i) => i !== named && i !== valued);
      if (rest.length)
        this.problem(
          line,
          'warning',
          `cells ${rest.map((c) => `「${c.text}」`).join(' ')} outside the named columns ignored`,
        );
    }
    const head = this.flushFragment(name.text);
    if (head) name = { col: name.col, text: join(head.text, name.text) };
    if (texts.length > 2 && !byColumn) {
      // The value is the last cell that reads as a target, else the last cell.
      for (let i = texts.length - 1; i > 0; i--) {
        if (valueLike(texts[i].text)) {
          valueIdx = i;
          break;
        }
      }
      const middle = texts.slice(1, valueIdx);
      const after = texts.slice(valueIdx + 1);
      if (middle.length) {
        this.problem(
          line,
          'warning',
          `cells ${middle.map((c) => `「${c.text}」`).join(' ')} joined into the indicator name`,
        );
        name = { col: name.col, text: [name, ...middle].map((c) => c.text).reduce(join) };
      }
      if (after.length)
        this.problem(
          line,
          'warning',
          `extra cells after the value ignored: ${after.map((c) => `「${c.text}」`).join(' ')}`,
        );
    }
    let value = texts[valueIdx];
    // Name and value swapped (`≥30个 | 打造示范点`).
    if (!byColumn && valueLike(name.text) && !isMeasurable(peekTarget(value.text, 2000).target)) {
      this.problem(
        line,
        'warning',
        `name and value stand in swapped cells; read name 「${value.text}」, value 「${name.text}」`,
      );
      [name, value] = [value, name];
    }
    this.push(
      head ? head.line : line,
      name.text,
      joinValue(direction, value.text, unitCell),
      name.col,
      undefined,
      extras,
    );
  }

  /** No known level cell so far, and the header says where level cells stand. */
  private usesOwnVocabulary(): boolean {
    const t = this.t!;
    const known = t.level1Terms.length || t.level1Family || t.level2?.family;
    return !known && this.columnOf('level1') !== undefined && this.columnOf('level2') !== undefined;
  }

  /**
   * A table with its own level names (部门整体 tables: 履职效能, 管理效率 …): cells in the
   * declared level columns are its levels, kept as written. Returns the remaining cells.
   */
  private ownLevels(line: number, texts: Cell[]): Cell[] {
    const t = this.t!;
    const l1 = texts.find((c) => c.col === this.columnOf('level1'));
    const l2 = texts.find((c) => c.col === this.columnOf('level2'));
    if (!l1 && !l2) return texts;
    if (l1) {
      t.level1 = l1.text;
      t.level1Family = undefined;
      t.level2 = undefined;
    }
    if (l2) t.level2 = { term: l2.text };
    if (!t.customLevels) {
      t.customLevels = true;
      const names = [l1, l2]
        .filter(Boolean)
        .map((c) => `「${c!.text}」`)
        .join(' ');
      this.problem(line, 'info', `level cells ${names} are not in the known vocabulary; kept as written`);
    }
    return texts.filter((c) => c !== l1 && c !== l2);
  }

  private applyLevels(line: number, found: Array<{ cell: Cell; match: LevelMatch }>) {
    const t = this.t!;
    const vocab = found.map((f) => f.match);
    let l1: LevelMatch | undefined;
    const l2s: Array<{ cell: Cell; match: LevelMatch }> = [];
    found.forEach((f, i) => {
      const m = f.match;
      const next = vocab[i + 1];
      if (!l1 && !l2s.length) {
        if (m.term === '成本指标' && next?.family === 'cost') {
          l1 = { ...m, family: 'cost', asLevel1: true, asLevel2: false };
          return;
        }
        if (m.asLevel1 && !m.asLevel2) return void (l1 = m);
        if (m.asLevel1 && m.asLevel2 && (!next || (next.asLevel2 && next.family === m.family))) {
          l1 = m;
          if (!next) l2s.push(f);
          return;
        }
      }
      if (m.asLevel1 && !m.asLevel2) {
        this.problem(line, 'warning', `second level-1 cell 「${m.term}」 ignored`);
        return;
      }
      l2s.push(f);
    });
    const pick = (l1 && l2s.find((x) => x.match.family === l1!.family)) || l2s[0];
    const repeated = !l1 && !!pick && l2s.filter((x) => x.match.term === pick.match.term).length > 1;
    for (const x of l2s) {
      if (x.match.term !== pick.match.term)
        this.problem(line, 'warning', `extra level cell 「${x.match.term}」 ignored (level-2 is ${pick.match.term})`);
    }
    const l2 = pick?.match;
    if (l1) {
      t.level1 = l1.term;
      t.level1Family = l1.family;
      t.level1Terms.push(l1.term);
      if (l2) {
        t.level2 = l2;
        if (l2.family !== l1.family)
          this.problem(line, 'warning', `level-2 ${l2.term} does not belong under level-1 ${l1.term}`);
      } else if (t.level2 && t.level2.family !== l1.family) t.level2 = undefined;
      return;
    }
    if (!l2) return;
    t.level2 = l2;
    const term = l2.term;
    if (repeated)
      t.inferred.push({
        line,
        family: l2.family,
        why: (n) => `level-2 ${term} repeated in the level-1 column; level-1 read as ${n}`,
      });
    if (t.level1Family !== l2.family) {
      t.level1 = '';
      t.level1Family = l2.family;
      if (!repeated)
        t.inferred.push({ line, family: l2.family, why: (n) => `level-1 inferred from level-2 ${term}: ${n}` });
    }
  }

  private levelsNow(): Pick<Fragment, 'level1' | 'level1Family' | 'level2'> {
    const t = this.t!;
    return { level1: t.level1, level1Family: t.level1 ? undefined : t.level1Family, level2: t.level2?.term ?? '' };
  }

  private push(
    line: number,
    name: string,
    value: string,
    nameCol: number,
    levels = this.levelsNow(),
    extras: Extras = {},
  ) {
    const t = this.t!;
    if (!levels.level1 && !levels.level1Family && !t.noLevelWarned) {
      t.noLevelWarned = true;
      this.problem(line, 'warning', 'indicator without level-1/level-2 cells above it');
    }
    t.rows.push({
      ...(this.sheet === undefined ? {} : { sheet: this.sheet }),
      line,
      name,
      value,
      nameCol,
      level1: levels.level1,
      level1Family: levels.level1Family,
      level2: levels.level2,
      ...extras,
    });
  }

  private looksLikeValue(c: Cell): boolean {
    if (valueLike(c.text)) return true;
    const valueCol = this.columnOf('value');
    return valueCol !== undefined && c.col >= valueCol;
  }

  /** One text cell on a row: a wrapped piece of a name or value, or a name with no value. */
  private fragment(line: number, cell: Cell, withLevels: boolean) {
    const t = this.t!;
    const prev = t.rows[t.rows.length - 1];
    if (this.looksLikeValue(cell)) {
      if (t.fragment) {
        const f = t.fragment;
        t.fragment = undefined;
        this.problem(line, 'info', `name on line ${f.line} and value on line ${line} read as one indicator`);
        this.push(f.line, f.text, cell.text, f.col, f);
        return;
      }
      if (prev && !prev.value) {
        prev.value = cell.text;
        this.problem(line, 'info', `value for 「${prev.name}」 (line ${prev.line}) read from line ${line}`);
        return;
      }
      if (withLevels) {
        const name = t.level2?.term || t.level1;
        this.problem(line, 'warning', `value without an indicator name; named after its level 「${name}」`);
        this.push(line, name, cell.text, cell.col);
        return;
      }
      if (
        prev &&
        !isMeasurable(peekTarget(prev.value, 2000).target) &&
        !isMeasurable(peekTarget(cell.text, 2000).target)
      ) {
        prev.value = join(prev.value, cell.text);
        this.problem(line, 'info', `value of 「${prev.name}」 (line ${prev.line}) continues on line ${line}`);
        return;
      }
      this.problem(line, 'error', `value without an indicator name: 「${cell.text}」`);
      return;
    }
    if (t.fragment) {
      const f = t.fragment;
      if (CONTINUES_AFTER.test(f.text) || CONTINUES_BEFORE.test(cell.text)) {
        f.text = join(f.text, cell.text);
        return;
      }
      this.flushFragment();
    }
    t.fragment = { text: cell.text, line, col: cell.col, afterLine: t.lastBodyLine, ...this.levelsNow() };
  }

  /**
   * Decide what a lone name fragment was, now that the next row is known: the tail of
   * the previous name, the head of the next one (returned, for the caller to prepend),
   * or an indicator whose value is missing.
   */
  private flushFragment(nextName?: string): { text: string; line: number } | undefined {
    const t = this.t;
    const f = t?.fragment;
    if (!t || !f) return undefined;
    t.fragment = undefined;
    const prev = t.rows[t.rows.length - 1];
    if (prev && (CONTINUES_AFTER.test(prev.name) || CONTINUES_BEFORE.test(f.text))) {
      prev.name = join(prev.name, f.text);
      this.problem(f.line, 'info', `name of line ${prev.line} continues on line ${f.line}: 「${prev.name}」`);
      return undefined;
    }
    if (nextName !== undefined && (CONTINUES_AFTER.test(f.text) || CONTINUES_BEFORE.test(nextName))) {
      this.problem(f.line, 'info', `name on line ${f.line} continues on the next row: 「${join(f.text, nextName)}」`);
      return { text: f.text, line: f.line };
    }
    // No punctuation says so, but a long name directly above in the same column, and a
    // shorter piece under it, is how a PDF dump wraps a cell.
    const adjacent = prev && prev.line === f.afterLine && prev.nameCol === f.col;
    if (adjacent && Array.from(prev.name).length >= 10 && Array.from(f.text).length < Array.from(prev.name).length) {
      prev.name = join(prev.name, f.text);
      this.problem(f.line, 'info', `name of line ${prev.line} continues on line ${f.line}: 「${prev.name}」`);
      return undefined;
    }
    this.problem(f.line, 'warning', `no target value for 「${f.text}」`);
    this.push(f.line, f.text, '', f.col, f);
    return undefined;
  }
}

/** `fallbackVocabulary` names level-1 when no level-1 cell in the document does. */
export function readTables(rows: SourceRow[], fallbackVocabulary: () => Vocabulary = () => 'old'): TableReading {
  return new TableReader(rows, fallbackVocabulary).read();
}
