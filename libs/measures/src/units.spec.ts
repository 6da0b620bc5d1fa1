import type { Target } from '@iw/targets';
import { boundUnit } from './bindings';
import { catalogueUnits, targetKey } from './units';
import { fixtureCatalogue } from '../test/fixtures';

describe('targetKey', () => {
  const numeric = (value: number): Target => ({ kind: 'numeric', op: '>=', value, unit: '批次' });

  it.each<[string, Target, Target, boolean]>([
    ['equal targets', numeric(2), numeric(2), true],
    ['another value', numeric(2), numeric(3), false],
    ['another unit', numeric(2), { kind: 'numeric', op: '>=', value: 2, unit: '次' }, false],
    ['another kind', { kind: 'qualitative', text: '是' }, { kind: 'missing', raw: '是' } as Target, false],
    ['−0 and 0', numeric(-0), numeric(0), false],
    ['infinity and null', numeric(Infinity), { kind: 'numeric', op: '>=', value: null, unit: '批次' } as never, false],
    ['NaN and null', numeric(NaN), { kind: 'numeric', op: '>=', value: null, unit: '批次' } as never, false],
    [
      'an undefined field and none',
      { kind: 'qualitative', text: '是', label: undefined } as Target,
      { kind: 'qualitative', text: '是' },
      false,
    ],
    [
      'an undefined field and the text #undefined',
      { kind: 'qualitative', text: undefined } as never,
      { kind: 'qualitative', text: '#undefined' },
      false,
    ],
  ])('%s: same key %s', (_name, a, b, same) => {
    expect(targetKey(a) === targetKey(b)).toBe(same);
  });
});

describe('catalogueUnits', () => {
  const units = catalogueUnits(fixtureCatalogue());

  it('gives units of equal targets one target object, equal to each', () => {
    const byKey = new Map<string, Target>();
    let shared = 0;
    for (const u of units) {
      const key = targetKey(u.target);
      const first = byKey.get(key);
      if (first) {
        expect(u.target).toBe(first);
        shared++;
      } else byKey.set(key, u.target);
    }
    expect(shared).toBeGreaterThan(0);
  });

  it('keeps each unit’s target equal to its indicator’s', () => {
    const catalogue = fixtureCatalogue();
    const targets = new Map(catalogue.projects.flatMap((p) => p.indicators.map((i) => [i.id, i.target])));
    for (const u of units) if (u.kind === 'indicator') expect(u.target).toEqual(targets.get(u.id));
  });
});

describe('boundUnit', () => {
  const line = { measure: 'latest', scale: 100, of: 14, line: 7 } as const;

  it.each(['indicator', 'part', 'budget'] as const)('a %s: the unit with the binding’s measure', (kind) => {
    const unit = units().find((u) => u.kind === kind)!;
    expect(boundUnit(unit, line)).toStrictEqual({ ...unit, measure: 'latest', scale: 100, of: 14, bindingLine: 7 });
  });

  it('an unset `of` stays a field, as the binding gives it', () => {
    const unit = units().find((u) => u.kind === 'indicator')!;
    const bound = boundUnit(unit, { ...line, of: undefined });
    expect(Object.keys(bound)).toContain('of');
    expect(bound.of).toBeUndefined();
  });

  function units() {
    return catalogueUnits(fixtureCatalogue());
  }
});
