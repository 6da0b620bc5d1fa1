/**
 * What a row of a target table is, before reading it: a title, the project header
 * (预算单位 / 项目名称), funds, the overall goal, the indicator header, a separator or a
 * footer — or a body row (indicator, level or fragment), which table-reader.ts reads.
 * Labels are matched on whole cells (or `label: value` in one cell), never inside text.
 */
import type { TableKind } from '../target';
import { memoize, nfkc } from '../util/text';

export interface Cell {
  col: number;
  text: string;
}

export type MetaField = 'budgetUnit' | 'projectName' | 'department' | 'supervisor';
/**
 * `basic`/`project`: 按支出性质分 (部门整体 tables). `fiscalPart`: 一般公共预算, 政府性基金 …,
 * which together are the 财政拨款 when a table does not give that line itself.
 */
export type FundsField = 'total' | 'fiscal' | 'other' | 'basic' | 'project' | 'fiscalPart' | 'ignored';
export type HeaderRole =
  'level1' | 'level2' | 'name' | 'value' | 'unit' | 'direction' | 'note' | 'weight' | 'baseline' | 'ignored';
/** Columns of a 年度主要任务 block (部门整体 tables). */
export type TaskColumn = 'name' | 'content' | 'amount' | 'fiscal' | 'other' | 'ignored';

export type RowKind =
  | { kind: 'blank' }
  | { kind: 'separator' }
  | { kind: 'title'; tableKind: TableKind; year?: number }
  | { kind: 'year'; year: number }
  | { kind: 'meta'; fields: Array<{ field: MetaField; value: string }> }
  | {
      kind: 'funds';
      fields: Array<{ field: FundsField; col: number; value?: number }>;
      unitYuan: boolean;
      /** Only weak labels (合计, 其他): funds only inside a funds block. */
      weak?: boolean;
    }
  | { kind: 'goal'; text: string }
  | { kind: 'header'; columns: Map<number, HeaderRole> }
  | { kind: 'tasks' }
  | { kind: 'functions'; text: string }
  | { kind: 'footer' }
  | { kind: 'body' };

/** Compact form for matching labels: NFKC, no spaces, full-width colon folded. */
export const key = memoize((text: string): string => nfkc(text).replace(/\s+/g, ''));

/** A label may carry a suffix such as 及代码, (盖章) or 名称. */
const META_SUFFIX = '(?:名称)?(?:及代码|\\(盖章\\)|\\(代码\\))?';
const META_LABELS: Array<[RegExp, MetaField]> = [
  [new RegExp(`^(?:预算单位|实施单位|项目单位|申报单位|填报单位|单位)${META_SUFFIX}$`), 'budgetUnit'],
  [new RegExp(`^(?:部门|部门\\(单位\\)|预算部门)${META_SUFFIX}$`), 'department'],
  [new RegExp(`^(?:主管部门|主管单位)${META_SUFFIX}$`), 'supervisor'],
  [/^项目名称$/, 'projectName'],
];

const FUNDS_HEAD =
  /^(?:项目资金|年度资金|资金情况|项目资金情况|年度预算|年度预算申请|年度预算情况|预算资金|部门预算|资金来源|(?:年度)?部门整体支出预算|按收入性质分|按支出性质分|按资金来源分|按支出类型分)(?:\((万元|元)\))?$/;
const FUNDS_LABELS: Array<[RegExp, FundsField, boolean]> = [
  // [label, field, strong: identifies a funds row on its own]
  [/^(?:年度资金总额|资金总额|年度预算总额|预算总额|项目总额)(?:\(万元\))?$/, 'total', true],
  [/^(?:当年)?财政(?:拨款|资金|补助)(?:资金)?$/, 'fiscal', true],
  [/^(?:其他资金|其它资金)$/, 'other', true],
  [/^基本支出(?:合计)?$/, 'basic', true],
  [/^项目支出(?:合计)?$/, 'project', true],
  [/^(?:一般公共预算|政府性基金|政府性基金预算|国有资本经营预算)(?:拨款|资金|收入)?$/, 'fiscalPart', true],
  [/^(?:人员经费|公用经费|财政专户管理资金|单位资金|事业收入|经营收入)$/, 'ignored', true],
  [/^上年结转(?:资金)?$/, 'ignored', true],
  [/^(?:合计|总额|总计)$/, 'total', false],
  [/^(?:其他|其它)$/, 'other', false],
];

const GOAL_LABEL =
  /^(?:项目总体目标|年度总体目标|总体目标|项目绩效目标|年度绩效目标|部门整体绩效目标|整体绩效目标|绩效目标|年度目标|长期目标|中长期目标|项目年度目标)$/;

/**
 * Column headers, by name wherever they stand (the seed's four columns; the split-column
 * national template 一级指标 | 二级指标 | 三级指标 | 指标性质 | 指标值 | 度量单位 | 指标值说明 |
 * 权重 and its variants). Notes come before values: 指标值说明 is not 指标值.
 */
const HEADER_WORDS: Array<[RegExp, HeaderRole]> = [
  [/^一级指标(?:名称)?$/, 'level1'],
  [/^二级指标(?:名称)?$/, 'level2'],
  [/^(?:三级指标|指标名称|指标内容|三级指标名称|具体指标)$/, 'name'],
  [/^(?:指标值说明|目标值说明|指标值描述|指标解释|指标说明|指标定义)/, 'note'],
  [/^(?:权重|分值|指标权重|指标分值)(?:\(.*\))?$/, 'weight'],
  [
    /^(?:上年实际完成值|上年完成值|上年实际值|上年实际|上年指标值|上年数|上年同期数|上年同期值|上年基数|基期值|基数)(?:\(.*\))?$/,
    'baseline',
  ],
  [/^(?:指标方向|方向|符号|指标性质|指标性质符号|运算符号?|比较符号?)(?:\(.*\))?$/, 'direction'],
  [/^(?:度量单位|计量单位|单位|指标单位|计量单位名称)$/, 'unit'],
  [/^(?:指标值|目标值|年度指标值|绩效指标值|指标目标值|年度目标值)/, 'value'],
  [/^(?:备注|评分标准|评分规则|序号|编号|指标类型|数据来源)/, 'ignored'],
];

const TITLE = /绩效目标(?:申报)?表/;
const FOOTER =
  /^(?:注[:：]|备注[:：]|说明[:：]|填表人|填报人|联系人|联系电话|审核人|负责人|单位负责人|财务负责人|填报日期|制表人|(?:金额)?单位[:：]?(?:万元|元)$)/;
const TASKS = /^(?:年度主要任务|主要任务|任务名称)$/;
/** 部门职能概述 and its variants (部门整体 tables). */
const FUNCTIONS = /^(?:部门|单位|部门\(单位\))?(?:主要)?(?:职能职责|职能|职责)(?:概述|简介|简述|描述)?$/;
const TASK_COLUMNS: Array<[RegExp, TaskColumn]> = [
  [/^(?:任务名称|任务|主要任务|任务名)$/, 'name'],
  [/^(?:主要内容|任务内容|具体内容|主要工作内容|工作内容|任务描述|内容)$/, 'content'],
  [/^(?:总额|合计|小计|资金总额|预算金额合计)(?:\((?:万元|元)\))?$/, 'amount'],
  [/^(?:预算金额|金额|预算数|预算资金|资金|年度预算)(?:\((?:万元|元)\))?$/, 'amount'],
  [/^(?:财政拨款|财政资金|一般公共预算)(?:资金)?$/, 'fiscal'],
  [/^(?:其他资金|其它资金)$/, 'other'],
  [/^(?:序号|备注|对应项目|编号)$/, 'ignored'],
];
/** A tasks-block header: every cell names a column. */
export function readTaskColumns(
  cells: Cell[],
): { columns: Map<number, TaskColumn>; amountIn: Map<number, boolean>; unitYuan: boolean } | undefined {
  const columns = new Map<number, TaskColumn>();
  /** Columns named 总额/合计 (they win over a 预算金额 group heading). */
  const amountIn = new Map<number, boolean>();
  let unitYuan = false;
  for (const c of cells) {
    const k = key(c.text);
    const i = TASK_COLUMNS.findIndex(([re]) => re.test(k));
    if (i < 0) return undefined;
    columns.set(c.col, TASK_COLUMNS[i][1]);
    if (TASK_COLUMNS[i][1] === 'amount') amountIn.set(c.col, i === 2);
    if (/\(元\)$/.test(k)) unitYuan = true;
  }
  return columns.size ? { columns, amountIn, unitYuan } : undefined;
}
/** `附件2：` above a table. */
const ATTACHMENT = /^附件\d*[:]?$/;

function yearIn(text: string): number | undefined {
  const m = /((?:19|20)\d{2})年/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** `label: value` in one cell, or the label alone (a trailing colon dropped). */
function splitLabel(cell: string): { label: string; inline: string } {
  const k = key(cell);
  const m = /^([^:]{2,14}?):(.+)$/.exec(k);
  if (!m) return { label: k.replace(/:$/, ''), inline: '' };
  return { label: m[1], inline: cell.slice(cell.search(/[:：]/) + 1).trim() };
}

export function parseAmount(text: string): number | undefined {
  const k = key(text)
    .replace(/,/g, '')
    .replace(/万?元$/, '');
  return /^-?\d+(?:\.\d+)?$/.test(k) ? Number(k) : undefined;
}

function readMeta(cells: Cell[]): RowKind | undefined {
  const fields: Array<{ field: MetaField; value: string }> = [];
  for (let i = 0; i < cells.length; i++) {
    const { label, inline } = splitLabel(cells[i].text);
    const hit = META_LABELS.find(([re]) => re.test(label));
    if (!hit) continue;
    let value = inline;
    if (!value && i + 1 < cells.length && !META_LABELS.some(([re]) => re.test(splitLabel(cells[i + 1].text).label))) {
      value = cells[i + 1].text.trim();
      i++;
    }
    fields.push({ field: hit[1], value });
  }
  return fields.length ? { kind: 'meta', fields } : undefined;
}

/** `其中:财政拨款 90` → label 财政拨款, amount 90; `项目资金(万元)` → the head label. */
function fundsCell(text: string): { label: string; amount?: number } {
  const k = key(text).replace(/^其中:?/, '');
  const label = k.replace(/:?-?[\d.,]+(?:万元|元)?$/, '').replace(/:$/, '');
  const rest = k.slice(label.length).replace(/^:/, '');
  return { label, amount: rest ? parseAmount(rest) : undefined };
}

function readFunds(cells: Cell[]): RowKind | undefined {
  const fields: Array<{ field: FundsField; col: number; value?: number }> = [];
  let head = false;
  let strong = false;
  let unitYuan = false;
  let other = false;
  for (let i = 0; i < cells.length; i++) {
    const { label, amount } = fundsCell(cells[i].text);
    const h = FUNDS_HEAD.exec(label);
    if (h) {
      head = true;
      if (h[1] === '元') unitYuan = true;
      continue;
    }
    const hit = FUNDS_LABELS.find(([re]) => re.test(label));
    if (!hit) {
      other = true;
      continue;
    }
    strong ||= hit[2];
    let value = amount;
    if (value === undefined && i + 1 < cells.length) {
      const next = parseAmount(cells[i + 1].text);
      if (next !== undefined) {
        value = next;
        i++;
      }
    }
    fields.push({ field: hit[1], col: cells[i].col, value });
  }
  if (head || strong) return { kind: 'funds', fields, unitYuan };
  // `合计：1000 | 合计：1000` under 按收入性质分 | 按支出性质分: every cell a label with its amount.
  if (fields.length && !other && fields.every((f) => f.value !== undefined))
    return { kind: 'funds', fields, unitYuan, weak: true };
  return undefined;
}

function readHeader(cells: Cell[]): RowKind | undefined {
  const columns = new Map<number, HeaderRole>();
  for (const c of cells) {
    const hit = HEADER_WORDS.find(([re]) => re.test(key(c.text)));
    if (hit) columns.set(c.col, hit[1]);
  }
  const core = [...columns.values()].filter((r) => r === 'level1' || r === 'level2' || r === 'name' || r === 'value');
  return core.length >= 2 && columns.size >= cells.length - 1 ? { kind: 'header', columns } : undefined;
}

/** Non-empty, trimmed cells with their column. */
export function cellsOf(raw: string[]): Cell[] {
  const out: Cell[] = [];
  raw.forEach((text, col) => {
    const t = text.trim();
    if (t) out.push({ col, text: t });
  });
  return out;
}

/** Cheap pre-checks: most rows are indicators and hold none of these words. */
const MAY_BE_HEADER = /指标|目标值|单位|权重|分值|备注|说明/;
const MAY_BE_META = /单位|部门|项目名称|主管/;
const MAY_BE_FUNDS = /资金|财政|预算|总额|合计|总计|其他|其它|结转|支出|性质分|经费|收入/;

export function classifyRow(cells: Cell[]): RowKind {
  if (!cells.length) return { kind: 'blank' };
  if (cells.every((c) => /^[-—–_=*|:·.+~\s]+$/.test(c.text))) return { kind: 'separator' };
  const all = cells.map((c) => c.text).join('\t');
  const header = cells.length >= 2 && MAY_BE_HEADER.test(all) ? readHeader(cells) : undefined;
  if (header) return header;
  const first = key(cells[0].text);
  if (cells.length <= 2) {
    const whole = key(cells.map((c) => c.text).join(''));
    const t = TITLE.exec(whole);
    // `项目支出绩效目标表填报说明` names a notes sheet, not a table.
    if (t && first.length <= 40 && !/说明|填报|填写|指引/.test(whole.slice(t.index + t[0].length))) {
      const tableKind: TableKind = /部门.{0,6}整体|整体支出/.test(first)
        ? '部门整体支出绩效目标表'
        : '项目支出绩效目标表';
      return { kind: 'title', tableKind, year: yearIn(first) };
    }
    const y = /^\(?((?:19|20)\d{2})年度?\)?$/.exec(first);
    if (y) return { kind: 'year', year: Number(y[1]) };
  }
  const lead = splitLabel(cells[0].text);
  if (GOAL_LABEL.test(lead.label)) {
    const rest = cells.slice(1).map((c) => c.text);
    return { kind: 'goal', text: [lead.inline, ...rest].filter(Boolean).join('\n') };
  }
  if (TASKS.test(first)) return { kind: 'tasks' };
  const fn = splitLabel(cells[0].text);
  if (FUNCTIONS.test(fn.label)) {
    const rest = cells.slice(1).map((c) => c.text);
    return { kind: 'functions', text: [fn.inline, ...rest].filter(Boolean).join('\n') };
  }
  const meta = MAY_BE_META.test(all) ? readMeta(cells) : undefined;
  if (meta) return meta;
  const funds = MAY_BE_FUNDS.test(all) ? readFunds(cells) : undefined;
  if (funds) return funds;
  if (FOOTER.test(first) || (cells.length === 1 && ATTACHMENT.test(first))) return { kind: 'footer' };
  return { kind: 'body' };
}
