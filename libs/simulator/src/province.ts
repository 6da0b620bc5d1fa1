/**
 * A province to test with: the target tables of N agencies (预算单位) — the finance department's
 * view of ~100 agencies and ~1,000 indicators each — with their owners and bindings. Pure and
 * deterministic: the same options give the same bytes.
 *
 * Every agency writes one file with all its projects (项目支出绩效目标表): half of them in the
 * one-value-column template (tab-separated `.txt`, operator, number and unit in one cell, as
 * tables were written before ~2020), half in the split-column national template (`.csv` with
 * 指标性质 | 指标值 | 度量单位 | 指标值说明 | 权重). Indicators follow the 2019+ level vocabulary
 * (产出/效益/满意度指标) and the value shapes the tables use: floors and caps, rates,
 * deadlines, costs, qualitative and year-on-year targets, recurring ones.
 *
 * Project names are unique within the province (an agency's projects carry its short name), so
 * the bindings and owners files name projects alone. Each project's satisfaction indicator is
 * bound to a survey (`surveyKey: <project>/<indicator>`); everything else is fed by
 * measurements. Each project has one owner; the office is the fallback.
 */
import { Rng } from './prng';

export interface ProvinceOptions {
  agencies: number;
  seed: number;
  /** Default 2019. */
  fiscalYear?: number;
  /** Average indicators per agency (default 1000). */
  indicatorsPerAgency?: number;
}

export type ProvinceTemplate = 'one-column' | 'split-column';

export interface ProvinceAgency {
  name: string;
  /** Path of its table, relative to the output folder. */
  file: string;
  template: ProvinceTemplate;
  projects: number;
  indicators: number;
}

export interface ProvinceFile {
  /** Relative to the output folder, `/`-separated. */
  path: string;
  text: string;
}

export interface Province {
  fiscalYear: number;
  agencies: ProvinceAgency[];
  projects: number;
  indicators: number;
  /** The tables under `targets/`, then `owners.yaml` and `bindings.yaml`. */
  files: ProvinceFile[];
}

export const MAX_PROVINCE_AGENCIES = 500;

const DEPARTMENTS = [
  '发展和改革委员会',
  '教育厅',
  '科学技术厅',
  '工业和信息化厅',
  '公安厅',
  '民政厅',
  '司法厅',
  '财政厅',
  '人力资源和社会保障厅',
  '自然资源厅',
  '生态环境厅',
  '住房和城乡建设厅',
  '交通运输厅',
  '水利厅',
  '农业农村厅',
  '商务厅',
  '文化和旅游厅',
  '卫生健康委员会',
  '退役军人事务厅',
  '应急管理厅',
  '审计厅',
  '市场监督管理局',
  '广播电视局',
  '体育局',
  '统计局',
  '林业和草原局',
  '医疗保障局',
  '机关事务管理局',
  '地方金融监督管理局',
  '粮食和物资储备局',
  '药品监督管理局',
  '知识产权局',
  '乡村振兴局',
  '档案局',
  '人民防空办公室',
];

const PREFECTURES = [
  '乌鲁木齐市',
  '克拉玛依市',
  '吐鲁番市',
  '哈密市',
  '昌吉回族自治州',
  '伊犁哈萨克自治州',
  '阿克苏地区',
  '喀什地区',
  '和田地区',
  '塔城地区',
  '阿勒泰地区',
  '博尔塔拉蒙古自治州',
  '巴音郭楞蒙古自治州',
  '克孜勒苏柯尔克孜自治州',
];

const PROJECT_TOPICS = [
  '信息化建设运维',
  '专项业务',
  '执法装备购置',
  '业务培训',
  '宣传教育',
  '监督检查',
  '应急处置能力建设',
  '课题研究',
  '地方标准制定',
  '档案数字化',
  '办公用房维修改造',
  '基层能力建设',
  '政务服务平台运维',
  '数据中心运维',
  '统计调查',
  '公共服务体系建设',
  '人才队伍建设',
  '安全生产监管',
  '质量提升行动',
  '乡村振兴帮扶',
  '民族团结一家亲活动',
  '科普宣传',
  '法律援助',
  '职业技能培训补贴',
  '检验检测能力提升',
  '公务用车运行维护',
  '网络安全等级保护',
  '视频监控系统运维',
  '专家咨询评审',
  '重点项目前期工作',
  '社会信用体系建设',
  '政府购买服务',
  '对口援疆协调',
  '舆情监测',
  '基础数据普查',
  '党建工作',
  '窗口服务提升',
  '行政执法规范化建设',
  '电子政务外网运维',
  '双随机一公开检查',
];

const PROJECT_SUFFIXES = ['经费', '项目', '专项资金', '补助资金', '工作经费'];

/** What a count counts: [name, unit, low, high]. `{o}` is the object. */
const COUNTS: ReadonlyArray<readonly [string, string, number, number]> = [
  ['开展{o}次数', '次', 2, 60],
  ['{o}场次', '场', 2, 40],
  ['{o}人次', '人次', 100, 5000],
  ['{o}批次', '批次', 50, 3000],
  ['完成{o}数量', '项', 1, 30],
  ['{o}覆盖单位', '家', 10, 300],
  ['形成{o}报告', '份', 1, 12],
  ['{o}受益户数', '户', 100, 20000],
];

const OBJECTS = [
  '监督检查',
  '业务培训',
  '宣传活动',
  '抽样检测',
  '专项督查',
  '日常巡查',
  '设备购置',
  '系统运维',
  '专题调研',
  '课题研究',
  '案件办理',
  '投诉处理',
  '数据采集',
  '档案整理',
  '平台建设',
  '工作会议',
  '标准制定',
  '检验检测',
  '应急演练',
  '执法检查',
  '结对帮扶',
  '走访慰问',
  '技能鉴定',
  '资料印制',
  '专家评审',
  '信息发布',
  '网络安全检查',
  '视频会议',
  '基层指导',
  '现场核查',
];

const RATES = ['合格率', '完成率', '覆盖率', '达标率', '准确率', '办结率', '及时率', '验收合格率'];
const COSTS = ['{o}费用', '{o}成本', '{o}支出'];
const QUALITATIVE = ['有所提升', '明显改善', '有效保障', '持续发挥作用', '逐步完善', '显著提高'];
const BENEFITS = [
  '社会影响力',
  '群众获得感',
  '服务保障能力',
  '工作规范化水平',
  '公众知晓度',
  '治理能力',
  '行业发展水平',
  '营商环境',
  '公共安全保障水平',
  '信息化支撑能力',
  '基层服务能力',
  '政策知晓率',
  '社会秩序',
  '生态环境质量',
  '民生保障水平',
  '办事便利度',
];
const SUSTAINABLE = ['长效机制建设', '成果持续利用', '制度体系完善'];
const SATISFIED = ['服务对象满意度', '群众满意度', '企业满意度', '参训人员满意度', '社会公众满意度'];

/** One indicator as both templates write it. */
interface Row {
  level1: string;
  level2: string;
  name: string;
  /** The one-column cell: operator, number and unit together. */
  value: string;
  /** The split columns. */
  direction: string;
  amount: string;
  unit: string;
  note: string;
  weight: number;
}

interface ProjectSpec {
  name: string;
  total: number;
  fiscal: number;
  other: number;
  goal: string;
  rows: Row[];
  /** The satisfaction indicator bound to a survey. */
  surveyed: string | null;
}

/** The province's agencies in a fixed order: the autonomous region's departments, then the prefectures'. */
export function provinceAgencyNames(count: number): string[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_PROVINCE_AGENCIES)
    throw new RangeError(`agencies: expected 1 to ${MAX_PROVINCE_AGENCIES}, got ${count}`);
  const names: string[] = DEPARTMENTS.map((d) => `自治区${d}`);
  for (const p of PREFECTURES)
    for (const d of DEPARTMENTS) names.push(`${p}${d.replace(/厅$/, '局').replace(/^人民防空办公室$/, '人防办')}`);
  return names.slice(0, count);
}

/** `乌鲁木齐市教育局` → `乌鲁木齐市教育局`; `自治区教育厅` → `自治区教育厅`: the agency as project names carry it. */
function shortName(agency: string): string {
  return agency.replace(/委员会$/, '委');
}

const fmt = (n: number) => String(Math.round(n * 10) / 10);

function pick<T>(rng: Rng, list: readonly T[]): T {
  return list[rng.int(0, list.length - 1)];
}

function row(level1: string, level2: string, name: string, r: Omit<Row, 'level1' | 'level2' | 'name'>): Row {
  return { level1, level2, name, ...r };
}

/** A project's indicators, about `size` of them, names unique within the project. */
function indicators(rng: Rng, year: number, size: number): { rows: Row[]; surveyed: string | null } {
  const rows: Row[] = [];
  const used = new Set<string>();
  /** A name not used yet in this project: drawn again, else numbered (`…第2项`). */
  const unique = (draw: () => string) => {
    let n = draw();
    for (let tries = 0; used.has(n) && tries < 20; tries++) n = draw();
    const base = n;
    for (let k = 2; used.has(n); k++) n = `${base}第${k}项`;
    used.add(n);
    return n;
  };
  const objects = () => pick(rng, OBJECTS);
  const quantity = Math.max(3, Math.round(size * 0.4));
  const quality = Math.max(1, Math.round(size * 0.15));
  const timely = Math.max(1, Math.round(size * 0.1));
  const cost = Math.max(1, Math.round(size * 0.1));
  const benefit = Math.max(1, size - quantity - quality - timely - cost - 2);

  for (let i = 0; i < quantity; i++) {
    const [pattern, unit, lo, hi] = pick(rng, COUNTS);
    const name = unique(() => pattern.replace('{o}', objects()));
    const n = rng.int(lo, hi);
    const roll = rng.float();
    if (roll < 0.06) {
      // How often: `每月1次`, `每季度不少于2次`.
      const [every, per] = rng.chance(0.5) ? ['每月', rng.int(1, 2)] : ['每季度', rng.int(1, 3)];
      const text = per > 1 ? `${every}不少于${per}次` : `${every}${per}次`;
      rows.push(
        row('产出指标', '数量指标', name, { value: text, direction: '', amount: text, unit: '', note: '', weight: 5 }),
      );
    } else if (roll < 0.25) {
      rows.push(
        row('产出指标', '数量指标', name, {
          value: `${n}${unit}`,
          direction: '＝',
          amount: String(n),
          unit,
          note: '',
          weight: 5,
        }),
      );
    } else {
      const note = rng.chance(0.3) ? `全年不少于${n}${unit}` : '';
      rows.push(
        row('产出指标', '数量指标', name, {
          value: `≥${n}${unit}`,
          direction: '≥',
          amount: String(n),
          unit,
          note,
          weight: 5,
        }),
      );
    }
  }
  for (let i = 0; i < quality; i++) {
    const name = unique(() => `${objects()}${pick(rng, RATES)}`);
    const p = rng.chance(0.2) ? 100 : rng.int(85, 99);
    const [value, direction] = p === 100 ? ['100%', '＝'] : [`≥${p}%`, '≥'];
    rows.push(
      row('产出指标', '质量指标', name, { value, direction, amount: String(p), unit: '%', note: '', weight: 5 }),
    );
  }
  for (let i = 0; i < timely; i++) {
    const name = unique(() => `${objects()}完成时间`);
    const month = rng.int(3, 12);
    const text = rng.chance(0.5) ? `${year}年${month}月底前` : `${year}年${month}月${rng.int(1, 28)}日前`;
    rows.push(
      row('产出指标', '时效指标', name, {
        value: text,
        direction: '定性',
        amount: text,
        unit: '',
        note: '',
        weight: 5,
      }),
    );
  }
  for (let i = 0; i < cost; i++) {
    const name = unique(() => pick(rng, COSTS).replace('{o}', objects()));
    const amount = fmt(rng.uniform(2, 300));
    const capped = rng.chance(0.7);
    rows.push(
      row('产出指标', '成本指标', name, {
        value: capped ? `≤${amount}万元` : `${amount}万元`,
        direction: capped ? '≤' : '＝',
        amount,
        unit: '万元',
        note: '',
        weight: 5,
      }),
    );
  }
  for (let i = 0; i < benefit; i++) {
    const sustainable = i === benefit - 1 && rng.chance(0.5);
    const level2 = sustainable ? '可持续影响指标' : '社会效益指标';
    const name = unique(() => (sustainable ? pick(rng, SUSTAINABLE) : pick(rng, BENEFITS)));
    const roll = rng.float();
    if (!sustainable && roll < 0.15) {
      const p = rng.int(3, 15);
      const text = `较上年增长${p}%`;
      rows.push(
        row('效益指标', level2, name, { value: text, direction: '', amount: text, unit: '', note: '', weight: 5 }),
      );
    } else if (!sustainable && roll < 0.35) {
      const p = rng.int(60, 95);
      rows.push(
        row('效益指标', level2, name, {
          value: `≥${p}%`,
          direction: '≥',
          amount: String(p),
          unit: '%',
          note: '',
          weight: 5,
        }),
      );
    } else {
      const text = pick(rng, QUALITATIVE);
      rows.push(
        row('效益指标', level2, name, { value: text, direction: '定性', amount: text, unit: '', note: '', weight: 5 }),
      );
    }
  }
  const satisfied = unique(() => pick(rng, SATISFIED));
  const s = rng.int(85, 95);
  rows.push(
    row('满意度指标', '服务对象满意度指标', satisfied, {
      value: `≥${s}%`,
      direction: '≥',
      amount: String(s),
      unit: '%',
      note: '',
      weight: 10,
    }),
  );
  return { rows, surveyed: satisfied };
}

function projects(rng: Rng, agency: string, year: number, target: number): ProjectSpec[] {
  const out: ProjectSpec[] = [];
  const combos = PROJECT_TOPICS.flatMap((t) => PROJECT_SUFFIXES.map((s) => `${t}${s}`));
  for (let i = combos.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [combos[i], combos[j]] = [combos[j], combos[i]];
  }
  let count = 0;
  for (const combo of combos) {
    if (count >= target) break;
    const size = rng.int(10, 26);
    const { rows, surveyed } = indicators(rng, year, size);
    const total = Math.round(rng.uniform(20, 2000) * 10) / 10;
    const other = rng.chance(0.2) ? Math.round(total * rng.uniform(0.05, 0.3) * 10) / 10 : 0;
    out.push({
      name: `${shortName(agency)}${combo}`,
      total,
      fiscal: Math.round((total - other) * 10) / 10,
      other,
      goal: `${year}年完成${combo.replace(/(经费|项目|专项资金|补助资金|工作经费)$/, '')}各项任务，提升履职能力和服务水平。`,
      rows,
      surveyed,
    });
    count += rows.length;
  }
  return out;
}

function oneColumnTable(agency: string, year: number, projectList: ProjectSpec[]): string {
  const lines: string[] = [];
  for (const p of projectList) {
    lines.push('项目支出绩效目标表', `（${year}年度）`);
    lines.push(`预算单位\t${agency}\t\t\t项目名称\t${p.name}`);
    lines.push(
      `项目资金（万元）\t年度资金总额：\t${fmt(p.total)}\t其中：财政拨款\t${fmt(p.fiscal)}\t其他资金\t${fmt(p.other)}`,
    );
    lines.push(`项目总体目标\t${p.goal}`);
    lines.push('一级指标\t二级指标\t三级指标\t指标值（包含数字及文字描述）');
    let l1 = '';
    let l2 = '';
    for (const r of p.rows) {
      lines.push(
        `${r.level1 === l1 ? '' : r.level1}\t${r.level2 === l2 && r.level1 === l1 ? '' : r.level2}\t${r.name}\t${r.value}`,
      );
      l1 = r.level1;
      l2 = r.level2;
    }
    lines.push('');
  }
  return lines.join('\n');
}

function splitColumnTable(agency: string, year: number, projectList: ProjectSpec[]): string {
  const lines: string[] = [];
  const csv = (cells: Array<string | number>) => cells.join(',');
  for (const p of projectList) {
    lines.push(csv(['项目支出绩效目标表']), csv([`（${year}年度）`]));
    lines.push(csv(['项目名称', p.name]), csv(['主管部门', agency, '实施单位', agency]));
    lines.push(csv(['项目资金（万元）', '年度资金总额', fmt(p.total)]));
    lines.push(csv(['', '其中：财政拨款', fmt(p.fiscal)]), csv(['', '其他资金', fmt(p.other)]));
    lines.push(csv(['年度绩效目标', p.goal.replace(/，/g, '、')]));
    lines.push(
      csv(['一级指标', '二级指标', '三级指标', '指标性质', '指标值', '度量单位', '指标值说明', '权重（分值）']),
    );
    let l1 = '';
    let l2 = '';
    for (const r of p.rows) {
      lines.push(
        csv([
          r.level1 === l1 ? '' : r.level1,
          r.level2 === l2 && r.level1 === l1 ? '' : r.level2,
          r.name,
          r.direction,
          r.amount,
          r.unit,
          r.note,
          r.weight,
        ]),
      );
      l1 = r.level1;
      l2 = r.level2;
    }
    lines.push('');
  }
  return lines.join('\n');
}

/** A YAML double-quoted scalar (JSON's string syntax is YAML's). */
const q = (s: string) => JSON.stringify(s);

export function generateProvince(options: ProvinceOptions): Province {
  const year = options.fiscalYear ?? 2019;
  const perAgency = options.indicatorsPerAgency ?? 1000;
  if (!Number.isInteger(options.seed) || options.seed < 0)
    throw new RangeError(`seed: expected a non-negative integer, got ${options.seed}`);
  if (!Number.isInteger(perAgency) || perAgency < 20 || perAgency > 5000)
    throw new RangeError(`indicators per agency: expected 20 to 5000, got ${perAgency}`);
  const names = provinceAgencyNames(options.agencies);
  const agencies: ProvinceAgency[] = [];
  const files: ProvinceFile[] = [];
  const owners: string[] = ['fallback: office@czt.example.gov.cn', 'projects:'];
  const bindings: string[] = ['version: 1', 'bindings:'];
  let projectCount = 0;
  let indicatorCount = 0;
  names.forEach((agency, a) => {
    const rng = Rng.for(options.seed, 'province', agency);
    const target = Math.round(perAgency * rng.uniform(0.8, 1.2));
    const list = projects(rng, agency, year, target);
    const template: ProvinceTemplate = a % 2 === 0 ? 'one-column' : 'split-column';
    const number = String(a + 1).padStart(3, '0');
    const file = `targets/${number}-${agency}.${template === 'one-column' ? 'txt' : 'csv'}`;
    const text = template === 'one-column' ? oneColumnTable(agency, year, list) : splitColumnTable(agency, year, list);
    files.push({ path: file, text });
    const indicatorsHere = list.reduce((n, p) => n + p.rows.length, 0);
    agencies.push({ name: agency, file, template, projects: list.length, indicators: indicatorsHere });
    projectCount += list.length;
    indicatorCount += indicatorsHere;
    list.forEach((p, j) => {
      owners.push(`  ${q(p.name)}: [a${number}-p${String(j + 1).padStart(3, '0')}@example.gov.cn]`);
      if (p.surveyed)
        bindings.push(
          `  - project: ${q(p.name)}`,
          '    indicators:',
          `      - indicator: ${q(p.surveyed)}`,
          '        from: surveys',
          `        where: { surveyKey: ${q(`${p.name}/${p.surveyed}`)} }`,
          '        measure: ratio',
          '        numerator: satisfied',
          '        denominator: respondents',
        );
    });
  });
  files.push({ path: 'owners.yaml', text: owners.join('\n') + '\n' });
  files.push({ path: 'bindings.yaml', text: bindings.join('\n') + '\n' });
  return { fiscalYear: year, agencies, projects: projectCount, indicators: indicatorCount, files };
}
