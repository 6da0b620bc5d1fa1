import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { takeLease } from './infra-lease';

// Loaded by jest without the @iw/* path mapping: relative imports only.
const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'infra', 'cli.js');

/**
 * Integration tests need Kafka and MongoDB (FerretDB locally). Start them unless they already
 * answer, and remember what this run started so global-teardown stops only that.
 */
export default async function globalSetup(): Promise<void> {
  let started: string[] = [];
  const status = spawnSync(process.execPath, [CLI, 'status'], { cwd: ROOT, encoding: 'utf8' });
  if (status.status !== 0) {
    const report = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'iw-infra-')), 'up.json');
    process.stdout.write('\n');
    const up = spawnSync(process.execPath, [CLI, 'up', '--report', report], {
      cwd: ROOT,
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    if (up.status !== 0)
      throw new Error('the local infrastructure did not start (see the line above); integration tests cannot run');
    started = (JSON.parse(fs.readFileSync(report, 'utf8')) as { started: string[] }).started;
    fs.rmSync(path.dirname(report), { recursive: true, force: true });
  }
  takeLease(started);
}
