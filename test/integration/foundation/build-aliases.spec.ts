import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// bin/aliases.js: the builds' check that tsc-alias left no `@iw/` path in a compiled file.
const { unresolvedAliases, resolveAliases } = require('../../../bin/aliases') as {
  unresolvedAliases: (dir: string) => string[];
  resolveAliases: (dir: string, resolve: () => void) => void;
};

const ROOT = path.resolve(__dirname, '../../..');

describe('the builds check that every @iw/ path was rewritten', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-aliases-'));
    fs.mkdirSync(path.join(dir, 'libs/mongo/src'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'libs/mongo/src/ok.js'), 'const c = require("../../clock/src");\n');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const left = path.join('libs/mongo/src/connection.js');
  const unresolved = () => fs.writeFileSync(path.join(dir, left), 'const c = require("@iw/clock");\n');
  const rewrite = () => fs.writeFileSync(path.join(dir, left), 'const c = require("../../clock/src");\n');

  it('names the compiled files still requiring an @iw/ path, and only those', () => {
    expect(unresolvedAliases(dir)).toEqual([]);
    unresolved();
    expect(unresolvedAliases(dir)).toEqual([path.join(dir, left)]);
  });

  it('runs tsc-alias a second time when the first left a file, and passes once none is left', () => {
    unresolved();
    let runs = 0;
    resolveAliases(dir, () => {
      runs += 1;
      if (runs === 2) rewrite();
    });
    expect(runs).toBe(2);
    expect(unresolvedAliases(dir)).toEqual([]);
  });

  it('stops the build naming the file when two runs left it', () => {
    unresolved();
    let runs = 0;
    expect(() => resolveAliases(dir, () => (runs += 1))).toThrow(/connection\.js/);
    expect(runs).toBe(2);
  });

  it('leaves nothing unresolved in dist/ as npm ci built it', () => {
    expect(fs.existsSync(path.join(ROOT, 'dist/apps/alerting/src/main.js'))).toBe(true);
    expect(unresolvedAliases(path.join(ROOT, 'dist'))).toEqual([]);
  });
});
