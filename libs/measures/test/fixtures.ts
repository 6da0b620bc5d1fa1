import { indicatorId, projectId, type NumericTarget, type ParsedCatalogue, type Target } from '@iw/targets';

/** The sample table's 预算单位 (the agency its ids carry). */
export const SEED_AGENCY = '新疆维吾尔自治区市场监督管理局';

/**
 * Test fixtures: a catalogue built by hand from the seed tables
 * (samples/targets-2019-xinjiang-market-supervision.txt) holding every indicator that
 * samples/bindings.yaml binds, read into the target shapes of docs/domain.md, plus a few
 * unbound ones (a compound, deadlines, a window, qualitative). It stands in for the parsed
 * seed until the parser lands (seed-bindings.spec.ts then checks the real thing).
 */

const n = (
  op: NumericTarget['op'],
  value: number,
  unit: string,
  extra: Partial<NumericTarget> = {},
): NumericTarget => ({ kind: 'numeric', op, value, unit, ...extra });
const pct = (op: NumericTarget['op'], value: number) => n(op, value, '%');
const deadline = (by: string): Target => ({ kind: 'deadline', by });

type Row = [name: string, target: Target];
type ProjectRow = [name: string, fundsTotal: number | null, rows: Row[]];

export const SEED_PROJECTS: ProjectRow[] = [
  [
    '个体私营经济发展、“小个专”党建工作及地理标志商标宣传经费',
    90,
    [
      ['打造非公党建示范点完成时间', deadline('2019-10-31')],
      ['打造非公党建示范点', n('>=', 30, '个')],
      ['各地州对项目管理的满意度', pct('>=', 100)],
      ['受益对象抽样满意度', pct('>=', 100)],
    ],
  ],
  [
    '工商行政管理业务费',
    1050,
    [
      ['案件办结率', pct('>=', 90)],
      ['执法办案数', n('>=', 15, '件')],
      [
        '会议培训的次数人数天数',
        {
          kind: 'compound',
          parts: [
            n('=', 25, '期', { label: '期' }),
            n('=', 133, '天', { label: '天' }),
            n('=', 2500, '人', { label: '人' }),
          ],
        },
      ],
      ['市场监管社会影响力', { kind: 'qualitative', text: '有所提升' }],
      ['干部职工满意度', pct('>=', 98)],
      ['社会公众满意度', pct('>=', 80)],
      ['受训学员满意度', pct('>=', 95)],
      ['消费者的满意度', pct('>=', 90)],
    ],
  ],
  [
    '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费',
    187.5,
    [
      ['化肥和农膜抽检每批次费用', n('<=', 2500, '元')],
      ['汽油和柴油抽检每批次费用', n('<=', 3000, '元')],
      ['按计划完成抽检任务', deadline('2019-11-30')],
      ['柴油抽检批次', n('>=', 300, '批次')],
      ['抽检地州（市）覆盖率', pct('>=', 80)],
      ['化肥抽检批次', n('>=', 350, '批次')],
      ['农膜抽检批次', n('>=', 50, '批次')],
      ['汽油抽检批次', n('>=', 700, '批次')],
      ['发现问题处置率', pct('=', 100)],
      ['被检单位对抽检工作的满意度', pct('=', 100)],
    ],
  ],
  [
    '企业商事登记改革经费',
    375,
    [
      ['每年登记机关维护成本', n('=', 70, '万元')],
      ['每年扫描原有档案加工成本', n('=', 200, '万元')],
      ['每年新建档案扫描成本', n('=', 124, '万元')],
      ['企业档案查询者利用服务满意度', pct('=', 100)],
      ['企业档案管理者满意度', pct('=', 100)],
    ],
  ],
  [
    '市场监管系统服装',
    26,
    [
      ['干部职工满意度', pct('>=', 90)],
      ['社会对市场监管服务满意度', pct('>', 98)],
      ['社会满意度', pct('>=', 95)],
    ],
  ],
  [
    '消费大维权、315活动及广告监测经费',
    60,
    [
      ['流通领域商品质量抽检经费', n('=', 140, '万', { qualifier: '检验费' })],
      ['消费维权网络服务平台维护保养费', n('=', 20, '万元')],
      ['商品比较试验时间', { kind: 'window', from: '2019-06-01', to: '2019-10-31' }],
      ['商品比较试验抽检经费', n('=', 200, '万元')],
      ['商品比较试验批次', n('=', 20, '批次')],
      ['网络维护费', n('>', 30, '万元')],
      ['流通领域商品质量抽检, 消费者对消费市场满意率', pct('>=', 80)],
      ['消费调解案件满意度调查', pct('>=', 80)],
      ['消费维权宣传教育结果满意度', pct('>=', 80)],
    ],
  ],
  [
    '信息化新建、软硬件维保、电路租用项目',
    1387.5,
    [
      ['线路租用成本', n('=', 801.1, '万元')],
      ['使用人员满意度', pct('>=', 95)],
      ['用户操作满意度', pct('=', 100)],
    ],
  ],
  [
    '营业执照采购项目',
    75,
    [
      [
        '本年度预计印刷执照成本',
        { kind: 'formula', value: 75, unit: '万元', expression: '95万套*0.8元/套', consistent: false },
      ],
      ['登记机关维护成本', n('=', 71, '万元', { qualifier: '维护成本' })],
      ['新建档案加工成本', n('=', 75, '万元', { qualifier: '加工成本' })],
      ['原有档案加工成本', n('=', 75, '万元', { qualifier: '加工成本' })],
      ['登记机关满意度', pct('=', 100)],
      ['企业档案管理者、查询者满意度', pct('=', 100)],
    ],
  ],
  ['办公设备办公家具政府采购项目', 100, [['政府采购完成时间', deadline('2019-08-31')]]],
  [
    '行政执法及业务管理项目',
    764,
    [
      ['培训满意度', pct('>=', 95)],
      ['企业对检测工作的满意度', pct('>=', 95)],
    ],
  ],
  ['质量监督监管信息化建设项目', 80, [['用户满意度', pct('>', 90)]]],
  [
    '质量名牌推进质量监督抽查特设监管政府购买服务',
    300,
    [
      ['各处室专项业务费', n('=', 210, '万元')],
      ['使用单位满意度', pct('>=', 98)],
      ['数据更新率高相关部门满意率', pct('>=', 85)],
      ['信用数据共享相关部门满意率', pct('>=', 80)],
      ['信用数据质量相关部门满意率', pct('>=', 80)],
    ],
  ],
  [
    '知识产权专项业务费',
    125,
    [
      ['预算执行率', pct('=', 100)],
      ['知识产权服务企业满意度', pct('=', 100)],
    ],
  ],
  [
    '专利申请资助及专利奖励资金',
    185,
    [
      ['预算执行率', pct('=', 100)],
      ['自治区科技管理人员及企业满意率', pct('>', 90)],
    ],
  ],
  [
    '自治区专利实施项目',
    900,
    [
      ['项目执行率', pct('=', 100)],
      ['项目实施企业满意度', pct('>', 90)],
    ],
  ],
  [
    '自治区市场监督管理局食品品监督管理',
    600,
    [
      ['项目任务完成时限', deadline('2019-12-31')],
      ['食品抽验任务完成数量', n('=', 200, '批次')],
      ['食品监督抽验计划批次', n('=', 800, '批次')],
      ['食品监督抽验计划数', n('=', 750, '批次')],
      ['案件查办数量', n('>=', 7, '个')],
      ['食品监督抽验合格率', pct('>=', 90)],
      ['对全区被抽检企业服务的满意度', pct('>=', 90)],
      ['开展食品安全监管公众满意度调查', pct('>=', 70)],
    ],
  ],
  [
    '自治区市场监督管理局食安办工作经费',
    37.5,
    [
      ['在全区14个地州市开展满意度问卷调查', n('=', 7410, '份')],
      ['开展食品安全监管公众满意度调查', pct('>', 70)],
    ],
  ],
  [
    '价格监督检查工作经费',
    50,
    [
      ['经营者满意度', pct('>', 90)],
      ['民众对执法结果、成本调查的结果满意程度', pct('>=', 90)],
      ['培训对象对专家提供服务的满意度', pct('>', 90)],
    ],
  ],
];

/** A ParsedCatalogue from rows like SEED_PROJECTS; lines are synthetic but distinct. */
export function fixtureCatalogue(projects: ProjectRow[] = SEED_PROJECTS, fiscalYear = 2019): ParsedCatalogue {
  let line = 1;
  return {
    fiscalYear,
    problems: [],
    projects: projects.map(([name, total, rows]) => ({
      id: projectId(fiscalYear, SEED_AGENCY, name),
      name,
      tableKind: '项目支出绩效目标表',
      budgetUnit: '新疆维吾尔自治区市场监督管理局',
      line: line++,
      funds: { total, fiscal: total, other: 0, unit: '万元' },
      goal: '',
      indicators: rows.map(([indicator, target]) => ({
        id: indicatorId(fiscalYear, SEED_AGENCY, name, indicator),
        line: line++,
        level1: '项目完成指标',
        level2: '数量指标',
        name: indicator,
        value: '',
        target,
      })),
    })),
  };
}
