import { readCatalogue } from './catalogue';
import {
  budgetTrackId,
  idSegment,
  indicatorId,
  legacyProjectId,
  partId,
  previousYearId,
  projectId,
  reprefixId,
} from './ids';
import { legacyProjectIds } from './legacy-ids';
import { indicatorParts } from './parts';
import { tsvRows } from './rows/tsv';

describe('catalogue ids', () => {
  it.each([
    ['工商行政管理业务费', '工商行政管理业务费'],
    ['消费大维权、315活动及广告监测经费', '消费大维权315活动及广告监测经费'],
    ['组织各类市场专项整治数（项）', '组织各类市场专项整治数项'],
    ['组织各类市场专项整治数(项)', '组织各类市场专项整治数项'],
    ['购置Office 2016', '购置Office2016'],
    ['新疆科技报“4·26”专版', '新疆科技报426专版'],
    ['ＰＤＦ格式　１０', 'PDF格式10'],
  ])('idSegment(%s) = %s', (text, seg) => expect(idSegment(text)).toBe(seg));

  it('builds readable, URL-safe ids from year, project, indicator and part', () => {
    const ind = indicatorId(2019, '某局', '工商行政管理业务费', '会议培训的次数人数天数');
    expect([
      projectId(2019, '某局', '工商行政管理业务费'),
      ind,
      partId(ind, '期'),
      partId(ind, 2),
      budgetTrackId(projectId(2019, '某局', 'x')),
      projectId(2019, '  ', 'x'),
    ]).toEqual([
      '2019.某局.工商行政管理业务费',
      '2019.某局.工商行政管理业务费.会议培训的次数人数天数',
      '2019.某局.工商行政管理业务费.会议培训的次数人数天数~期',
      '2019.某局.工商行政管理业务费.会议培训的次数人数天数~2',
      '2019.某局.x#budget',
      '2019.未填单位.x',
    ]);
    expect(encodeURIComponent(ind)).toBe(encodeURIComponent(ind).replace(/[^%A-Za-z0-9.~_-]/g, ''));
  });

  it('stays stable when a re-imported table changes spacing, brackets, columns or values', () => {
    const before = [
      '项目支出绩效目标表',
      '预算单位\t某局\t项目名称\t消费大维权、315活动经费',
      '一级指标\t二级指标\t三级指标\t指标值',
      '项目完成指标\t数量指标\t组织各类市场专项整治数（项）\t≥20项',
      '\t\t会议培训的次数人数天数\t25期、133天、2500人',
    ];
    const after = [
      '项目支出绩效目标表',
      '预算单位\t某局\t\t项目名称\t消费大维权, 315活动经费 ',
      '一级指标\t二级指标\t三级指标\t指标值',
      '项目完成指标\t数量指标\t\t组织各类市场专项整治数(项)\t≥25项',
      '\t\t会议培训的次数 人数 天数\t\t25期、140天、2600人',
    ];
    const ids = (lines: string[]) => {
      const c = readCatalogue(tsvRows(lines.join('\n')), { fiscalYear: 2019 });
      return c.projects.flatMap((p) => [
        p.id,
        ...p.indicators.flatMap((i) => [i.id, ...indicatorParts(i).map((x) => x.id)]),
      ]);
    };
    expect(ids(after)).toEqual(ids(before));
    expect(ids(before)).toEqual([
      '2019.某局.消费大维权315活动经费',
      '2019.某局.消费大维权315活动经费.组织各类市场专项整治数项',
      '2019.某局.消费大维权315活动经费.会议培训的次数人数天数',
      '2019.某局.消费大维权315活动经费.会议培训的次数人数天数~期',
      '2019.某局.消费大维权315活动经费.会议培训的次数人数天数~天',
      '2019.某局.消费大维权315活动经费.会议培训的次数人数天数~人',
    ]);
  });
});

describe('indicatorParts', () => {
  const ind = (value: string) => {
    const c = readCatalogue(
      tsvRows(`预算单位\t局\t项目名称\tP\n一级指标\t二级指标\t三级指标\t指标值\n项目完成指标\t数量指标\tI\t${value}`),
      { fiscalYear: 2019 },
    );
    return c.projects[0].indicators[0];
  };
  it.each([
    ['25期、133天、2500人', ['期', '天', '人']],
    ['82台服务器，58台网络设备', ['服务器', '网络设备']],
    ['180人、207人、6人', ['1', '2', '3']],
    ['60人培训2天', ['人', '培训']],
    ['县道≥95%，乡村道≥90%', ['县道', '乡村道']],
    ['≥30个', []],
  ])('%s → %j', (value, keys) => {
    const parts = indicatorParts(ind(value));
    expect(parts.map((p) => p.key)).toEqual(keys);
    expect(parts.map((p) => p.id)).toEqual(keys.map((k) => `2019.局.P.I~${k}`));
  });
});

describe('previousYearId', () => {
  it.each<[string, string | null]>([
    ['2019.工商行政管理业务费.案件办结率', '2018.工商行政管理业务费.案件办结率'],
    ['2020.局.项目.指标~期', '2019.局.项目.指标~期'],
    ['2019.工商行政管理业务费#budget', '2018.工商行政管理业务费#budget'],
    ['2000.P', '1999.P'],
    ['工商行政管理业务费.案件办结率', null],
  ])('%s → %s', (id, previous) => {
    expect(previousYearId(id)).toBe(previous);
  });
});

describe('ids of the form before agencies', () => {
  it.each([
    ['2019.P', '2019.P'],
    ['2019.P.I', '2019.A.P.I'],
    ['2019.P.I~期', '2019.A.P.I~期'],
    ['2019.P#budget', '2019.A.P#budget'],
    ['2019.P_2', null],
    ['2019.P_2.I', null],
    ['2019.PQ.I', null],
    ['2018.P.I', null],
  ])('reprefixId(%s, 2019.P → 2019.A.P) = %s', (id, want) =>
    expect(reprefixId(id, '2019.P', '2019.A.P')).toBe(want === '2019.P' ? '2019.A.P' : want),
  );

  const table = (unit: string, project: string) => [
    `预算单位\t${unit}\t项目名称\t${project}`,
    '一级指标\t二级指标\t三级指标\t指标值',
    '产出指标\t数量指标\t抽检批次\t≥20批',
  ];

  it('maps each project to its legacy id, repeated names as the reader numbered them then', () => {
    const lines = [
      '项目支出绩效目标表',
      ...table('甲局', '抽检经费'),
      '项目支出绩效目标表',
      ...table('乙局', '抽检经费'),
      '项目支出绩效目标表',
      ...table('乙局', '培训，经费'),
    ];
    const c = readCatalogue(tsvRows(lines.join('\n')), { fiscalYear: 2019 });
    expect(c.projects.map((p) => p.id)).toEqual(['2019.甲局.抽检经费', '2019.乙局.抽检经费', '2019.乙局.培训经费']);
    expect(legacyProjectIds(c)).toEqual([
      { from: '2019.抽检经费', to: '2019.甲局.抽检经费', budgetUnit: '甲局' },
      { from: '2019.抽检经费_2', to: '2019.乙局.抽检经费', budgetUnit: '乙局' },
      { from: '2019.培训经费', to: '2019.乙局.培训经费', budgetUnit: '乙局' },
    ]);
    expect(legacyProjectId(2019, '培训，经费')).toBe('2019.培训经费');
  });

  it('per file of a folder: a name another file already had maps nothing (that import left it out)', () => {
    const one = (file: string, unit: string) => ({
      ...readCatalogue(tsvRows(['项目支出绩效目标表', ...table(unit, '抽检经费')].join('\n')), { fiscalYear: 2019 }),
      file,
    });
    const a = one('a.txt', '甲局');
    const b = one('b.txt', '乙局');
    const merged = {
      fiscalYear: 2019,
      projects: [...a.projects, ...b.projects].map((p, i) => ({ ...p, file: ['a.txt', 'b.txt'][i] })),
    };
    expect(legacyProjectIds(merged)).toEqual([{ from: '2019.抽检经费', to: '2019.甲局.抽检经费', budgetUnit: '甲局' }]);
  });
});
