import { parseOwners, parseTargetTable } from '@iw/targets';
import { benchIndicatorName, benchProjectName, MIXED_VALUES, ownerOf, ownersYaml, targetTableText } from './catalogue';

describe('synthetic target tables', () => {
  it.each([
    [1, 1],
    [3, 10],
    [20, 25],
  ])('%d projects × %d indicators read back as such, without errors', (projects, per) => {
    const c = parseTargetTable(targetTableText({ projects, indicatorsPerProject: per }), { fiscalYear: 2019 });
    expect(c.problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(c.projects.map((p) => p.name)).toEqual(Array.from({ length: projects }, (_, i) => benchProjectName(i)));
    expect(c.projects.every((p) => p.indicators.length === per)).toBe(true);
  });

  it('reads every mixed value as its intended kind', () => {
    const c = parseTargetTable(targetTableText({ projects: 1, indicatorsPerProject: MIXED_VALUES.length }), {
      fiscalYear: 2019,
    });
    expect(c.projects[0].indicators.map((i) => i.target.kind)).toEqual([
      'numeric',
      'numeric',
      'numeric',
      'range',
      'deadline',
      'window',
      'numeric',
      'numeric',
      'numeric',
      'qualitative',
    ]);
  });

  it.each([
    [0, '基准指标A'],
    [25, '基准指标Z'],
    [26, '基准指标AA'],
    [701, '基准指标ZZ'],
    [702, '基准指标AAA'],
  ])('names indicator %d %s', (j, want) => expect(benchIndicatorName(j)).toBe(want));

  it('gives each project its own owner', () => {
    const owners = parseOwners(ownersYaml(3), 'yaml');
    expect(owners.projects[benchProjectName(2)]).toEqual([ownerOf(2)]);
    expect(owners.fallback).toBe('ops@bench.test');
  });
});
