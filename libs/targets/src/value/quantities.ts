/**
 * Quantity targets: numeric (`≥30个`, `10次以上`, `投诉率≤2%`), range (`10-20场次`) and
 * compound (`25期、133天、2500人`, `县道≥95%，乡村道≥90%`, `82台服务器，58台网络设备`).
 *
 * A tiny tokenizer cuts the normalized value into numbers, operator symbols, separators
 * and text; a part is `[label/qualifier] [operator] number [unit] [suffix]`. Words come
 * from lexicon.ts.
 */
import type { ComparisonOp, NumericTarget, RangeTarget, CompoundTarget } from '../target';
import {
  IGNORED_SUFFIXES,
  KNOWN_UNITS,
  MULTIPLIERS,
  NOT_OPERATOR_WORDS,
  OPERATOR_SUFFIXES,
  OPERATOR_SYMBOLS,
  OPERATOR_WORDS,
  PART_SEPARATORS,
  RANGE_WORDS,
} from './lexicon';

type Token =
  { t: 'num'; v: number; raw: string } | { t: 'op'; op: ComparisonOp } | { t: 'sep' } | { t: 'text'; s: string };

/** A number that is a year (`2019年`), month (`12月`) or day (`5月10日`) reads as text. */
function isDatePart(num: string, before: () => string, after: string): boolean {
  const next = after[0];
  if (next === '年') return /^(?:19|20)\d{2}$/.test(num);
  if (next === '月') return Number(num) >= 1 && Number(num) <= 12;
  if (next === '日' || next === '号') return before().endsWith('月');
  return false;
}

const NUMBER = /\d+(?:\.\d+)?/y;

export function tokenize(s: string): Token[] {
  const out: Token[] = [];
  const pushText = (x: string) => {
    const last = out[out.length - 1];
    if (last?.t === 'text') last.s += x;
    else out.push({ t: 'text', s: x });
  };
  let i = 0;
  while (i < s.length) {
    const ch = s[i];
    const code = s.charCodeAt(i);
    if (code >= 48 && code <= 57) {
      NUMBER.lastIndex = i;
      const raw = NUMBER.exec(s)![0];
      const end = i + raw.length;
      if (isDatePart(raw, () => s.slice(0, i), s.slice(end, end + 2))) pushText(raw);
      else out.push({ t: 'num', v: Number(raw), raw });
      i = end;
      continue;
    }
    if (ch in OPERATOR_SYMBOLS) out.push({ t: 'op', op: OPERATOR_SYMBOLS[ch] });
    else if (PART_SEPARATORS.has(ch)) out.push({ t: 'sep' });
    else pushText(ch);
    i++;
  }
  return out;
}

const MULTIPLIERS_LONGEST_FIRST = Object.keys(MULTIPLIERS).sort((a, b) => b.length - a.length);
const OPERATOR_WORDS_LONGEST_FIRST = [...OPERATOR_WORDS].sort((a, b) => b[0].length - a[0].length);
const OPERATOR_SUFFIXES_LONGEST_FIRST = [...OPERATOR_SUFFIXES].sort((a, b) => b[0].length - a[0].length);

/** The operator word a text ends with (`投诉率不超过` → 投诉率, `<=`). */
export function splitOperatorWord(text: string): { rest: string; op?: ComparisonOp } {
  const t = text.trimEnd();
  for (const [word, op] of OPERATOR_WORDS_LONGEST_FIRST) {
    if (!t.endsWith(word)) continue;
    if (word.length === 1 && NOT_OPERATOR_WORDS.has(t.slice(-2))) continue;
    return { rest: t.slice(0, -word.length).trim(), op };
  }
  return { rest: t.trim() };
}

/** The comparison word a unit ends with (`次以上` → 次, `>=`); ignored filler goes too. */
export function splitOperatorSuffix(text: string): { unit: string; op?: ComparisonOp } {
  let t = text.trim();
  for (const w of IGNORED_SUFFIXES) if (t.endsWith(w)) t = t.slice(0, -w.length).trim();
  for (const [word, op] of OPERATOR_SUFFIXES_LONGEST_FIRST) {
    if (t.endsWith(word)) return { unit: t.slice(0, -word.length).trim(), op };
  }
  return { unit: t };
}

/** `台服务器` → unit 台, rest 服务器; `万元` → 万元; `%执行` → %, 执行. */
export function splitUnit(text: string): { unit: string; rest: string } {
  const t = text.trim();
  if (!t) return { unit: '', rest: '' };
  let mult = '';
  for (const m of MULTIPLIERS_LONGEST_FIRST) {
    if (t.startsWith(m)) {
      mult = m;
      break;
    }
  }
  const after = t.slice(mult.length);
  for (const u of KNOWN_UNITS) {
    if (after.startsWith(u)) {
      // A unit with a per-part (`元/人/天`) keeps its denominators.
      const per = /^(?:\/[^\s\d,;、/]+)+/.exec(after.slice(u.length));
      const unit = mult + u + (per ? per[0] : '');
      return { unit, rest: t.slice(unit.length).trim() };
    }
  }
  if (mult) return { unit: mult, rest: after.trim() };
  // An unknown measure word: Chinese classifiers are one character (`栋`, `艘`).
  const first = Array.from(t)[0];
  if (/\p{Script=Han}/u.test(first)) return { unit: first, rest: t.slice(first.length).trim() };
  return { unit: t, rest: '' };
}

/** Longest unit kept as written on a single numeric; longer tails are description. */
const MAX_WRITTEN_UNIT = 6;

interface Part {
  pre: string;
  op?: ComparisonOp;
  value: number;
  max?: number;
  post: string;
}

/** Cut a separator-free run of tokens into parts, one per quantity. */
function partsOf(tokens: Token[]): Part[] | undefined {
  const parts: Part[] = [];
  let pre = '';
  let op: ComparisonOp | undefined;
  let i = 0;
  while (i < tokens.length) {
    const tk = tokens[i];
    if (tk.t === 'text') {
      pre += tk.s;
      i++;
      continue;
    }
    if (tk.t === 'op') {
      op = tk.op;
      i++;
      continue;
    }
    if (tk.t !== 'num') return undefined;
    const part: Part = { pre, op, value: tk.v, post: '' };
    i++;
    // Unit text, then maybe a range: `80%-90%`, `10-20场次`, `10至20`.
    let post = tokens[i]?.t === 'text' ? (tokens[i] as { s: string }).s : '';
    // A number inside a name before the compared one is part of that name
    // (`12315热线接通率≥90%`): no operator of its own, words after it, then an operator.
    if (!op && !splitOperatorWord(pre).op && post && tokens[i + 1]?.t === 'op' && splitUnit(post).rest) {
      pre += tk.raw + post;
      i++;
      continue;
    }
    const rangeAt = RANGE_WORDS.map((w) => ({ w, at: post.indexOf(w) })).find(
      (r) => r.at >= 0 && post.slice(r.at + r.w.length).trim() === '' && tokens[i + 1]?.t === 'num',
    );
    if (rangeAt) {
      const unitA = post.slice(0, rangeAt.at).trim();
      part.max = (tokens[i + 1] as { v: number }).v;
      i += 2;
      post = tokens[i]?.t === 'text' ? (tokens[i] as { s: string }).s : '';
      if (unitA && !post.startsWith(unitA)) return undefined;
    }
    // `1:1`, `8:30`: a ratio or a time of day, not a quantity with a unit.
    if (post.startsWith(':')) return undefined;
    if (post) i++;
    // Text before the next quantity belongs partly to this part (its unit) and partly
    // to the next one (its label): `60人培训2天` → 人 | 培训.
    const nextNum = tokens.slice(i).some((t) => t.t === 'num');
    if (nextNum && post) {
      const ws = post.search(/\s/);
      if (ws > 0) {
        part.post = post.slice(0, ws);
        pre = post.slice(ws).trim();
      } else {
        const { unit, rest } = splitUnit(post);
        part.post = unit;
        pre = rest;
      }
    } else {
      part.post = post;
      pre = '';
    }
    op = undefined;
    parts.push(part);
  }
  // Trailing text after the last part was consumed as its post; leftover pre means an
  // operator or words with no number after them.
  if (pre.trim() || op) {
    if (!parts.length) return [];
    const last = parts[parts.length - 1];
    if (op) return undefined;
    last.post += pre;
  }
  return parts;
}

function numeric(
  pre: string,
  symbolOp: ComparisonOp | undefined,
  value: number,
  post: string,
  asPart: boolean,
): NumericTarget {
  const word = splitOperatorWord(pre);
  const suffix = splitOperatorSuffix(post);
  // A symbol is the most explicit; then a suffix (以上/以内); then a word; else `=`.
  let op: ComparisonOp = symbolOp ?? '=';
  if (!symbolOp && suffix.op) op = suffix.op;
  else if (!symbolOp && word.op) op = word.op;
  else if (symbolOp === '=' && suffix.op) op = suffix.op;
  let unit = suffix.unit;
  let extra = '';
  if (
    asPart ||
    unit.startsWith('%') ||
    unit.startsWith('‰') ||
    (unit.length > MAX_WRITTEN_UNIT && !KNOWN_UNITS.includes(unit))
  ) {
    const split = splitUnit(unit);
    unit = split.unit;
    extra = splitOperatorSuffix(split.rest).unit;
    const sop = splitOperatorSuffix(split.rest).op;
    if (sop && !symbolOp && !suffix.op) op = sop;
  }
  const target: NumericTarget = { kind: 'numeric', op, value, unit };
  const words = [word.rest, extra].filter(Boolean);
  if (asPart) {
    if (words.length) target.label = words.join(' ');
  } else if (words.length) {
    target.qualifier = words.join(' ');
  }
  return target;
}

export type QuantityTarget = NumericTarget | RangeTarget | CompoundTarget;

/** Numeric, range or compound; undefined when the value holds no usable quantity. */
export function readQuantity(normalized: string): QuantityTarget | undefined {
  const tokens = tokenize(normalized);
  if (!tokens.some((t) => t.t === 'num')) return undefined;
  // Segments between separators; a segment without a number is description.
  const segments: Token[][] = [[]];
  for (const tk of tokens) {
    if (tk.t === 'sep') segments.push([]);
    else segments[segments.length - 1].push(tk);
  }
  const parts: Part[] = [];
  const loose: string[] = [];
  for (const seg of segments) {
    const ps = partsOf(seg);
    if (ps === undefined) return undefined;
    if (!ps.length) {
      const text = seg
        .map((t) => (t.t === 'text' ? t.s : ''))
        .join('')
        .trim();
      if (text) loose.push(text);
      continue;
    }
    // Description that stood alone before this segment labels its first part.
    if (loose.length && parts.length) ps[0].pre = `${loose.splice(0).join(' ')} ${ps[0].pre}`.trim();
    parts.push(...ps);
  }
  if (parts.length === 1) {
    const [p] = parts;
    const pre = [...loose, p.pre].filter(Boolean).join(' ');
    if (p.max !== undefined) {
      if (p.op && p.op !== '=') return undefined;
      const { unit } = splitOperatorSuffix(p.post);
      return p.max >= p.value
        ? { kind: 'range', min: p.value, max: p.max, unit }
        : { kind: 'range', min: p.max, max: p.value, unit };
    }
    return numeric(pre, p.op, p.value, p.post, false);
  }
  if (parts.some((p) => p.max !== undefined)) return undefined;
  if (loose.length) parts[0].pre = `${loose.join(' ')} ${parts[0].pre}`.trim();
  return { kind: 'compound', parts: parts.map((p) => numeric(p.pre, p.op, p.value, p.post, true)) };
}
