/**
 * Time-bound 指标值: deadlines (`2019年10月31日前`, `11月底前`, `四季度末`) and windows
 * (`2019年6--10月开展`). A rule matches only when every digit of the value belongs to the
 * date, so `2019年完成10项` stays a numeric target. A missing year is the fiscal year.
 */
import { lastDayOfMonth } from '@iw/clock';
import type { DeadlineTarget, WindowTarget } from '../target';
import { CN_DIGITS } from './lexicon';

export interface DateReading {
  target: DeadlineTarget | WindowTarget;
  notes: string[];
}

const pad = (n: number) => String(n).padStart(2, '0');
const ymd = (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`;
const endOfMonth = (y: number, m: number) => lastDayOfMonth(y, m);
const daysIn = (y: number, m: number) => Number(endOfMonth(y, m).slice(8));

/** 十二 → 12, 三十一 → 31, 二〇一九 → 2019. */
export function chineseNumber(text: string): number | undefined {
  if (!text) return undefined;
  if (!text.includes('十')) {
    let n = 0;
    for (const ch of text) {
      const d = CN_DIGITS[ch];
      if (d === undefined) return undefined;
      n = n * 10 + d;
    }
    return n;
  }
  const [tens, ones] = text.split('十');
  const t = tens ? CN_DIGITS[tens] : 1;
  const o = ones ? CN_DIGITS[ones] : 0;
  if (t === undefined || o === undefined || tens.length > 1 || ones.length > 1) return undefined;
  return t * 10 + o;
}

/** Chinese numerals that stand in a date position become digits (十二月 → 12月). */
export function digitsInDates(s: string): string {
  return s.replace(/([〇零一二两三四五六七八九十]+)(?=年|月|日|号|季度)/g, (m) => {
    const n = chineseNumber(m);
    return n === undefined ? m : String(n);
  });
}

const Y = '(?:((?:19|20)\\d{2})年度?)?';
const NO_DIGITS = '([^\\d]*)';

interface Rule {
  name: string;
  re: RegExp;
  read(m: RegExpMatchArray, fy: number, notes: string[]): DeadlineTarget | WindowTarget | undefined;
}

function day(y: number, mo: number, d: number, notes: string[]): string | undefined {
  if (mo < 1 || mo > 12 || d < 1) return undefined;
  const last = daysIn(y, mo);
  if (d > last) {
    notes.push(`${y}年${mo}月 has no day ${d}; read as ${endOfMonth(y, mo)}`);
    return endOfMonth(y, mo);
  }
  return ymd(y, mo, d);
}

function month(y: number, mo: number): string | undefined {
  return mo >= 1 && mo <= 12 ? endOfMonth(y, mo) : undefined;
}

const RANGE = '(?:-+|~|至|到)';

/** In order: windows before deadlines, the most specific reading first. */
const RULES: Rule[] = [
  {
    name: 'window of days',
    re: new RegExp(
      `^${NO_DIGITS}${Y}(\\d{1,2})月(\\d{1,2})[日号]${RANGE}${Y}(?:(\\d{1,2})月)?(\\d{1,2})[日号]${NO_DIGITS}$`,
    ),
    read(m, fy, notes) {
      const y1 = m[2] ? +m[2] : fy;
      const y2 = m[5] ? +m[5] : y1;
      const m2 = m[6] ? +m[6] : +m[3];
      const from = day(y1, +m[3], +m[4], notes);
      const to = day(y2, m2, +m[7], notes);
      return from && to ? { kind: 'window', from, to } : undefined;
    },
  },
  {
    name: 'window of months',
    re: new RegExp(`^${NO_DIGITS}${Y}(\\d{1,2})月?${RANGE}${Y}(\\d{1,2})月(?![\\d])${NO_DIGITS}$`),
    read(m, fy) {
      const y1 = m[2] ? +m[2] : fy;
      let y2 = m[4] ? +m[4] : y1;
      const m1 = +m[3];
      const m2 = +m[5];
      if (!m[4] && m2 < m1) y2 = y1 + 1; // 11月-3月 runs into the next year
      if (m1 < 1 || m1 > 12 || m2 < 1 || m2 > 12) return undefined;
      return { kind: 'window', from: ymd(y1, m1, 1), to: endOfMonth(y2, m2) };
    },
  },
  {
    name: 'ISO window',
    re: /^([^\d]*)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})(?:~|至|到|--)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})([^\d]*)$/,
    read(m, _fy, notes) {
      const from = day(+m[2], +m[3], +m[4], notes);
      const to = day(+m[5], +m[6], +m[7], notes);
      return from && to ? { kind: 'window', from, to } : undefined;
    },
  },
  {
    name: 'quarter',
    re: new RegExp(`^${NO_DIGITS}${Y}(?:(?:第)?([1-4])季度|[Qq]([1-4]))(?:末|底)?${NO_DIGITS}$`),
    read(m, fy) {
      return { kind: 'deadline', by: endOfMonth(m[2] ? +m[2] : fy, +(m[3] ?? m[4]) * 3) };
    },
  },
  {
    name: 'half year',
    re: new RegExp(`^${NO_DIGITS}${Y}(上|下)半年(?:末|底)?${NO_DIGITS}$`),
    read(m, fy) {
      return { kind: 'deadline', by: endOfMonth(m[2] ? +m[2] : fy, m[3] === '上' ? 6 : 12) };
    },
  },
  {
    name: 'year end',
    re: /^([^\d]*?)(?:((?:19|20)\d{2})年度?|本年度?|当年度?|年)(?:底|末|终|内)([^\d]*)$/,
    read(m, fy) {
      return { kind: 'deadline', by: ymd(m[2] ? +m[2] : fy, 12, 31) };
    },
  },
  {
    name: 'date',
    re: new RegExp(`^${NO_DIGITS}${Y}(\\d{1,2})月(\\d{1,2})[日号]${NO_DIGITS}$`),
    read(m, fy, notes) {
      const by = day(m[2] ? +m[2] : fy, +m[3], +m[4], notes);
      return by ? { kind: 'deadline', by } : undefined;
    },
  },
  {
    name: 'ISO date',
    re: /^([^\d]*)((?:19|20)\d{2})[-/.](\d{1,2})[-/.](\d{1,2})([^\d]*)$/,
    read(m, _fy, notes) {
      const by = day(+m[2], +m[3], +m[4], notes);
      return by ? { kind: 'deadline', by } : undefined;
    },
  },
  {
    name: 'part of a month',
    re: new RegExp(`^${NO_DIGITS}${Y}(\\d{1,2})月(底|末|下旬|中旬|上旬|初)${NO_DIGITS}$`),
    read(m, fy) {
      const y = m[2] ? +m[2] : fy;
      const mo = +m[3];
      if (mo < 1 || mo > 12) return undefined;
      const d = { 底: 0, 末: 0, 下旬: 0, 中旬: 20, 上旬: 10, 初: 10 }[m[4] as '底'] || 0;
      return { kind: 'deadline', by: d ? ymd(y, mo, d) : endOfMonth(y, mo) };
    },
  },
  {
    // `X月前`: before X begins, i.e. the end of X-1; many writers mean the end of X.
    name: 'before a month',
    re: new RegExp(`^${NO_DIGITS}${Y}(\\d{1,2})月(?:之前|以前|前)${NO_DIGITS}$`),
    read(m, fy) {
      const y = m[2] ? +m[2] : fy;
      const mo = +m[3];
      if (mo < 1 || mo > 12) return undefined;
      const by = mo === 1 ? ymd(y - 1, 12, 31) : endOfMonth(y, mo - 1);
      return { kind: 'deadline', by, byAlternative: endOfMonth(y, mo) };
    },
  },
  {
    name: 'month',
    re: new RegExp(`^${NO_DIGITS}${Y}(\\d{1,2})月(?!份?\\d)${NO_DIGITS}$`),
    read(m, fy) {
      // `每月` / `月均` are frequencies, and `个月` a duration, not a month of the year.
      if (/(?:每|个)$/.test(m[1])) return undefined;
      const by = month(m[2] ? +m[2] : fy, +m[3]);
      return by ? { kind: 'deadline', by } : undefined;
    },
  },
  {
    // `2019年完成`, not `≥2019年水平` (a level to compare with).
    name: 'year',
    re: /^([^\d≥≤<>=]*)((?:19|20)\d{2})年度?((?:底|末|前|之前|以前|内|完成|结束|实施|开展|完工|竣工)*)$/,
    read(m) {
      return { kind: 'deadline', by: ymd(+m[2], 12, 31) };
    },
  },
];

/** A deadline or window, or undefined when the value is not (only) a date. */
export function readDate(normalized: string, fiscalYear: number): DateReading | undefined {
  const s = digitsInDates(normalized);
  if (!/[年月日号季Qq]/.test(s) && !/\d{4}[-/.]\d{1,2}[-/.]\d{1,2}/.test(s)) return undefined;
  for (const rule of RULES) {
    const m = s.match(rule.re);
    if (!m) continue;
    const notes: string[] = [];
    const target = rule.read(m, fiscalYear, notes);
    if (target) return { target, notes };
  }
  return undefined;
}
