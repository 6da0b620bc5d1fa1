import * as fs from 'node:fs';
import * as path from 'node:path';
import { envSchema, findRepoRoot } from './config';

/**
 * The README's "Configuration" section is the operator's reference: it must name every
 * environment variable the code reads, and nothing the code does not read.
 */

const ROOT = findRepoRoot();

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (/\.(ts|js)$/.test(entry.name) && !/\.spec\.ts$/.test(entry.name)) out.push(rel);
  }
  return out;
}

/** Variables read outside the config schema: infra's settings, the main job's options, bare process.env. */
function readOutsideSchema(): Set<string> {
  const found = new Set<string>();
  const patterns = [
    /process\.env\.([A-Z][A-Z0-9_]+)/g,
    /process\.env\[['"]([A-Z][A-Z0-9_]+)['"]\]/g,
    /\bget\('([A-Z][A-Z0-9_]+)'\)/g, // infra/settings.js
    /\bfromEnv\('([A-Z][A-Z0-9_]+)'/g, // libs/main-job/src/options.ts
  ];
  for (const file of ['apps', 'libs', 'infra', 'bin'].flatMap(sourceFiles)) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const re of patterns) for (const m of text.matchAll(re)) found.add(m[1]);
  }
  return found;
}

function documented(): Set<string> {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('\n## Configuration\n');
  expect(start).toBeGreaterThan(0);
  const end = readme.indexOf('\n### ', start);
  const section = readme.slice(start, end > start ? end : undefined);
  return new Set([...section.matchAll(/`([A-Z][A-Z0-9]*_[A-Z0-9_]+)`/g)].map((m) => m[1]));
}

describe("README's configuration section", () => {
  const read = new Set([...Object.keys(envSchema.shape), ...readOutsideSchema()]);
  const docs = documented();

  it('names every variable the code reads', () => {
    expect([...read].filter((v) => !docs.has(v)).sort()).toEqual([]);
  });

  it('names no variable the code does not read', () => {
    expect([...docs].filter((v) => !read.has(v)).sort()).toEqual([]);
  });

  it('finds the variables it checks (the scan itself works)', () => {
    expect(read).toContain('IW_TIMEZONE');
    expect(read).toContain('KAFKA_HEAP');
    expect(read).toContain('IW_SIM_SEED');
    expect(read.size).toBeGreaterThan(40);
  });
});
