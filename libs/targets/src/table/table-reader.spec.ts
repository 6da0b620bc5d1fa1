import { readCatalogue } from '../catalogue';
import { tsvRows } from '../rows/tsv';
import type { ParsedCatalogue } from '../target';

/** A table written as lines with `|` for a tab, so that tests show the columns. */
const tsv = (...lines: string[]) => tsvRows(lines.map((l) => l.replace(/\|/g, '\t')).join('\n'));

const HEAD = [
  '项目支出绩效目标表',
  '预算单位|新疆维吾尔自治区市场监督管理局|||项目名称|测试项目|',
  '项目资金(万元)|年度资金总额:|90|其中:财政拨款|80|其他资金|10',
  '项目总体目标|完成测试。|||||',
  '一级指标|二级指标|三级指标|||指标值(包含数字及文字描述)|',
];

function read(...body: string[]): ParsedCatalogue {
  return readCatalogue(tsv(...HEAD, ...body), { fiscalYear: 2019 });
}

/** [line, level1, level2, name, value] per indicator. */
const rowsOf = (c: ParsedCatalogue) =>
  c.projects.flatMap((p) => p.indicators.map((i) => [i.line, i.level1, i.level2, i.name, i.value]));
const problemsOf = (c: ParsedCatalogue) => c.problems.map((p) => [p.line, p.severity, p.message]);

describe('table structure', () => {
  it('reads the project header: budget unit, name, funds, goal, kind', () => {
    const c = read('项目完成指标|数量指标|抽检批次|||≥700批次|');
    expect(c.projects).toHaveLength(1);
    const [p] = c.projects;
    expect([p.name, p.budgetUnit, p.tableKind, p.line, p.goal]).toEqual([
      '测试项目',
      '新疆维吾尔自治区市场监督管理局',
      '项目支出绩效目标表',
      2,
      '完成测试。',
    ]);
    expect(p.funds).toEqual({ total: 90, fiscal: 80, other: 10, unit: '万元' });
    expect(c.problems).toEqual([]);
  });

  it('carries merged (blank) level cells forward', () => {
    const c = read(
      '项目完成指标|数量指标|汽油抽检批次|||≥700批次|',
      '||柴油抽检批次|||≥300批次|',
      '|质量指标|抽检合格率|||≥95%|',
      '||报告及时率|||100%|',
    );
    expect(rowsOf(c)).toEqual([
      [6, '项目完成指标', '数量指标', '汽油抽检批次', '≥700批次'],
      [7, '项目完成指标', '数量指标', '柴油抽检批次', '≥300批次'],
      [8, '项目完成指标', '质量指标', '抽检合格率', '≥95%'],
      [9, '项目完成指标', '质量指标', '报告及时率', '100%'],
    ]);
  });

  it('recognises level cells by vocabulary wherever they stand', () => {
    const c = read(
      '项目完成指标|数量指标|汽油抽检批次|||≥700批次|',
      '质量指标|抽检合格率|||≥95%||', // level-2 in the level-1 column
      '|||社会效益指标|||社会影响力||逐年增加', // level-2 in the name column, name further right
    );
    expect(rowsOf(c)).toEqual([
      [6, '项目完成指标', '数量指标', '汽油抽检批次', '≥700批次'],
      [7, '项目完成指标', '质量指标', '抽检合格率', '≥95%'],
      [8, '项目效益指标', '社会效益指标', '社会影响力', '逐年增加'],
    ]);
    expect(problemsOf(c)).toEqual([[8, 'info', 'level-1 inferred from level-2 社会效益指标: 项目效益指标']]);
  });

  it('infers level-1 from level-2 at the start of a table', () => {
    const c = read('|时效指标|案件办结率|||≥90%|', '项目效益指标|社会效益指标|营商环境|||进一步优化|');
    expect(rowsOf(c)[0]).toEqual([6, '项目完成指标', '时效指标', '案件办结率', '≥90%']);
    expect(problemsOf(c)).toEqual([[6, 'info', 'level-1 inferred from level-2 时效指标: 项目完成指标']]);
  });

  it('reads a level-2 name repeated in the level-1 column', () => {
    const c = read('项目完成指标|数量指标|报道次数|||≥15次|', '社会效益指标|社会效益指标|推动科技进步|大于等于80%');
    expect(rowsOf(c)[1]).toEqual([7, '项目效益指标', '社会效益指标', '推动科技进步', '大于等于80%']);
    expect(problemsOf(c)).toEqual([
      [7, 'info', 'level-2 社会效益指标 repeated in the level-1 column; level-1 read as 项目效益指标'],
    ]);
  });

  it('ignores a garbage (OCR) level cell and reads a misspelt one', () => {
    const c = read(
      '项目完成指标|数量指标|报道次数|||≥15次|',
      '项目元及项目|数量指标|预算执行率|100%',
      '项目效益指戍|社会效益指标|专利推广度|||有所提升|',
    );
    expect(rowsOf(c)).toEqual([
      [6, '项目完成指标', '数量指标', '报道次数', '≥15次'],
      [7, '项目完成指标', '数量指标', '预算执行率', '100%'],
      [8, '项目效益指标', '社会效益指标', '专利推广度', '有所提升'],
    ]);
    expect(problemsOf(c)).toEqual([
      [7, 'warning', 'unrecognised level cell 「项目元及项目」 ignored'],
      [8, 'warning', 'level cell 「项目效益指戍」 read as 项目效益指标'],
    ]);
  });

  it('keeps the level-2 that belongs to the level-1 when a row has two', () => {
    const c = read('项目效益指标|社会效益指标|质量指标|||检测结果合格率||≥99%');
    expect(rowsOf(c)).toEqual([[6, '项目效益指标', '社会效益指标', '检测结果合格率', '≥99%']]);
    expect(problemsOf(c)).toEqual([[6, 'warning', 'extra level cell 「质量指标」 ignored (level-2 is 社会效益指标)']]);
  });

  it('reads LaTeX and full-width values, skips separator rows', () => {
    const c = read(
      '满意度指标|满意度指标|培训满意度|||≥95%|',
      '|企业对检测工作的满意度|$\\geq 95\\%$',
      '--|-------------|-------------',
      '||宣传次数|||≥１２次|',
    );
    expect(c.projects[0].indicators.map((i) => [i.line, i.target])).toEqual([
      [6, { kind: 'numeric', op: '>=', value: 95, unit: '%' }],
      [7, { kind: 'numeric', op: '>=', value: 95, unit: '%' }],
      [9, { kind: 'numeric', op: '>=', value: 12, unit: '次' }],
    ]);
    expect(c.problems).toEqual([]);
  });

  it('skips header rows repeated at a page break and keeps one table', () => {
    const c = read(
      '项目完成指标|数量指标|汽油抽检批次|||≥700批次|',
      '',
      '一级指标|二级指标|三级指标|||指标值(包含数字及文字描述)|',
      '||柴油抽检批次|||≥300批次|',
      '预算单位|新疆维吾尔自治区市场监督管理局|||项目名称|测试项目|',
      '||农膜抽检批次|||≥50批次|',
    );
    expect(c.projects).toHaveLength(1);
    expect(rowsOf(c).map((r) => r[3])).toEqual(['汽油抽检批次', '柴油抽检批次', '农膜抽检批次']);
    expect(problemsOf(c)).toEqual([[10, 'info', 'project header repeated (page break)']]);
  });

  it('joins a name wrapped onto the next line', () => {
    const c = read(
      '项目完成指标|数量指标|完成农业标准化示范区、服务业标准化试点和|||≥5项|',
      '||社会管理标准化试点验收|||', // continues after 和
      '||在全区十四个地州市开展食品安全满意度|||7410份|',
      '||问卷调查|||', // no cue: a shorter piece under a long name, same column
      '||督促各级政府落实属地管理责任、|||', // ends with 、: the head of the next name
      '||开展专项督查|||8个地州|',
    );
    expect(rowsOf(c)).toEqual([
      [6, '项目完成指标', '数量指标', '完成农业标准化示范区、服务业标准化试点和社会管理标准化试点验收', '≥5项'],
      [8, '项目完成指标', '数量指标', '在全区十四个地州市开展食品安全满意度问卷调查', '7410份'],
      [10, '项目完成指标', '数量指标', '督促各级政府落实属地管理责任、开展专项督查', '8个地州'],
    ]);
    expect(problemsOf(c).map((p) => p.slice(0, 2))).toEqual([
      [7, 'info'],
      [9, 'info'],
      [10, 'info'],
    ]);
  });

  it('joins a name and a value that stand on separate lines', () => {
    const c = read('项目完成指标|数量指标|监测报告|||', '|||||1份|');
    expect(rowsOf(c)).toEqual([[6, '项目完成指标', '数量指标', '监测报告', '1份']]);
    expect(problemsOf(c)).toEqual([[7, 'info', 'name on line 6 and value on line 7 read as one indicator']]);
  });

  it('reads a row whose name stands alone as an indicator without a value', () => {
    const c = read('项目完成指标|数量指标|监测报告|||', '||汽油抽检批次|||≥700批次|');
    expect(rowsOf(c)).toEqual([
      [6, '项目完成指标', '数量指标', '监测报告', ''],
      [7, '项目完成指标', '数量指标', '汽油抽检批次', '≥700批次'],
    ]);
    expect(c.projects[0].indicators[0].target).toEqual({ kind: 'missing' });
    expect(problemsOf(c)).toEqual([[6, 'warning', 'no target value for 「监测报告」']]);
  });

  it('reads cells shifted into other columns, and swapped name/value', () => {
    const c = read(
      '项目完成指标|数量指标|汽油抽检批次|||≥700批次|',
      '线上检索样本||1000份|', // name in the level-1 column
      '|||||≥30个||打造示范点', // value before name
    );
    expect(rowsOf(c)).toEqual([
      [6, '项目完成指标', '数量指标', '汽油抽检批次', '≥700批次'],
      [7, '项目完成指标', '数量指标', '线上检索样本', '1000份'],
      [8, '项目完成指标', '数量指标', '打造示范点', '≥30个'],
    ]);
    expect(problemsOf(c)).toEqual([
      [8, 'warning', 'name and value stand in swapped cells; read name 「打造示范点」, value 「≥30个」'],
    ]);
  });

  it('reports every row it cannot read, never drops one', () => {
    const c = readCatalogue(
      tsv(
        '某某单位文件',
        ...HEAD.slice(0, 3),
        '一些说明文字|无法识别',
        ...HEAD.slice(4),
        '项目完成指标|数量指标|汽油抽检批次|||≥700批次|',
        '|||||≥300批次|',
      ),
      { fiscalYear: 2019 },
    );
    expect(problemsOf(c)).toEqual([
      [1, 'warning', 'row outside any table: 某某单位文件'],
      [5, 'warning', 'unreadable row in the table head: 一些说明文字 | 无法识别'],
      [8, 'error', 'value without an indicator name: 「≥300批次」'],
    ]);
  });

  it('keeps duplicate indicators, disambiguating the id', () => {
    const c = read('项目完成指标|数量指标|监测报告|||1份|', '||监测 报告|||2份|');
    expect(c.projects[0].indicators.map((i) => i.id)).toEqual([
      '2019.新疆维吾尔自治区市场监督管理局.测试项目.监测报告',
      '2019.新疆维吾尔自治区市场监督管理局.测试项目.监测报告_2',
    ]);
    expect(problemsOf(c)).toEqual([
      [
        7,
        'warning',
        'duplicate indicator 「监测 报告」 (also line 6); both kept, this one is 2019.新疆维吾尔自治区市场监督管理局.测试项目.监测报告_2',
      ],
    ]);
  });

  it('warns about targets that cannot be met and arithmetic that does not hold', () => {
    const c = read(
      '满意度指标|满意度指标|项目管理满意度|||≥100%|',
      '项目完成指标|质量指标|违规率|||<0|',
      '|成本指标|印刷成本|||本年度为95万套*0.8元/套=75万元|',
    );
    expect(problemsOf(c)).toEqual([
      [6, 'warning', '「项目管理满意度」 ≥100%: needs perfection: ≥100% is met only by 100% exactly'],
      [7, 'warning', '「违规率」 <0: cannot be met by definition: nothing is < 0'],
      [8, 'warning', '「印刷成本」 本年度为95万套*0.8元/套=75万元: formula does not hold: 95万套*0.8元/套 ≠ 75万元'],
    ]);
  });
});

describe('templates, vocabularies and years', () => {
  it('reads the 2021+ vocabulary, 部门整体支出 tables, 年度总体目标 and funds under their labels', () => {
    const c = readCatalogue(
      tsv(
        '2021年度部门整体支出绩效目标表',
        '部门名称|某市市场监督管理局',
        '年度预算申请（万元）|资金总额|财政拨款|其他资金',
        '|１，２００|1,000|200',
        '年度总体目标|目标一：加强监管。',
        '目标二：服务群众。',
        '一级指标|二级指标|三级指标|指标值|度量单位|权重',
        '产出指标|数量指标|抽检批次|≥700|批次|10',
        '||监测报告|1|份|5',
        '|服务对象满意度指标|商户满意度|≥90%||10',
        '效益指标|社会效益指标|营商环境|持续优化||10',
        '成本指标|经济成本指标|单批次检测成本|≤3000|元|5',
      ),
    );
    expect(c.fiscalYear).toBe(2021);
    const [p] = c.projects;
    expect([p.name, p.budgetUnit, p.tableKind, p.goal]).toEqual([
      '某市市场监督管理局',
      '某市市场监督管理局',
      '部门整体支出绩效目标表',
      '目标一：加强监管。\n目标二：服务群众。',
    ]);
    expect(p.funds).toEqual({ total: 1200, fiscal: 1000, other: 200, unit: '万元' });
    expect(rowsOf(c)).toEqual([
      [8, '产出指标', '数量指标', '抽检批次', '≥700批次'],
      [9, '产出指标', '数量指标', '监测报告', '1份'],
      [10, '满意度指标', '服务对象满意度指标', '商户满意度', '≥90%'],
      [11, '效益指标', '社会效益指标', '营商环境', '持续优化'],
      [12, '成本指标', '经济成本指标', '单批次检测成本', '≤3000元'],
    ]);
    expect(problemsOf(c)).toEqual([[10, 'info', 'level-1 inferred from level-2 服务对象满意度指标: 满意度指标']]);
  });

  it('takes the fiscal year from the most common year among the values', () => {
    const c = readCatalogue(
      tsv(
        ...HEAD,
        '项目完成指标|时效指标|完成时间|||2020年10月前|',
        '||验收时间|||2020年12月|',
        '||启动时间|||2019年12月|',
      ),
    );
    expect(c.fiscalYear).toBe(2020);
    expect(c.projects[0].indicators[0].id).toBe('2020.新疆维吾尔自治区市场监督管理局.测试项目.完成时间');
  });

  it('reports a table without any year and uses the fallback', () => {
    const c = readCatalogue(tsv(...HEAD, '项目完成指标|数量指标|监测报告|||1份|'), { fallbackYear: 2024 });
    expect(c.fiscalYear).toBe(2024);
    expect(problemsOf(c)).toEqual([
      [2, 'error', 'no fiscal year in the table; assumed 2024 (give the year explicitly)'],
    ]);
  });

  it('reads several tables, each with its own levels', () => {
    const c = read(
      '满意度指标|满意度指标|公众满意度|||≥90%|',
      '',
      '项目支出绩效目标表',
      '预算单位|某单位|||项目名称|第二个项目|',
      '一级指标|二级指标|三级指标|||指标值|',
      '||无层级的指标|||1项|',
    );
    expect(c.projects.map((p) => [p.name, p.line, p.indicators.length])).toEqual([
      ['测试项目', 2, 1],
      ['第二个项目', 9, 1],
    ]);
    expect(problemsOf(c)).toEqual([[11, 'warning', 'indicator without level-1/level-2 cells above it']]);
  });

  it('reads the 2021 财政部 project template: 绩效指标 column, 主管部门/实施单位, funds one per row', () => {
    const c = readCatalogue(
      tsv(
        '附件2：',
        '项目支出绩效目标申报表',
        '（2021年度）',
        '项目名称|食品安全抽检监测',
        '主管部门及代码|[101]某市市场监督管理局|实施单位|某市食品检验所',
        '项目资金（万元）|年度资金总额|120',
        '|其中：财政拨款|100',
        '|上年结转资金|0',
        '|其他资金|20',
        '年度绩效目标|目标1：完成食品抽检3000批次。',
        '|目标2：问题食品处置率100%。',
        '绩效指标|一级指标|二级指标|三级指标|指标值',
        '|产出指标|数量指标|指标1：食品抽检批次|≥3000批次',
        '|||指标2：快检批次|≥10000批次',
        '||时效指标|指标1：抽检任务完成时间|2021年11月底前',
        '|满意度指标|服务对象满意度指标|指标1：公众满意度|≥90%',
        '填表人：张三|联系电话：123',
      ),
    );
    expect(c.fiscalYear).toBe(2021);
    const [p] = c.projects;
    expect([p.name, p.budgetUnit, p.line, p.funds, p.goal]).toEqual([
      '食品安全抽检监测',
      '某市食品检验所',
      4,
      { total: 120, fiscal: 100, other: 20, unit: '万元' },
      '目标1：完成食品抽检3000批次。\n目标2：问题食品处置率100%。',
    ]);
    expect(rowsOf(c)).toEqual([
      [13, '产出指标', '数量指标', '指标1：食品抽检批次', '≥3000批次'],
      [14, '产出指标', '数量指标', '指标2：快检批次', '≥10000批次'],
      [15, '产出指标', '时效指标', '指标1：抽检任务完成时间', '2021年11月底前'],
      [16, '满意度指标', '服务对象满意度指标', '指标1：公众满意度', '≥90%'],
    ]);
    expect(c.problems).toEqual([]);
  });

  it('reads a 部门（单位）整体 table with 年度主要任务, a 序号 column and weights', () => {
    const c = readCatalogue(
      tsv(
        '部门（单位）整体支出绩效目标申报表',
        '部门（单位）名称|某县市场监督管理局',
        '年度预算申请（万元）|资金总额|财政拨款|其他资金',
        '|500|480|20',
        '年度主要任务|任务名称|主要内容|预算金额（万元）|总额|财政拨款|其他资金',
        '|任务1|市场监管执法|200|200|200|0',
        '年度总体目标|完成各项监管任务。',
        '序号|一级指标|二级指标|三级指标|指标值|权重',
        '1|产出指标|数量指标|执法检查户次|≥1200户次|10',
        '2|||抽检批次|≥500批次|10',
        '3|效益指标|社会效益指标|投诉举报处理率|≥98%|10',
      ),
      { fiscalYear: 2022 },
    );
    const [p] = c.projects;
    expect([p.name, p.tableKind, p.funds]).toEqual([
      '某县市场监督管理局',
      '部门整体支出绩效目标表',
      { total: 500, fiscal: 480, other: 20, unit: '万元' },
    ]);
    expect(p.goal).toBe('完成各项监管任务。');
    expect(p.tasks).toEqual([{ name: '任务1', content: '市场监管执法', amount: 200, fiscal: 200, other: 0 }]);
    expect(rowsOf(c)).toEqual([
      [9, '产出指标', '数量指标', '执法检查户次', '≥1200户次'],
      [10, '产出指标', '数量指标', '抽检批次', '≥500批次'],
      [11, '效益指标', '社会效益指标', '投诉举报处理率', '≥98%'],
    ]);
    expect(c.problems).toEqual([]);
  });

  it("keeps a table's own level names when none is in the known vocabulary", () => {
    const c = readCatalogue(
      tsv(
        '部门整体支出绩效目标表',
        '部门名称|某局',
        '一级指标|二级指标|三级指标|指标值',
        '履职效能|重点工作|重点任务完成率|≥95%',
        '||专项检查次数|≥12次',
        '管理效率|预算管理|预算执行率|≥90%',
      ),
      { fiscalYear: 2023 },
    );
    expect(rowsOf(c)).toEqual([
      [4, '履职效能', '重点工作', '重点任务完成率', '≥95%'],
      [5, '履职效能', '重点工作', '专项检查次数', '≥12次'],
      [6, '管理效率', '预算管理', '预算执行率', '≥90%'],
    ]);
    expect(problemsOf(c)).toEqual([
      [4, 'info', 'level cells 「履职效能」 「重点工作」 are not in the known vocabulary; kept as written'],
    ]);
  });
});
