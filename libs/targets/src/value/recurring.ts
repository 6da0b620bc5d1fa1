/**
 * Recurring 指标值: something done every period — `每月2次`, `每季度至少1次`, `1次/月`,
 * `≥2次/季度`, `每月10日前`, `每月10日前报送1次`, `按季度报送`, `每半年一次`. The value's
 * only number is the count (occurrences: 次, 期, 场 …) or the due day; anything else
 * (`每月不少于100户`, `2000元/每月`) is a quantity, not a recurrence, and is read as before.
 * A name that says the period (`“法治新疆网”每月通报`) makes a bare count recurring.
 */
import type { RecurrenceEvery, RecurringTarget, Target } from '../target';
import { CN_DIGITS } from './lexicon';

/** Longest first: 半年 before 年, 季度 before 季. */
const PERIOD = '(?:个)?(星期|礼拜|周|半年度?|季度|季|月度|月|年度|年)';
const EVERY: ReadonlyArray<readonly [RegExp, RecurrenceEvery]> = [
  [/^(?:周|星期|礼拜)$/, 'week'],
  [/^半年/, 'half-year'],
  [/^季/, 'quarter'],
  [/^月/, 'month'],
  [/^年/, 'year'],
];

/** What a count counts: occurrences, not quantities (户, 人, 元 are quantities). */
export const OCCURRENCE_UNITS = '(?:场次|批次|次|期|场|篇|份|批|回|轮|遍|趟)';
const COUNT = `([0-9]+|[一二两三四五六七八九十]+)`;
const AT_LEAST = '(至少|不少于|不低于|不得少于|最少|≥)';
const MORE = '(以上|及以上|或以上)';

/** Words that may stand before 每/按 (`于每月10日前`, `确保每季度1次`). */
const LEAD = '(?:于|须|需|应|均|要求|确保|保证|坚持|力争|定期)?';
const PREFIX = new RegExp(`^${LEAD}(每|按)${PERIOD}(?!期|份|岁)(.*)$`);
const SUFFIX = new RegExp(`^${AT_LEAST}?${COUNT}${OCCURRENCE_UNITS}${MORE}?(?:/|每)每?${PERIOD}$`);
const DUE_DAY = /(?:的|第)?(?:首月|第一个月)?([0-9]{1,2})[日号](?:前|之前|以前)?/;
const COUNT_IN = new RegExp(`${AT_LEAST}?${COUNT}${OCCURRENCE_UNITS}${MORE}?`);

function everyOf(word: string): RecurrenceEvery {
  return EVERY.find(([re]) => re.test(word))![1];
}

function countOf(text: string): number | undefined {
  if (/^[0-9]+$/.test(text)) return Number(text);
  if (text === '十') return 10;
  if (text.length === 1) return CN_DIGITS[text];
  const [tens, ones] = text.split('十');
  if (text.includes('十') && tens.length <= 1 && ones.length <= 1)
    return (tens ? CN_DIGITS[tens] : 1) * 10 + (ones ? CN_DIGITS[ones] : 0);
  return undefined;
}

/** The reading of a normalized 指标值, or undefined when it is not a recurrence. */
export function readRecurring(s: string): RecurringTarget | undefined {
  const suffix = SUFFIX.exec(s);
  if (suffix) {
    const count = countOf(suffix[2]);
    if (count === undefined) return undefined;
    const op = suffix[1] || suffix[3] ? '>=' : '=';
    return { kind: 'recurring', every: everyOf(suffix[4]), count, op, dueDay: null };
  }
  const prefix = PREFIX.exec(s);
  if (!prefix) return undefined;
  const every = everyOf(prefix[2]);
  let rest = prefix[3];
  let dueDay: number | null = null;
  const due = DUE_DAY.exec(rest);
  if (due) {
    dueDay = Number(due[1]);
    if (dueDay < 1 || dueDay > 31) return undefined;
    rest = rest.slice(0, due.index) + rest.slice(due.index + due[0].length);
  }
  let count: number | null = null;
  let op: RecurringTarget['op'] = null;
  const c = COUNT_IN.exec(rest);
  if (c) {
    const n = countOf(c[2]);
    if (n === undefined) return undefined;
    count = n;
    op = c[1] || c[3] ? '>=' : '=';
    rest = rest.slice(0, c.index) + rest.slice(c.index + c[0].length);
  }
  // Any other number is a quantity (`每月不少于100户`), not a recurrence.
  if (/[0-9]/.test(rest)) return undefined;
  // `按` says only how often (`按季度报送`); a count after it is still a count.
  if (prefix[1] === '按' && rest.length > 8) return undefined;
  return { kind: 'recurring', every, count, op, dueDay };
}

/** A period named in an indicator's name: sub-year frequencies only (`每年` is the table's own year). */
const NAME_PERIOD = /(?:每|按)(?:个)?(星期|礼拜|周|半年|季度|季|月)(?!期|份|岁)/;
const OCCURRENCE_UNIT = new RegExp(`^${OCCURRENCE_UNITS}?$`);

/**
 * `“法治新疆网”每月通报` | `优数量≥1`: a bare count (no unit, or an occurrence unit) under a
 * name that says how often is that many per period.
 */
export function recurringFromName(name: string, target: Target): RecurringTarget | undefined {
  if (target.kind !== 'numeric' || (target.op !== '=' && target.op !== '>=')) return undefined;
  if (!Number.isInteger(target.value) || target.value < 0 || !OCCURRENCE_UNIT.test(target.unit)) return undefined;
  const m = NAME_PERIOD.exec(name.normalize('NFKC'));
  if (!m) return undefined;
  return { kind: 'recurring', every: everyOf(m[1]), count: target.value, op: target.op, dueDay: null };
}
