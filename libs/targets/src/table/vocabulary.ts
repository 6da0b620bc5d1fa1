/**
 * The indicator taxonomy (docs/domain.md): level cells are recognised by vocabulary
 * wherever they stand in a row, and level-1 follows from level-2.
 *
 *   family        level-1 old / 2021+      level-2
 *   output        项目完成指标 / 产出指标   数量 质量 时效 成本指标
 *   benefit       项目效益指标 / 效益指标   经济 社会 生态 效益指标, 可持续影响指标
 *   satisfaction  满意度指标               满意度指标, 服务对象满意度指标 …
 *   cost          — / 成本指标 (2021 财政部 template)   经济 社会 生态环境 成本指标
 */
import { memoize, nfkc } from '../util/text';

export type Family = 'output' | 'benefit' | 'satisfaction' | 'cost';
export type Vocabulary = 'old' | 'new';

export interface LevelTerm {
  /** The term as the vocabulary spells it (output uses this, not the raw cell). */
  term: string;
  family: Family;
  /** Can stand as level-1 / level-2. 满意度指标 and 成本指标 can be both. */
  asLevel1: boolean;
  asLevel2: boolean;
  /** Which vocabulary a level-1 term belongs to, when only one. */
  vocabulary?: Vocabulary;
}

const TERMS: LevelTerm[] = [
  { term: '项目完成指标', family: 'output', asLevel1: true, asLevel2: false, vocabulary: 'old' },
  { term: '产出指标', family: 'output', asLevel1: true, asLevel2: false, vocabulary: 'new' },
  { term: '项目效益指标', family: 'benefit', asLevel1: true, asLevel2: false, vocabulary: 'old' },
  { term: '效益指标', family: 'benefit', asLevel1: true, asLevel2: false, vocabulary: 'new' },
  { term: '满意度指标', family: 'satisfaction', asLevel1: true, asLevel2: true },
  { term: '数量指标', family: 'output', asLevel1: false, asLevel2: true },
  { term: '质量指标', family: 'output', asLevel1: false, asLevel2: true },
  { term: '时效指标', family: 'output', asLevel1: false, asLevel2: true },
  // Level-2 of 产出/项目完成 in most templates; level-1 in the 2021 财政部 one (see readLevels).
  { term: '成本指标', family: 'output', asLevel1: false, asLevel2: true },
  { term: '经济效益指标', family: 'benefit', asLevel1: false, asLevel2: true },
  { term: '社会效益指标', family: 'benefit', asLevel1: false, asLevel2: true },
  { term: '生态效益指标', family: 'benefit', asLevel1: false, asLevel2: true },
  { term: '可持续影响指标', family: 'benefit', asLevel1: false, asLevel2: true },
  { term: '服务对象满意度指标', family: 'satisfaction', asLevel1: false, asLevel2: true },
  { term: '经济成本指标', family: 'cost', asLevel1: false, asLevel2: true },
  { term: '社会成本指标', family: 'cost', asLevel1: false, asLevel2: true },
  { term: '生态环境成本指标', family: 'cost', asLevel1: false, asLevel2: true },
];

/** Level-2 terms built on a known stem (生态环境效益指标, 社会公众满意度指标, …). */
const PATTERNS: Array<{ re: RegExp; family: Family }> = [
  { re: /^[\p{Script=Han}]{1,6}效益指标$/u, family: 'benefit' },
  { re: /^[\p{Script=Han}]{1,6}影响指标$/u, family: 'benefit' },
  { re: /^[\p{Script=Han}]{1,8}满意度指标$/u, family: 'satisfaction' },
  { re: /^[\p{Script=Han}]{2,6}成本指标$/u, family: 'cost' },
];

const LEVEL1_NAMES: Record<Vocabulary, Record<Family, string>> = {
  old: { output: '项目完成指标', benefit: '项目效益指标', satisfaction: '满意度指标', cost: '成本指标' },
  new: { output: '产出指标', benefit: '效益指标', satisfaction: '满意度指标', cost: '成本指标' },
};

export function level1For(family: Family, vocabulary: Vocabulary): string {
  return LEVEL1_NAMES[vocabulary][family];
}

/** Level cells carry layout noise: spaces inside, a weight `(30分)`, a trailing colon. */
export function levelKey(cell: string): string {
  return nfkc(cell)
    .replace(/\s+/g, '')
    .replace(/\([^()]*\)$/u, '')
    .replace(/[:：]$/u, '');
}

function distance(a: string, b: string): number {
  const x = Array.from(a);
  const y = Array.from(b);
  if (Math.abs(x.length - y.length) > 1) return 2;
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++)
      cur[j] = Math.min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] === y[j - 1] ? 0 : 1));
    prev = cur;
  }
  return prev[y.length];
}

export interface LevelMatch extends LevelTerm {
  /** Set when the cell was read as `term` despite a typo/OCR slip. */
  misspelled?: string;
}

/**
 * The level term a cell spells, if any. `fuzzy` also accepts one wrong, missing or extra
 * character (OCR: 项目完戍指标) — only used where a level cell is expected.
 */
export function levelOf(cell: string, fuzzy = false): LevelMatch | undefined {
  return (fuzzy ? levelOfFuzzy : levelOfExact)(cell);
}

const levelOfExact = memoize((cell: string) => matchLevel(cell, false));
const levelOfFuzzy = memoize((cell: string) => matchLevel(cell, true));

function matchLevel(cell: string, fuzzy: boolean): LevelMatch | undefined {
  const key = levelKey(cell);
  if (!key || key.length > 12) return undefined;
  const exact = TERMS.find((t) => t.term === key);
  if (exact) return exact;
  for (const p of PATTERNS) {
    if (p.re.test(key)) return { term: key, family: p.family, asLevel1: false, asLevel2: true };
  }
  if (fuzzy && key.length >= 4 && !/\d/.test(key)) {
    const near = TERMS.find((t) => distance(t.term, key) <= 1);
    if (near) return { ...near, misspelled: cell.trim() };
  }
  return undefined;
}

/** Which vocabulary a set of level-1 cells uses; undefined when they do not say. */
export function vocabularyOf(level1Terms: Iterable<string>): Vocabulary | undefined {
  let old = 0;
  let neu = 0;
  for (const t of level1Terms) {
    const v = TERMS.find((x) => x.term === t)?.vocabulary;
    if (v === 'old') old++;
    if (v === 'new') neu++;
  }
  if (!old && !neu) return undefined;
  return neu > old ? 'new' : 'old';
}

export function familyOf(term: string): Family | undefined {
  return levelOf(term)?.family;
}
