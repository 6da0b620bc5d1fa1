import { BindingsError, checkBindings, loadBindings } from './bindings';
import { fixtureCatalogue } from '../test/fixtures';

const P = '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费';
const PID = '2019.新疆维吾尔自治区市场监督管理局.流通领域商品成品油农资产品网络商品质量抽检监测经费';
const catalogue = fixtureCatalogue();

/** Bindings file text from lines, so line numbers in expectations are easy to read. */
const file = (...lines: string[]) => lines.join('\n') + '\n';

describe('loadBindings: the format', () => {
  it('reads groups, single bindings by id, parts, topic names, value lists, defaults', () => {
    const set = loadBindings(
      file(
        'version: 1',
        'bindings:',
        `  - project: ${P}`,
        '    indicators:',
        '      - indicator: 汽油抽检批次',
        '        from: actuals.inspection-batches', // the default topic name is accepted too
        '        where: { category: 汽油 }',
        '        measure: sum',
        '        field: batches',
        '      - indicator: 抽检地州(市)覆盖率', // half-width brackets still find 抽检地州（市）覆盖率
        '        from: inspectionBatches',
        '        where: { category: [汽油, 柴油] }',
        '        measure: distinct',
        '        field: region',
        '        of: 14',
        '  - id: 2019.新疆维吾尔自治区市场监督管理局.工商行政管理业务费.会议培训的次数人数天数',
        '    part: 期',
        '    from: measurements',
        '    measure: latest',
        '  - project: 知识产权专项业务费',
        '    indicator: 预算执行率',
        '    from: spending',
        '    measure: sum',
        '    field: amountYuan',
        '    of: budget',
      ),
      catalogue,
      { timeZone: 'Asia/Shanghai', satisfiedShare: 0.6 },
    );
    expect(set.bindings.map((b) => [b.line, b.unitId, b.from, b.measure, b.scale, b.of])).toEqual([
      [5, `${PID}.汽油抽检批次`, 'inspectionBatches', 'sum', 1, undefined],
      [10, `${PID}.抽检地州市覆盖率`, 'inspectionBatches', 'distinct', 100, 14],
      [
        16,
        '2019.新疆维吾尔自治区市场监督管理局.工商行政管理业务费.会议培训的次数人数天数~期',
        'measurements',
        'latest',
        1,
        undefined,
      ],
      [20, '2019.新疆维吾尔自治区市场监督管理局.知识产权专项业务费.预算执行率', 'spending', 'sum', 100, 1_250_000],
    ]);
    expect(set.bindings[1].where).toEqual([{ field: 'category', values: ['汽油', '柴油'] }]);
    expect(set.units.get(`${PID}.汽油抽检批次`)).toMatchObject({ measure: 'sum', bindingLine: 5 });
    expect(set.satisfiedShare).toBe(0.6);
  });

  it('gives unbound units a measure from their target shape', () => {
    const set = loadBindings('version: 1\nbindings: []\n', catalogue);
    const measureOf = (id: string) => set.units.get(id)?.measure;
    expect(measureOf(`${PID}.汽油抽检批次`)).toBe('sum'); // ≥700 批次: increments
    expect(measureOf(`${PID}.抽检地州市覆盖率`)).toBe('latest'); // a rate is set
    expect(measureOf(`${PID}.化肥和农膜抽检每批次费用`)).toBe('latest'); // a cap (≤2500元) is a reading
    expect(measureOf(`${PID}.按计划完成抽检任务`)).toBe('milestone');
    expect(measureOf('2019.新疆维吾尔自治区市场监督管理局.工商行政管理业务费.市场监管社会影响力')).toBe('assessment');
    expect(measureOf('2019.新疆维吾尔自治区市场监督管理局.工商行政管理业务费.会议培训的次数人数天数')).toBeUndefined(); // compound: its parts are units
    expect(measureOf('2019.新疆维吾尔自治区市场监督管理局.工商行政管理业务费.会议培训的次数人数天数~人')).toBe('sum');
    expect(set.units.get(`${PID}#budget`)).toMatchObject({ kind: 'budget', measure: 'sum', of: 1_875_000, scale: 100 });
  });

  it('accepts an empty file', () => {
    expect(loadBindings('', catalogue).bindings).toEqual([]);
  });
});

const g = (...body: string[]) => file('version: 1', 'bindings:', `  - project: ${P}`, '    indicators:', ...body);

describe('loadBindings: errors name the line', () => {
  const cases: Array<[string, string, Array<[number, RegExp]>]> = [
    [
      'YAML syntax',
      file('version: 1', 'bindings:', '  - project: [unclosed', '    from: cases'),
      [[4, /YAML: Flow sequence/]],
    ],
    [
      'YAML duplicate key',
      file(
        'version: 1',
        'bindings:',
        '  - project: 工商行政管理业务费',
        '    indicator: 执法办案数',
        '    indicator: 案件办结率',
      ),
      [[5, /YAML: Map keys must be unique/]],
    ],
    ['unknown top-level key', file('version: 1', 'bindngs: []'), [[2, /unknown key "bindngs"/]]],
    ['wrong version', file('version: 2', 'bindings: []'), [[1, /version must be 1/]]],
    ['bindings not a list', file('version: 1', 'bindings: {}'), [[2, /must be a list/]]],
    [
      'unknown project',
      file(
        'version: 1',
        'bindings:',
        '  - project: 不存在的项目',
        '    indicator: 汽油抽检批次',
        '    from: cases',
        '    measure: count',
      ),
      [[3, /unknown project "不存在的项目"/]],
    ],
    [
      'unknown indicator, with a suggestion',
      g(
        '      - indicator: 汽油抽检',
        '        from: inspectionBatches',
        '        measure: sum',
        '        field: batches',
      ),
      [[5, /unknown indicator "汽油抽检".*did you mean "汽油抽检批次"/]],
    ],
    [
      'unknown id',
      file('version: 1', 'bindings:', '  - id: 2019.nope.nothing', '    from: cases', '    measure: count'),
      [[3, /unknown indicator id/]],
    ],
    [
      'unknown topic role',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspections',
        '        measure: sum',
        '        field: batches',
      ),
      [[6, /unknown topic role "inspections"/]],
    ],
    [
      'unknown measure',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspectionBatches',
        '        measure: total',
        '        field: batches',
      ),
      [[7, /unknown measure "total"/]],
    ],
    [
      'unknown key in a binding',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspectionBatches',
        '        measure: sum',
        '        fields: batches',
      ),
      [
        [8, /unknown key "fields"/],
        [5, /needs `field`/],
      ],
    ],
    [
      'unknown field for the family',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspectionBatches',
        '        measure: sum',
        '        field: amountYuan',
      ),
      [[8, /unknown field "amountYuan" for inspectionBatches/]],
    ],
    [
      'unknown where field',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspectionBatches',
        '        where: { kategory: 汽油 }',
        '        measure: sum',
        '        field: batches',
      ),
      [[7, /unknown field "kategory" in where/]],
    ],
    [
      'a where value outside a closed set',
      file(
        'version: 1',
        'bindings:',
        '  - project: 工商行政管理业务费',
        '    indicator: 执法办案数',
        '    from: cases',
        '    where: { action: reopened }',
        '    measure: count',
      ),
      [[6, /"reopened" is not one of opened, closed/]],
    ],
    [
      'a where value of the wrong type',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspectionBatches',
        '        where: { batches: many }',
        '        measure: sum',
        '        field: batches',
      ),
      [[7, /where batches: expected a number/]],
    ],
    [
      'sum of a text field',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspectionBatches',
        '        measure: sum',
        '        field: region',
      ),
      [[8, /"region" of inspectionBatches is a string; sum needs a number/]],
    ],
    [
      'milestone on a numeric target',
      g('      - indicator: 汽油抽检批次', '        from: measurements', '        measure: milestone'),
      [[7, /milestone does not fit .*汽油抽检批次: its target is numeric/]],
    ],
    [
      'sum on a qualitative target',
      file(
        'version: 1',
        'bindings:',
        '  - project: 工商行政管理业务费',
        '    indicator: 市场监管社会影响力',
        '    from: measurements',
        '    measure: sum',
      ),
      [[6, /sum does not fit .* its target is qualitative \(use assessment\)/]],
    ],
    [
      'sum on a deadline',
      g(
        '      - indicator: 按计划完成抽检任务',
        '        from: inspectionBatches',
        '        measure: sum',
        '        field: batches',
      ),
      [[7, /its target is deadline \(use milestone\)/]],
    ],
    [
      'milestone from a non-measurements topic',
      g('      - indicator: 按计划完成抽检任务', '        from: inspectionBatches', '        measure: milestone'),
      [[7, /fed only by measurements/]],
    ],
    [
      'ratio from measurements',
      g('      - indicator: 抽检地州（市）覆盖率', '        from: measurements', '        measure: ratio'),
      [[7, /ratio cannot be fed by measurements/]],
    ],
    [
      'where on measurements',
      g(
        '      - indicator: 抽检地州（市）覆盖率',
        '        from: measurements',
        '        where: { category: 汽油 }',
        '        measure: latest',
      ),
      [[7, /`where` does not apply to measurements/]],
    ],
    [
      'ratio without a denominator',
      g(
        '      - indicator: 抽检地州（市）覆盖率',
        '        from: inspectionBatches',
        '        measure: ratio',
        '        numerator: qualifiedBatches',
      ),
      [[5, /needs `denominator`/]],
    ],
    [
      'ratio side with an unknown key',
      g(
        '      - indicator: 抽检地州（市）覆盖率',
        '        from: inspectionBatches',
        '        measure: ratio',
        '        numerator: { sum: qualifiedBatches }',
        '        denominator: batches',
      ),
      [[8, /unknown key "sum" in `numerator`/]],
    ],
    [
      'field on count',
      file(
        'version: 1',
        'bindings:',
        '  - project: 工商行政管理业务费',
        '    indicator: 执法办案数',
        '    from: cases',
        '    measure: count',
        '    field: caseId',
      ),
      [[7, /count takes no `field`/]],
    ],
    [
      'weight on sum',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspectionBatches',
        '        measure: sum',
        '        field: batches',
        '        weight: batches',
      ),
      [[9, /`weight` applies to mean only/]],
    ],
    [
      'of on a ratio',
      g(
        '      - indicator: 抽检地州（市）覆盖率',
        '        from: inspectionBatches',
        '        measure: ratio',
        '        numerator: qualifiedBatches',
        '        denominator: batches',
        '        of: 14',
      ),
      [[10, /`of` applies to sum, count and distinct/]],
    ],
    [
      'of not positive',
      g(
        '      - indicator: 抽检地州（市）覆盖率',
        '        from: inspectionBatches',
        '        measure: distinct',
        '        field: region',
        '        of: 0',
      ),
      [[9, /positive number or `budget`/]],
    ],
    [
      'scale not positive',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspectionBatches',
        '        measure: sum',
        '        field: batches',
        '        scale: -1',
      ),
      [[9, /`scale` must be a positive number/]],
    ],
    [
      'a compound without a part',
      file(
        'version: 1',
        'bindings:',
        '  - project: 工商行政管理业务费',
        '    indicator: 会议培训的次数人数天数',
        '    from: measurements',
        '    measure: sum',
      ),
      [[4, /compound: bind each part with `part:` \(期, 天, 人\)/]],
    ],
    [
      'an unknown part',
      file(
        'version: 1',
        'bindings:',
        '  - project: 工商行政管理业务费',
        '    indicator: 会议培训的次数人数天数',
        '    part: 月',
        '    from: measurements',
        '    measure: sum',
      ),
      [[4, /has no part "月"/]],
    ],
    [
      'a part on a plain indicator',
      g('      - indicator: 汽油抽检批次', '        part: 1', '        from: measurements', '        measure: sum'),
      [[5, /not compound/]],
    ],
    [
      'binding a budget track',
      file(
        'version: 1',
        'bindings:',
        `  - id: ${PID}#budget`,
        '    from: spending',
        '    measure: sum',
        '    field: amountYuan',
      ),
      [[3, /budget execution track/]],
    ],
    [
      'where on the project of spending',
      file(
        'version: 1',
        'bindings:',
        '  - project: 信息化新建、软硬件维保、电路租用项目',
        '    indicator: 线路租用成本',
        '    from: spending',
        '    where: { projectName: x }',
        '    measure: sum',
        '    field: amountYuan',
      ),
      [[6, /already take only their own project/]],
    ],
    [
      'id and project together',
      file(
        'version: 1',
        'bindings:',
        `  - id: ${PID}.汽油抽检批次`,
        `    project: ${P}`,
        '    from: cases',
        '    measure: count',
      ),
      [[3, /either `id` or `project`/]],
    ],
    [
      'project inside a group item',
      g(
        '      - indicator: 汽油抽检批次',
        '        project: x',
        '        from: inspectionBatches',
        '        measure: sum',
        '        field: batches',
      ),
      [[6, /given by the group/]],
    ],
    [
      'duplicate bindings name both lines',
      g(
        '      - indicator: 汽油抽检批次',
        '        from: inspectionBatches',
        '        measure: sum',
        '        field: batches',
        '      - indicator: 汽油抽检批次',
        '        from: measurements',
        '        measure: sum',
      ),
      [[9, /already bound at line 5/]],
    ],
  ];

  it.each(cases)('%s', (_name, text, expected) => {
    const { bindings, problems } = checkBindings(text, catalogue);
    expect(bindings).toBeNull();
    for (const [line, message] of expected) {
      expect(problems).toContainEqual(
        expect.objectContaining({ line, severity: 'error', message: expect.stringMatching(message) }),
      );
    }
    expect(() => loadBindings(text, catalogue)).toThrow(BindingsError);
  });

  it('reports every bad binding, not only the first, in line order', () => {
    const text = g(
      '      - indicator: 汽油抽检',
      '        from: inspectionBatches',
      '        measure: sum',
      '        field: batches',
      '      - indicator: 柴油抽检批次',
      '        from: nowhere',
      '        measure: sum',
      '        field: batches',
    );
    let error: BindingsError | undefined;
    try {
      loadBindings(text, catalogue);
    } catch (e) {
      error = e as BindingsError;
    }
    expect(error?.problems.map((p) => p.line)).toEqual([5, 10]);
    expect(error?.message).toMatch(/line 5: unknown indicator[\s\S]*line 10: unknown topic role/);
  });
});
