import { progressSlices } from './progress-slices';

function units(projects: number[]): Map<string, { projectId: string }> {
  const out = new Map<string, { projectId: string }>();
  projects.forEach((count, p) => {
    for (let i = 0; i < count; i++) out.set(`p${p}.u${i}`, { projectId: `p${p}` });
  });
  return out;
}

describe('progressSlices', () => {
  it('starts small and doubles, up to the largest slice, keeping every unit once in order', () => {
    const all = units(Array.from({ length: 200 }, () => 1));
    const slices = progressSlices(all, 16, 64);
    expect(slices.map((s) => s.length)).toEqual([16, 32, 64, 64, 24]);
    expect(slices.flat()).toEqual([...all.keys()]);
  });

  it("never splits a project's units between slices", () => {
    const all = units([10, 10, 3, 40, 1]);
    const slices = progressSlices(all, 16, 500);
    expect(slices.map((s) => s.length)).toEqual([20, 43, 1]);
    for (const slice of slices) {
      const projects = new Set(slice.map((id) => all.get(id)!.projectId));
      for (const p of projects)
        expect(slice.filter((id) => all.get(id)!.projectId === p)).toHaveLength(
          [...all.values()].filter((u) => u.projectId === p).length,
        );
    }
  });

  it('gives one slice for a small batch, none for nothing', () => {
    expect(progressSlices(units([1, 1, 1]))).toEqual([['p0.u0', 'p1.u0', 'p2.u0']]);
    expect(progressSlices(new Map())).toEqual([]);
  });
});
