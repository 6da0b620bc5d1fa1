import type { Target } from '../target';
import { compound, deadline, num, part, qual, SEED_VALUES, window } from '../../test/seed-values';
import { readTarget, targetWarnings } from './read-target';

const FY = 2019;

/** docs/domain.md, every example cell of the target-value table. */
const PRODUCT_EXAMPLES: Array<[string, Target]> = [
  ['≥30个', num('>=', 30, '个')],
  ['大于等于15次', num('>=', 15, '次')],
  ['10次以上', num('>=', 10, '次')],
  ['<1200元/人', num('<', 1200, '元/人')],
  ['$\\geq 95\\%$', num('>=', 95, '%')],
  ['100%', num('=', 100, '%')],
  ['投诉率≤2%', num('<=', 2, '%', { qualifier: '投诉率' })],
  ['控制在5%以内', num('<=', 5, '%')],
  ['≥ 300 批次', num('>=', 300, '批次')],
  ['10-20场次', { kind: 'range', min: 10, max: 20, unit: '场次' }],
  ['2019年10月31日前', deadline('2019-10-31')],
  ['11月底前', deadline('2019-11-30')],
  ['2019年底完成', deadline('2019-12-31')],
  ['2019年8月底', deadline('2019-08-31')],
  ['2019年12月', deadline('2019-12-31')],
  ['2019年6--10月开展', window('2019-06-01', '2019-10-31')],
  ['2019年1-12月', window('2019-01-01', '2019-12-31')],
  ['25期、133天、2500人', compound(part('=', 25, '期'), part('=', 133, '天'), part('=', 2500, '人'))],
  ['82台服务器，58台网络设备', compound(part('=', 82, '台', '服务器'), part('=', 58, '台', '网络设备'))],
  ['县道≥95%，乡村道≥90%', compound(part('>=', 95, '%', '县道'), part('>=', 90, '%', '乡村道'))],
  [
    '本年度为95万套*0.8元/套=75万元',
    { kind: 'formula', value: 75, unit: '万元', expression: '95万套*0.8元/套', consistent: false },
  ],
  ['有所提升', qual('有所提升')],
  ['显著', qual('显著')],
  ['长期', qual('长期')],
  ['正常运行', qual('正常运行')],
  ['', { kind: 'missing' }],
  // Operator words, both spellings of each.
  ['不低于95%', num('>=', 95, '%')],
  ['不少于3次', num('>=', 3, '次')],
  ['高于95%', num('>', 95, '%')],
  ['超过10家', num('>', 10, '家')],
  ['不超过10%', num('<=', 10, '%')],
  ['不高于2小时', num('<=', 2, '小时')],
  ['小于等于5天', num('<=', 5, '天')],
  ['低于1%', num('<', 1, '%')],
  ['小于3起', num('<', 3, '起')],
  ['达到90%', num('=', 90, '%')],
  ['等于100%', num('=', 100, '%')],
  ['5%以下', num('<=', 5, '%')],
  ['1,200万元', num('=', 1200, '万元')],
  ['≥１２０个', num('>=', 120, '个')],
  ['＞９５％', num('>', 95, '%')],
  ['第四季度', deadline('2019-12-31')],
  ['四季度末', deadline('2019-12-31')],
  ['三季度末', deadline('2019-09-30')],
  ['11月前', deadline('2019-10-31', '2019-11-30')],
];

/** Other agencies' and years' spellings the grammar must also read. */
const OTHER_SPELLINGS: Array<[string, Target]> = [
  ['2021年第三季度末', deadline('2021-09-30')],
  ['二〇一九年十二月底前', deadline('2019-12-31')],
  ['十月底', deadline('2019-10-31')],
  ['上半年', deadline('2019-06-30')],
  ['年底前', deadline('2019-12-31')],
  ['2019-10-31', deadline('2019-10-31')],
  ['2019年9月31日前', deadline('2019-09-30')],
  ['1月前', deadline('2018-12-31', '2019-01-31')],
  ['2019年3月1日-2019年11月30日', window('2019-03-01', '2019-11-30')],
  ['3月至11月', window('2019-03-01', '2019-11-30')],
  ['80%-90%', { kind: 'range', min: 80, max: 90, unit: '%' }],
  ['20~10个', { kind: 'range', min: 10, max: 20, unit: '个' }],
  ['24小时内', num('<=', 24, '小时')],
  ['合格率不低于95%', num('>=', 95, '%', { qualifier: '合格率' })],
  ['违法行为12起', num('=', 12, '起', { qualifier: '违法行为' })],
  ['12315热线接通率≥90%', num('>=', 90, '%', { qualifier: '12315热线接通率' })],
  ['2019年完成10项', num('=', 10, '项', { qualifier: '2019年完成' })],
  ['完成2家质量强市示范城市通过国家验收', num('=', 2, '家', { qualifier: '完成 质量强市示范城市通过国家验收' })],
  ['10 000 人', num('=', 10000, '人')],
  [
    '单价0.8元×100万套=80万元',
    { kind: 'formula', value: 80, unit: '万元', expression: '0.8元×100万套', consistent: true },
  ],
  ['3×4+2=14项', { kind: 'formula', value: 14, unit: '项', expression: '3×4+2', consistent: true }],
  ['每月10日前', { kind: 'recurring', every: 'month', count: null, op: null, dueDay: 10 }],
  ['/', { kind: 'missing' }],
  ['无', { kind: 'missing' }],
  ['县道≥95% 乡村道≥90%', compound(part('>=', 95, '%', '县道'), part('>=', 90, '%', '乡村道'))],
  ['≤ 2 ％', num('<=', 2, '%')],
  ['$\\leq 5\\%$', num('<=', 5, '%')],
  ['≧98%', num('>=', 98, '%')],
  ['Q4', deadline('2019-12-31')],
  ['第三季度前', deadline('2019-09-30')],
  ['2019.12.31前', deadline('2019-12-31')],
  ['10月10日-10月20日', window('2019-10-10', '2019-10-20')],
  ['≥2019年水平', qual('≥2019年水平')],
  ['1:1', qual('1:1')],
  ['5-10个工作日', { kind: 'range', min: 5, max: 10, unit: '个工作日' }],
  ['1次/月', { kind: 'recurring', every: 'month', count: 1, op: '=', dueDay: null }],
  ['每季度1次', { kind: 'recurring', every: 'quarter', count: 1, op: '=', dueDay: null }],
  ['≤1‰', num('<=', 1, '‰')],
  ['2万人次以上', num('>=', 2, '万人次')],
  ['3个月内', num('<=', 3, '个月')],
  ['100万元以内', num('<=', 100, '万元')],
  ['较上年增长10%', { kind: 'relative', op: '>=', change: 10, unit: '%', base: 'previous_year' }],
  ['不少于5000份、覆盖14个地州', compound(part('>=', 5000, '份'), part('=', 14, '个', '覆盖 地州'))],
];

describe('readTarget', () => {
  describe.each([
    ['docs/domain.md examples', PRODUCT_EXAMPLES],
    ['seed values', SEED_VALUES],
    ['other spellings', OTHER_SPELLINGS],
  ])('%s', (_name, table) => {
    it.each(table)('%s', (value, expected) => {
      const { target } = readTarget(value, FY);
      expect(target).toEqual(JSON.parse(JSON.stringify(expected)));
    });
  });

  it('keeps qualifier and unit keys in the documented order', () => {
    expect(Object.keys(readTarget('投诉率≤2%', FY).target)).toEqual(['kind', 'op', 'value', 'unit', 'qualifier']);
  });

  it('notes a day that does not exist', () => {
    expect(readTarget('2019年9月31日前', FY).notes).toEqual(['2019年9月 has no day 31; read as 2019-09-30']);
  });
});

describe('targetWarnings', () => {
  const cases: Array<[string, string, string[]]> = [
    ['≥100%', '各地州对项目管理的满意度', ['needs perfection: ≥100% is met only by 100% exactly']],
    ['>100%', '验收合格率', ['cannot be met by definition: a share cannot exceed 100% (> 100%)']],
    ['≥120%', '营业收入增长率', []],
    ['<0', '购置合同执行违规率', ['cannot be met by definition: nothing is < 0']],
    ['100%', '问题处置率', []],
    ['≥98%', '会议培训计划按期完成率', []],
    ['本年度为95万套*0.8元/套=75万元', '本年度预计印刷执照成本', ['formula does not hold: 95万套*0.8元/套 ≠ 75万元']],
    ['2018年12月', '任务完成时间', ['date 2018-12-31 lies outside fiscal year 2019']],
    ['县道≥100%，乡村道≥90%', '道路覆盖率', ['县道: needs perfection: ≥100% is met only by 100% exactly']],
  ];
  it.each(cases)('%s (%s)', (value, name, expected) => {
    expect(targetWarnings(readTarget(value, FY).target, name, FY)).toEqual(expected);
  });
});
