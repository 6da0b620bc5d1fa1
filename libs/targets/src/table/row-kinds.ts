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
export type FundsField = 'total' | 'fiscal' | 'other' | 'ignored';
export type HeaderRole = 'level1' | 'level2' | 'name' | 'value' | 'unit' | 'direction' | 'ignored';

export type RowKind =
  | { kind: 'blank' }
  | { kind: 'separator' }
  | { kind: 'title'; tableKind: TableKind; year?: number }
  | { kind: 'year'; year: number }
  | { kind: 'meta'; fields: Array<{ field: MetaField; value: string }> }
  | { kind: 'funds'; fields: Array<{ field: FundsField; col: number; value?: number }>; unitYuan: boolean }
  | { kind: 'goal'; text: string }
  | { kind: 'header'; columns: Map<number, HeaderRole> }
  | { kind: 'tasks' }
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
  /^(?:项目资金|年度资金|资金情况|项目资金情况|年度预算|年度预算申请|预算资金|部门预算|资金来源)(?:\((万元|元)\))?$/;
const FUNDS_LABELS: Array<[RegExp, FundsField, boolean]> = [
  // [label, field, strong: identifies a funds row on its own]
  [/^(?:年度资金总额|资金总额|年度预算总额|预算总额|项目总额)(?:\(万元\))?$/, 'total', true],
  [/^(?:当年)?财政(?:拨款|资金|补助)(?:资金)?$/, 'fiscal', true],
  [/^(?:其他资金|其它资金)$/, 'other', true],
  [/^上年结转(?:资金)?$/, 'ignored', true],
  [/^(?:合计|总额|总计)$/, 'total', false],
  [/^(?:其他|其它)$/, 'other', false],
];

const GOAL_LABEL =
  /^(?:项目总体目标|年度总体目标|总体目标|项目绩效目标|年度绩效目标|部门整体绩效目标|整体绩效目标|绩效目标|年度目标|长期目标|中长期目标|项目年度目标)$/;

const HEADER_WORDS: Array<[RegExp, HeaderRole]> = [
  [/^一级指标$/, 'level1'],
  [/^二级指标$/, 'level2'],
  [/^(?:三级指标|指标名称|指标内容|三级指标名称)$/, 'name'],
  [/^(?:指标值|目标值|年度指标值|绩效指标值|指标目标值)/, 'value'],
  [/^(?:度量单位|计量单位|单位)$/, 'unit'],
  [/^(?:指标方向|方向|符号|指标性质符号)$/, 'direction'],
  [/^(?:权重|分值|备注|指标性质|评分标准|指标解释|指标说明|指标值说明|目标值说明|序号|编号)/, 'ignored'],
];

const TITLE = /绩效目标(?:申报)?表/;
const FOOTER =
  /^(?:注[:：]|备注[:：]|说明[:：]|填表人|填报人|联系人|联系电话|审核人|负责人|单位负责人|财务负责人|填报日期|制表人|(?:金额)?单位[:：]?(?:万元|元)$)/;
const TASKS = /^(?:年度主要任务|主要任务|任务名称)$/;
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
  for (let i = 0; i < cells.length; i++) {
    const { label, amount } = fundsCell(cells[i].text);
    const h = FUNDS_HEAD.exec(label);
    if (h) {
      head = true;
      if (h[1] === '元') unitYuan = true;
      continue;
    }
    const hit = FUNDS_LABELS.find(([re]) => re.test(label));
    if (!hit) continue;
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
  return head || strong ? { kind: 'funds', fields, unitYuan } : undefined;
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
const MAY_BE_FUNDS = /资金|财政|预算|总额|合计|总计|其他|其它|结转/;

export function classifyRow(cells: Cell[]): RowKind {
  if (!cells.length) return { kind: 'blank' };
  if (cells.every((c) => /^[-—–_=*|:·.+~\s]+$/.test(c.text))) return { kind: 'separator' };
  const all = cells.map((c) => c.text).join('\t');
  const header = cells.length >= 2 && MAY_BE_HEADER.test(all) ? readHeader(cells) : undefined;
  if (header) return header;
  const first = key(cells[0].text);
  if (cells.length <= 2) {
    const t = TITLE.exec(key(cells.map((c) => c.text).join('')));
    if (t && first.length <= 40) {
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
  const meta = MAY_BE_META.test(all) ? readMeta(cells) : undefined;
  if (meta) return meta;
  const funds = MAY_BE_FUNDS.test(all) ? readFunds(cells) : undefined;
  if (funds) return funds;
  if (FOOTER.test(first) || (cells.length === 1 && ATTACHMENT.test(first))) return { kind: 'footer' };
  return { kind: 'body' };
}
