import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');
const STAMP = path.join(ROOT, 'dist', '.build-stamp');
const SOURCES = ['apps', 'libs', 'infra'];

function newestSource(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return newest;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestSource(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts'))
      newest = Math.max(newest, fs.statSync(full).mtimeMs);
  }
  return newest;
}

/** True when dist/ is older than some non-test source under apps/, libs/ or infra/. */
export function buildIsStale(): boolean {
  if (!fs.existsSync(STAMP)) return true;
  const built = fs.statSync(STAMP).mtimeMs;
  return SOURCES.some((d) => newestSource(path.join(ROOT, d)) > built);
}

/**
 * Runs `npm run build` when dist/ is stale, so app tests run what `npm start` runs.
 * Throws with the compiler's output when the build fails.
 */
export function ensureBuilt(): void {
  if (!buildIsStale()) return;
  const started = Date.now();
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed:\n${r.stdout}${r.stderr}`);
  fs.mkdirSync(path.dirname(STAMP), { recursive: true });
  fs.writeFileSync(STAMP, new Date(started).toISOString() + '\n');
  // Stamp with the start time: a source saved during the build makes the next check rebuild.
  fs.utimesSync(STAMP, started / 1000, started / 1000);
}
