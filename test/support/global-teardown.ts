import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { releaseLease } from './infra-lease';

const ROOT = path.resolve(__dirname, '../..');

/** Stops what global-setup started (unless another run still uses it, or IW_KEEP_INFRA is set). */
export default async function globalTeardown(): Promise<void> {
  const toStop = releaseLease();
  if (toStop.length === 0) return;
  if (process.env.IW_KEEP_INFRA) {
    process.stdout.write(
      `\nIW_KEEP_INFRA is set: leaving ${toStop.join(', ')} running (npm run infra:down stops them)\n`,
    );
    return;
  }
  spawnSync(process.execPath, [path.join(ROOT, 'infra', 'cli.js'), 'down', '--only', toStop.join(',')], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}
