import * as fs from 'node:fs';
import * as path from 'node:path';
// The parser is written in parallel; until it exists this file does not compile (expected).
import { parseTargetTable, type ParsedCatalogue, type Target } from '@iw/targets';
import { checkBindings } from './bindings';
import { fixtureCatalogue } from '../test/fixtures';

/** samples/bindings.yaml against the REAL parsed seed, and the hand-built fixture against it. */
const root = path.resolve(__dirname, '../../..');
const seed = fs.readFileSync(path.join(root, 'samples/targets-2019-xinjiang-market-supervision.txt'), 'utf8');
const sample = fs.readFileSync(path.join(root, 'samples/bindings.yaml'), 'utf8');
const catalogue: ParsedCatalogue = parseTargetTable(seed);

describe('samples/bindings.yaml against the parsed seed catalogue', () => {
  const { bindings, problems } = checkBindings(sample, catalogue);

  it('loads without errors', () => {
    expect(problems.filter((p) => p.severity === 'error')).toEqual([]);
    expect(bindings).not.toBeNull();
  });

  it('binds as many units per topic as against the fixture', () => {
    const fixture = checkBindings(sample, fixtureCatalogue()).bindings!;
    const count = (b: typeof fixture) => Object.fromEntries(Object.entries(b.byRole).map(([r, l]) => [r, l.length]));
    expect(count(bindings!)).toEqual(count(fixture));
  });
});

describe('the fixture catalogue matches the parsed seed', () => {
  const parsed = new Map(catalogue.projects.flatMap((p) => p.indicators.map((i) => [i.id, i.target] as const)));
  const essence = (t: Target) => (t.kind === 'numeric' ? { kind: t.kind, op: t.op, value: t.value } : { kind: t.kind });
  const rows = fixtureCatalogue().projects.flatMap((p) => p.indicators.map((i) => [i.id, i.target] as const));

  it.each(rows)('%s', (id, target) => {
    expect(parsed.has(id)).toBe(true);
    expect(essence(parsed.get(id)!)).toEqual(essence(target));
  });
});
