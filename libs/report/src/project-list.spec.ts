import { budgetBehind, listProjects, projectRisk, type ListedProject, type ProjectRisk } from './project-list';

const lights = (确定能: number, 有可能: number, 不可能: number, 无: number) => ({ 确定能, 有可能, 不可能, 无 });
const p = (
  name: string,
  l: ListedProject['lights'],
  executionRate: number | null = 50,
  fundsTotal: number | null = 100,
): ListedProject => ({ name, lights: l, executionRate, timeElapsed: 49.7, fundsTotal });

describe('budgetBehind', () => {
  it.each<[number | null, number | null, number, boolean]>([
    // The default tolerance (0.1 of 序时进度): 49.7 × 0.9 = 44.73 is the line.
    [0, 49.7, 0.1, true],
    [49.6, 49.7, 0.1, false], // 0.1 points behind: within tolerance
    [45, 49.7, 0.1, false],
    [44.73, 49.7, 0.1, false], // at the line, like the risk engine's pace rule
    [44.72, 49.7, 0.1, true],
    [32, 49.7, 0.1, true],
    [49.7, 49.7, 0.1, false],
    [80, 49.7, 0.1, false],
    // Another tolerance from the pace file; none at all: any shortfall.
    [40, 49.7, 0.2, false],
    [39.7, 49.7, 0.2, true],
    [49.6, 49.7, 0, true],
    [49.7, 49.7, 0, false],
    // Early in the year the line is close to 0.
    [0, 2, 0.1, true],
    [1.9, 2, 0.1, false],
    [null, 49.7, 0.1, false],
    [10, null, 0.1, false],
  ])('执行率 %p against 序时进度 %p, tolerance %p → behind %p', (rate, elapsed, tolerance, want) => {
    expect(budgetBehind(rate, elapsed, tolerance)).toBe(want);
  });
});

describe('projectRisk', () => {
  it.each<[ListedProject['lights'], ProjectRisk]>([
    [lights(5, 2, 1, 0), '不可能'],
    [lights(5, 2, 0, 3), '有可能'],
    [lights(5, 0, 0, 3), '确定能'],
    [lights(0, 0, 0, 3), '暂无'],
    [lights(0, 0, 0, 0), '暂无'],
  ])('%p → %p', (l, want) => expect(projectRisk(l)).toBe(want));
});

describe('listProjects', () => {
  const rows = [
    p('丙', lights(3, 0, 0, 0), 60, 50),
    p('甲', lights(1, 2, 1, 0), 10, 300),
    p('乙', lights(0, 3, 0, 1), null, null),
    p('丁', lights(0, 0, 0, 4), 0, 20),
    p('戊', lights(1, 2, 1, 0), 40, 10),
  ];
  const names = (xs: ListedProject[]) => xs.map((x) => x.name);

  it.each<[Parameters<typeof listProjects>[1], string[]]>([
    // More 不可能, then more 有可能, then further behind on budget (甲 10% before 戊 40%).
    [{ sort: 'risk', risk: null }, ['甲', '戊', '乙', '丁', '丙']],
    // Furthest behind 序时进度 first; an unknown rate last.
    [{ sort: 'execution', risk: null }, ['丁', '甲', '戊', '丙', '乙']],
    // Largest 年度资金 first; none last.
    [{ sort: 'funds', risk: null }, ['甲', '丙', '丁', '戊', '乙']],
    [{ sort: 'name', risk: null }, ['丙', '丁', '甲', '乙', '戊'].sort((a, b) => a.localeCompare(b, 'zh'))],
    [{ sort: 'risk', risk: '不可能' }, ['甲', '戊']],
    [{ sort: 'name', risk: '有可能' }, ['乙']],
    [{ sort: 'risk', risk: '确定能' }, ['丙']],
    [{ sort: 'risk', risk: '暂无' }, ['丁']],
  ])('%p', (options, want) => {
    const before = names(rows);
    expect(names(listProjects(rows, options))).toEqual(want);
    expect(names(rows)).toEqual(before);
  });
});
