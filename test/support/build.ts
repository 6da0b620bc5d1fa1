import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Builds dist/ when a source is newer than the last build, as the start scripts do
 * (`bin/build.js --if-stale`, under the build lock), so app tests run what `npm start` runs.
 * Throws with the compiler's output when the build fails.
 */
export function ensureBuilt(): void {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'bin', 'build.js'), '--if-stale'], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(`the build failed:\n${r.stdout}${r.stderr}`);
}
