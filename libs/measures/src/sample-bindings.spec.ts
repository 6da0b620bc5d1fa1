import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkBindings } from './bindings';
import { fixtureCatalogue } from '../test/fixtures';

const sample = fs.readFileSync(path.resolve(__dirname, '../../../samples/bindings.yaml'), 'utf8');

describe('samples/bindings.yaml against the hand-built seed catalogue', () => {
  const { bindings, problems } = checkBindings(sample, fixtureCatalogue());

  it('loads without problems', () => {
    expect(problems).toEqual([]);
    expect(bindings).not.toBeNull();
  });

  it('binds every fixture indicator an upstream system can feed', () => {
    const byRole = Object.fromEntries(Object.entries(bindings!.byRole).map(([r, list]) => [r, list.length]));
    expect(byRole).toEqual({ inspectionBatches: 12, cases: 4, surveys: 36, spending: 16, measurements: 0 });
  });
});
