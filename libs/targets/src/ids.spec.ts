import { readCatalogue } from './catalogue';
import { budgetTrackId, idSegment, indicatorId, partId, previousYearId, projectId } from './ids';
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
    const ind = indicatorId(2019, '工商行政管理业务费', '会议培训的次数人数天数');
    expect([
      projectId(2019, '工商行政管理业务费'),
      ind,
      partId(ind, '期'),
      partId(ind, 2),
      budgetTrackId(projectId(2019, 'x')),
    ]).toEqual([
      '2019.工商行政管理业务费',
      '2019.工商行政管理业务费.会议培训的次数人数天数',
      '2019.工商行政管理业务费.会议培训的次数人数天数~期',
      '2019.工商行政管理业务费.会议培训的次数人数天数~2',
      '2019.x#budget',
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
      '2019.消费大维权315活动经费',
      '2019.消费大维权315活动经费.组织各类市场专项整治数项',
      '2019.消费大维权315活动经费.会议培训的次数人数天数',
      '2019.消费大维权315活动经费.会议培训的次数人数天数~期',
      '2019.消费大维权315活动经费.会议培训的次数人数天数~天',
      '2019.消费大维权315活动经费.会议培训的次数人数天数~人',
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
    expect(parts.map((p) => p.id)).toEqual(keys.map((k) => `2019.P.I~${k}`));
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
