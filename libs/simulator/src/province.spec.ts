import { loadBindings } from '@iw/measures';
import {
  checkOwners,
  ownersFor,
  parseOwners,
  readCatalogue,
  rowsFromBytes,
  type ParsedCatalogue,
  type TargetKind,
} from '@iw/targets';
import { generateProvince, MAX_PROVINCE_AGENCIES, provinceAgencyNames } from './province';

async function parse(path: string, text: string): Promise<ParsedCatalogue> {
  return readCatalogue(await rowsFromBytes(Buffer.from(text, 'utf8'), path));
}

describe('the province generator', () => {
  it('is deterministic: the same options give the same files, another seed others', () => {
    const a = generateProvince({ agencies: 3, seed: 7, indicatorsPerAgency: 100 });
    expect(generateProvince({ agencies: 3, seed: 7, indicatorsPerAgency: 100 })).toEqual(a);
    expect(generateProvince({ agencies: 3, seed: 8, indicatorsPerAgency: 100 }).files[0].text).not.toBe(
      a.files[0].text,
    );
  });

  it('writes 100 agencies and about 100,000 indicators, in both templates', () => {
    const p = generateProvince({ agencies: 100, seed: 1 });
    expect(p.agencies).toHaveLength(100);
    expect(new Set(p.agencies.map((a) => a.name)).size).toBe(100);
    expect(p.indicators).toBeGreaterThan(90_000);
    expect(p.indicators).toBeLessThan(110_000);
    expect(p.indicators).toBe(p.agencies.reduce((n, a) => n + a.indicators, 0));
    expect(new Set(p.agencies.map((a) => a.template))).toEqual(new Set(['one-column', 'split-column']));
    expect(p.files.map((f) => f.path).slice(-2)).toEqual(['owners.yaml', 'bindings.yaml']);
    expect(p.files.filter((f) => /^targets\/\d{3}-.+\.(txt|csv)$/.test(f.path))).toHaveLength(100);
  });

  it('refuses sizes it cannot write', () => {
    expect(() => provinceAgencyNames(0)).toThrow(/agencies/);
    expect(() => provinceAgencyNames(MAX_PROVINCE_AGENCIES + 1)).toThrow(/agencies/);
    expect(provinceAgencyNames(MAX_PROVINCE_AGENCIES)).toHaveLength(MAX_PROVINCE_AGENCIES);
    expect(new Set(provinceAgencyNames(MAX_PROVINCE_AGENCIES)).size).toBe(MAX_PROVINCE_AGENCIES);
    expect(() => generateProvince({ agencies: 2, seed: -1 })).toThrow(/seed/);
    expect(() => generateProvince({ agencies: 2, seed: 1, indicatorsPerAgency: 5 })).toThrow(/indicators/);
  });

  it('reads back as written: every table without errors, every indicator, the agency, shapes of each kind', async () => {
    const p = generateProvince({ agencies: 4, seed: 3, indicatorsPerAgency: 300 });
    const kinds = new Map<TargetKind, number>();
    const catalogues: ParsedCatalogue[] = [];
    for (const a of p.agencies) {
      const text = p.files.find((f) => f.path === a.file)!.text;
      const c = await parse(a.file, text);
      catalogues.push(c);
      expect(c.fiscalYear).toBe(2019);
      expect(c.problems.filter((x) => x.severity !== 'info')).toEqual([]);
      expect(c.projects).toHaveLength(a.projects);
      expect(c.projects.every((x) => x.budgetUnit === a.name)).toBe(true);
      expect(c.projects.reduce((n, x) => n + x.indicators.length, 0)).toBe(a.indicators);
      for (const x of c.projects)
        for (const i of x.indicators) kinds.set(i.target.kind, (kinds.get(i.target.kind) ?? 0) + 1);
    }
    expect([...kinds.keys()].sort()).toEqual(['deadline', 'numeric', 'qualitative', 'recurring', 'relative']);
    // The split-column template reads its operator from 指标性质: floors stay floors.
    const split = catalogues[1].projects[0].indicators.find((i) => i.level2 === '服务对象满意度指标')!;
    expect(split.target).toMatchObject({ kind: 'numeric', op: '>=', unit: '%' });
    expect(split.value).toMatch(/^≥\d+%$/);

    // Owners and bindings name what the tables hold.
    const all: ParsedCatalogue = { ...catalogues[0], projects: catalogues.flatMap((c) => c.projects), problems: [] };
    const owners = parseOwners(p.files.find((f) => f.path === 'owners.yaml')!.text, 'yaml');
    expect(checkOwners(owners, all)).toEqual([]);
    const first = all.projects[0];
    expect(ownersFor(owners, first.name, first.indicators[0].id)).toEqual(['a001-p001@example.gov.cn']);
    const bindings = loadBindings(p.files.find((f) => f.path === 'bindings.yaml')!.text, all, {
      timeZone: 'Asia/Shanghai',
      satisfiedShare: 0.8,
    });
    expect(bindings.bindings.filter((b) => b.from === 'surveys')).toHaveLength(all.projects.length);
  });
});
