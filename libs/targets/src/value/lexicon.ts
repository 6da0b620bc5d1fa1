/**
 * The words of the 指标值 grammar, as data: extend a table here rather than adding a
 * special case to the parser. docs/domain.md lists the operator words.
 */
import type { ComparisonOp } from '../target';

/** Operator words that stand before a number. Longest match wins, so 不低于 beats 低于. */
export const OPERATOR_WORDS: ReadonlyArray<readonly [string, ComparisonOp]> = [
  ['大于或等于', '>='],
  ['大于等于', '>='],
  ['不得低于', '>='],
  ['不得少于', '>='],
  ['不低于', '>='],
  ['不少于', '>='],
  ['不小于', '>='],
  ['至少', '>='],
  ['大于', '>'],
  ['高于', '>'],
  ['超过', '>'],
  ['多于', '>'],
  ['超出', '>'],
  ['小于或等于', '<='],
  ['小于等于', '<='],
  ['不得超过', '<='],
  ['不得高于', '<='],
  ['不超过', '<='],
  ['不高于', '<='],
  ['不多于', '<='],
  ['不大于', '<='],
  ['控制在', '<='],
  ['至多', '<='],
  ['最多', '<='],
  ['小于', '<'],
  ['低于', '<'],
  ['少于', '<'],
  ['等于', '='],
  ['达到', '='],
  ['达', '='],
  ['为', '='],
];

/**
 * Two-character words that end in a one-character operator word but are not operators
 * (违法行为12起 is not "违法行 = 12").
 */
export const NOT_OPERATOR_WORDS: ReadonlySet<string> = new Set([
  '行为',
  '作为',
  '认为',
  '因为',
  '成为',
  '人为',
  '所为',
  '到达',
  '抵达',
  '下达',
  '传达',
  '送达',
  '表达',
  '发达',
  '转达',
]);

export const OPERATOR_SYMBOLS: Readonly<Record<string, ComparisonOp>> = {
  '≥': '>=',
  '>': '>',
  '≤': '<=',
  '<': '<',
  '=': '=',
};

/**
 * Words after the number (and its unit) that carry the comparison: `10次以上` is `>= 10 次`,
 * `控制在5%以内` is `<= 5 %`. They are not part of the unit. Longest match wins.
 */
export const OPERATOR_SUFFIXES: ReadonlyArray<readonly [string, ComparisonOp]> = [
  ['及以上', '>='],
  ['或以上', '>='],
  ['以上', '>='],
  ['及以下', '<='],
  ['或以下', '<='],
  ['以下', '<='],
  ['以内', '<='],
  ['之内', '<='],
  ['内', '<='],
];

/** Words after the number that add nothing to the reading (approximation, filler). */
export const IGNORED_SUFFIXES: readonly string[] = ['左右'];

/**
 * Units that a compound part may carry before its label (`82台服务器` → 台 + 服务器).
 * A single numeric keeps everything after the number as its unit, as written.
 */
export const KNOWN_UNITS: readonly string[] = [
  '%',
  '‰',
  '平方公里',
  '平方米',
  '立方米',
  '公里',
  '千米',
  '米',
  '公顷',
  '亩',
  '吨',
  '千克',
  '公斤',
  '个工作日',
  '工作日',
  '小时',
  '分钟',
  '秒',
  '年',
  '个月',
  '月',
  '周',
  '天',
  '日',
  '人次',
  '户次',
  '批次',
  '场次',
  '件次',
  '架次',
  '车次',
  '次',
  '元',
  '人',
  '户',
  '家',
  '个',
  '台',
  '套',
  '条',
  '期',
  '份',
  '件',
  '项',
  '批',
  '场',
  '篇',
  '册',
  '页',
  '种',
  '名',
  '位',
  '处',
  '所',
  '座',
  '辆',
  '部',
  '张',
  '本',
  '块',
  '间',
  '起',
  '类',
  '点',
  '句',
  '组',
  '队',
  '支',
  '只',
  '头',
  '株',
  '棵',
  '盏',
  '根',
  '片',
  '床',
  'GB',
  'TB',
  'MB',
  'Mbps',
  'km',
  'kg',
  'm2',
  'm',
].sort((a, b) => b.length - a.length);

/** A multiplier written before the unit (`万元`, `万册`, `亿元`); kept in the unit as written. */
export const MULTIPLIERS: Readonly<Record<string, number>> = {
  百万: 1e6,
  千万: 1e7,
  万: 1e4,
  亿: 1e8,
  千: 1e3,
  百: 1e2,
};

/** Separators between the parts of a compound value (`25期、133天、2500人`). */
export const PART_SEPARATORS = new Set(['、', ',', ';', '|']);

/** Range separators between two numbers (`10-20场次`, `10~20`, `10至20`). */
export const RANGE_WORDS: readonly string[] = ['-', '~', '至', '到'];

/** Cells that mean "no value written". */
export const MISSING_VALUES: ReadonlySet<string> = new Set([
  '',
  '-',
  '/',
  '\\',
  '无',
  '暂无',
  'NA',
  'N/A',
  'n/a',
  '—',
  '--',
]);

/**
 * Words in a qualifier or name that make a rate above 100% legitimate (growth, not a
 * share of a whole): `增长率 ≥120%` is a target, not a contradiction.
 */
export const GROWTH_WORDS: readonly string[] = ['增长', '增幅', '提高', '提升', '增加', '同比', '环比', '超额', '倍'];

/** Chinese numerals used in months, days and quarters (十二月, 三季度). */
export const CN_DIGITS: Readonly<Record<string, number>> = {
  〇: 0,
  零: 0,
  一: 1,
  二: 2,
  两: 2,
  三: 3,
  四: 4,
  五: 5,
  六: 6,
  七: 7,
  八: 8,
  九: 9,
};
