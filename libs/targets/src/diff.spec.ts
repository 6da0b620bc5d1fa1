import { readCatalogue } from './catalogue';
import { diffCatalogue, isEmptyDiff, type StoredCatalogue } from './diff';
import { tsvRows } from './rows/tsv';
import type { ParsedCatalogue } from './target';

const table = (...rows: string[]) =>
  readCatalogue(
    tsvRows(
      [
        '项目支出绩效目标表',
        '预算单位\t某局\t项目名称\t测试项目',
        '项目资金(万元)\t年度资金总额:\t90',
        '一级指标\t二级指标\t三级指标\t指标值',
        ...rows,
      ].join('\n'),
    ),
    { fiscalYear: 2019 },
  );

/** What the import would have stored for a catalogue. */
function stored(c: ParsedCatalogue, archivedIds: string[] = []): StoredCatalogue {
  return {
    projects: c.projects.map(({ indicators: _i, ...p }) => ({ ...p, fiscalYear: c.fiscalYear })),
    indicators: c.projects.flatMap((p) =>
      p.indicators.map((i) => ({
        ...i,
        projectId: p.id,
        fiscalYear: c.fiscalYear,
        archived: archivedIds.includes(i.id) || undefined,
      })),
    ),
  };
}

const ROWS = [
  '项目完成指标\t数量指标\t汽油抽检批次\t≥700批次',
  '\t\t柴油抽检批次\t≥300批次',
  '\t质量指标\t合格率\t≥95%',
];

describe('diffCatalogue', () => {
  it('finds nothing to do when the same table is imported again', () => {
    const c = table(...ROWS);
    const d = diffCatalogue(stored(c), table(...ROWS));
    expect(isEmptyDiff(d)).toBe(true);
    expect([d.projects.unchanged.length, d.indicators.unchanged.length]).toEqual([1, 3]);
  });

  it('sorts an edited table into added, updated, unchanged and archived', () => {
    const before = table(...ROWS);
    const after = table(
      '项目完成指标\t数量指标\t汽油抽检批次\t≥800批次',
      '\t质量指标\t合格率\t≥95%',
      '\t\t农膜抽检批次\t≥50批次',
    );
    const d = diffCatalogue(stored(before), after);
    expect(d.indicators.added.map((i) => i.id)).toEqual(['2019.某局.测试项目.农膜抽检批次']);
    // 合格率 moved up a line: its line changed, nothing else.
    expect(d.indicators.updated.map((u) => [u.after.id, u.fields])).toEqual([
      ['2019.某局.测试项目.汽油抽检批次', ['target', 'value']],
      ['2019.某局.测试项目.合格率', ['line']],
    ]);
    expect(d.indicators.unchanged).toEqual([]);
    expect(d.indicators.archived.map((i) => i.id)).toEqual(['2019.某局.测试项目.柴油抽检批次']);
    expect(d.projects.unchanged.map((p) => p.id)).toEqual(['2019.某局.测试项目']);
  });

  it('counts a moved row and a changed level as updates', () => {
    const d = diffCatalogue(stored(table(...ROWS)), table(ROWS[0], '\t质量指标\t柴油抽检批次\t≥300批次', ROWS[2]));
    expect(d.indicators.updated.map((u) => [u.after.name, u.fields])).toEqual([['柴油抽检批次', ['level2']]]);
  });

  it('revives an archived indicator that is back in the table', () => {
    const c = table(...ROWS);
    const d = diffCatalogue(stored(c, ['2019.某局.测试项目.柴油抽检批次']), c);
    expect(d.indicators.revived.map((r) => [r.after.id, r.fields])).toEqual([['2019.某局.测试项目.柴油抽检批次', []]]);
    expect(isEmptyDiff(d)).toBe(false);
  });

  it('leaves other fiscal years alone', () => {
    const old = stored(table(...ROWS));
    const other: StoredCatalogue = {
      projects: old.projects.map((p) => ({ ...p, id: p.id.replace('2019', '2018'), fiscalYear: 2018 })),
      indicators: old.indicators.map((i) => ({ ...i, id: i.id.replace('2019', '2018'), fiscalYear: 2018 })),
    };
    const d = diffCatalogue(other, table(...ROWS));
    expect([d.indicators.added.length, d.indicators.archived.length, d.projects.archived.length]).toEqual([3, 0, 0]);
  });

  it('notices changed funds of a project', () => {
    const before = stored(table(...ROWS));
    before.projects[0].funds = { ...before.projects[0].funds, total: 80 };
    expect(diffCatalogue(before, table(...ROWS)).projects.updated.map((u) => u.fields)).toEqual([['funds']]);
  });
});
