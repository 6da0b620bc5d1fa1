import { chartSvg, niceMax, type ChartInput } from './chart';

const base: ChartInput = {
  id: 'u1',
  title: '汽油抽检批次',
  unit: '批次',
  period: { from: '2019-01-01', to: '2019-12-31' },
  deadline: '2019-12-31',
  today: '2019-07-01',
  history: [
    { date: '2019-03-10', actual: 100 },
    { date: '2019-06-28', actual: 300 },
  ],
  targets: [700],
  cumulative: true,
  milestone: false,
  forecast: 603,
  expected: 348,
};

describe('niceMax', () => {
  it.each([
    [0, 1],
    [-5, 1],
    [700, 1000],
    [92, 100],
    [95, 200], // 95 × 1.08 > 100
    [1.5, 2],
    [180, 200],
    [240, 500], // 240 × 1.08 > 250
  ])('%p → %p', (v, max) => {
    expect(niceMax(v)).toBe(max);
  });
});

describe('chartSvg', () => {
  const attr = (svg: string, cls: string, name: string) =>
    new RegExp(`class="${cls}"[^>]*\\b${name}="([^"]*)"`).exec(svg)?.[1];

  it('draws the actual as steps held to today, a pace line to the target, the forecast and the deadline', () => {
    const svg = chartSvg(base).value;
    expect(attr(svg, 'actual', 'd')).toMatch(/^M[\d.]+,[\d.]+H[\d.]+V[\d.]+H[\d.]+$/);
    expect(svg).toContain('class="pace"');
    expect(svg).toContain('class="forecast"');
    expect(svg).toContain('截止 2019-12-31');
    expect(svg).toContain('今天');
    expect((svg.match(/class="point"/g) ?? []).length).toBe(2);
  });

  it.each<[string, Partial<ChartInput>, string[], string[]]>([
    [
      'a level target draws a target line, no pace',
      { cumulative: false, targets: [90], unit: '%' },
      ['class="target"'],
      ['class="pace"'],
    ],
    ['no forecast, no forecast line', { forecast: null }, [], ['class="forecast"']],
    ['no deadline, no mark', { deadline: null }, [], ['class="deadline"']],
    [
      'a milestone reads 完成 / 未完成',
      { milestone: true, targets: [], history: [{ date: '2019-05-01', actual: 1 }] },
      ['>完成<', '>未完成<'],
      ['class="pace"', 'class="forecast"'],
    ],
    ['today after the period: no today mark', { today: '2020-02-01' }, [], ['class="today"']],
    ['no data: an empty actual path', { history: [] }, ['d=""'], ['class="forecast"']],
  ])('%s', (_, over, present, absent) => {
    const svg = chartSvg({ ...base, ...over }).value;
    for (const p of present) expect(svg).toContain(p);
    for (const a of absent) expect(svg).not.toContain(a);
  });

  it('escapes names and ids', () => {
    const svg = chartSvg({ ...base, id: '"><script>', title: '<script>alert(1)</script>', unit: '<b>' }).value;
    expect(svg).not.toMatch(/<script>|<b>/);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('draws the target as a level line, labelled, on an axis scaled to the target and the data with headroom', () => {
    const y = (svg: string, value: number) =>
      Number(new RegExp(`class="target" data-value="${value}"><line x1="[\\d.]+" y1="([\\d.]+)"`).exec(svg)?.[1]);
    const ticks = (svg: string) =>
      [...svg.matchAll(/text-anchor="end" font-size="11" fill="#5c7080">([^<]*)</g)].map((m) => m[1]);
    // Data below the target: the axis reaches past the target.
    const below = chartSvg(base).value;
    expect(below).toContain('目标 700批次');
    expect(y(below, 700)).toBeGreaterThan(24); // inside the plot, under its top edge
    expect(ticks(below).at(-1)).toBe('1000');
    // Data above the target: the axis follows the data, the target line stays where 700 is.
    const above = chartSvg({ ...base, history: [{ date: '2019-06-28', actual: 1200 }], forecast: 1500 }).value;
    expect(ticks(above).at(-1)).toBe('2000');
    expect(y(above, 700)).toBeGreaterThan(y(below, 700));
    // A range: both bounds; a milestone: none.
    const range = chartSvg({ ...base, cumulative: false, targets: [90, 110] }).value;
    expect(range.match(/class="target"/g)).toHaveLength(2);
    expect(chartSvg({ ...base, milestone: true, targets: [] }).value).not.toContain('class="target"');
  });
});
