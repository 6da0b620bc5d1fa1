/**
 * Targets in words: one line per target, and recurring and year-on-year targets as the tables write them: for reasons, mail and
 * the pages, where such a unit has no cell of its own (a compound part, a summary).
 */
import type { ComparisonOp, RecurrenceEvery, RecurringTarget, RelativeTarget, Target } from './target';

export const EVERY_WORDS: Readonly<Record<RecurrenceEvery, string>> = {
  week: '每周',
  month: '每月',
  quarter: '每季度',
  'half-year': '每半年',
  year: '每年',
};

/** `每月≥2次`, `每月10日前`, `每季度第15日前1次` (a due day of a longer period counts from its first day). */
export function describeRecurring(t: RecurringTarget): string {
  const count = t.count === null ? '' : `${t.op === '>=' ? '≥' : ''}${t.count}次`;
  const due = t.dueDay === null ? '' : t.every === 'month' ? `${t.dueDay}日前` : `第${t.dueDay}日前`;
  return `${EVERY_WORDS[t.every]}${due}${count}`;
}

/** `较上年增长10%`, `较上年下降5%`, `不低于上年`, `较上年增加3个`. */
export function describeRelative(t: RelativeTarget): string {
  if (t.change === 0) {
    const words: Record<string, string> = { '>=': '不低于上年', '<=': '不高于上年', '>': '高于上年', '<': '低于上年' };
    return words[t.op] ?? '与上年持平';
  }
  const grow = t.change > 0;
  const amount = `${Number(Math.abs(t.change).toFixed(3))}${t.unit}`;
  const verb = t.unit === '%' ? (grow ? '增长' : '下降') : grow ? '增加' : '减少';
  return `较上年${verb}${amount}`;
}

const OP_SYMBOL: Readonly<Record<ComparisonOp, string>> = { '>=': '≥', '>': '>', '<=': '≤', '<': '<', '=': '' };

/** The sign a table writes before a value (`≥`, `≤`, `>`, `<`); nothing for `=`. */
export function opSymbol(op: ComparisonOp): string {
  return OP_SYMBOL[op];
}

/** A target as one line (`≥700批次`, `2019-10-31前`): for parts and budget tracks, which have no cell of their own. */
export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'numeric':
      return `${opSymbol(target.op)}${target.value}${target.unit}`;
    case 'range':
      return `${target.min}-${target.max}${target.unit}`;
    case 'deadline':
      return `${target.by}前`;
    case 'window':
      return `${target.from}至${target.to}`;
    case 'compound':
      return target.parts.map((p) => `${p.label ?? ''}${describeTarget(p)}`).join('、');
    case 'formula':
      return `${target.value}${target.unit}`;
    case 'qualitative':
      return target.text;
    case 'missing':
      return '';
    case 'recurring':
      return describeRecurring(target);
    case 'relative':
      return describeRelative(target);
  }
}
