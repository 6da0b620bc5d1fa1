/**
 * Synthetic target tables (绩效目标表 as tab-separated text, the seed file's layout) for the
 * stages that need more indicators than the seed has. Pure.
 */

const T = '\t';

/** The one agency (预算单位) of the bench's tables. */
export const BENCH_AGENCY = '基准测试局';

/** 指标值 cells of the shapes the catalogue knows, with their 二级指标; cycled per indicator. */
export const MIXED_VALUES: ReadonlyArray<[level2: string, value: string]> = [
  ['数量指标', '≥700批次'],
  ['质量指标', '≥90%'],
  ['成本指标', '≤3000元'],
  ['数量指标', '10-20场次'],
  ['时效指标', '2019年10月31日前'],
  ['时效指标', '2019年6-10月'],
  ['数量指标', '≥15次'],
  ['质量指标', '投诉率≤2%'],
  ['数量指标', '≥300人次'],
  ['质量指标', '有所提升'],
];

export interface TableSpec {
  projects: number;
  indicatorsPerProject: number;
  /** Project name for index i (default 基准项目<i>). */
  projectName?: (i: number) => string;
  /** [二级指标, 指标值] for indicator j of project i (default MIXED_VALUES cycled). */
  value?: (i: number, j: number) => readonly [string, string];
}

export const benchProjectName = (i: number) => `基准项目${i}`;

/**
 * Indicator names are unique within a project (ids follow from project and name). Letters, not
 * digits: the reader takes a name with a number beside a value without one for swapped cells.
 */
export function benchIndicatorName(j: number): string {
  let letters = '';
  for (let k = j; ; k = Math.floor(k / 26) - 1) {
    letters = String.fromCharCode(65 + (k % 26)) + letters;
    if (k < 26) break;
  }
  return `基准指标${letters}`;
}

export function targetTableText(spec: TableSpec): string {
  const name = spec.projectName ?? benchProjectName;
  const value =
    spec.value ?? ((i: number, j: number) => MIXED_VALUES[(i * spec.indicatorsPerProject + j) % MIXED_VALUES.length]);
  const lines: string[] = [];
  for (let i = 0; i < spec.projects; i++) {
    lines.push(
      '项目支出绩效目标表',
      `预算单位${T}${BENCH_AGENCY}${T}${T}项目名称${T}${name(i)}`,
      `项目资金(万元)${T}年度资金总额: 90${T}其中:财政拨款 90${T}其他资金 0`,
      `项目总体目标${T}基准测试`,
      `一级指标${T}二级指标${T}三级指标${T}指标值`,
    );
    for (let j = 0; j < spec.indicatorsPerProject; j++) {
      const [level2, cell] = value(i, j);
      lines.push(`${j === 0 ? '项目完成指标' : ''}${T}${level2}${T}${benchIndicatorName(j)}${T}${cell}`);
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** An owners file (YAML) giving project i the address `owner<i>@bench.test`. */
export function ownersYaml(projects: number, projectName: (i: number) => string = benchProjectName): string {
  const lines = ['fallback: ops@bench.test', 'projects:'];
  for (let i = 0; i < projects; i++) lines.push(`  "${projectName(i)}": [${ownerOf(i)}]`);
  lines.push('indicators: {}');
  return lines.join('\n') + '\n';
}

export const ownerOf = (i: number) => `owner${i}@bench.test`;
