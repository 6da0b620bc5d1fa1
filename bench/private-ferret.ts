import { freePort } from '@iw/testing';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { closeMongo, connectMongo, pingMongo } from '@iw/mongo';
import { ROOT, sleep } from './world';

/**
 * A FerretDB instance of the bench's own (same binary and flags as infra/, its own port and
 * data in a temporary folder), for stages whose writes can wedge FerretDB 1.24: an update
 * command of 100 or more updates never answers, and that database's connection pool stays
 * stuck. Such a stage must not run against the shared server others are using.
 */
export interface PrivateFerret {
  url: (db: string) => string;
  /**
   * Stops it and removes its data. With `dumpTo`, it is stopped with SIGQUIT, which makes a Go
   * program print every goroutine's stack, and its log is kept there: what a wedged FerretDB waits on.
   */
  stop: (dumpTo?: string) => Promise<void>;
}

interface InfraSettings {
  loadSettings: () => { manageMongo: boolean };
}
interface InfraFerret {
  paths: (s: unknown) => { binary: string };
}

/** True when MONGO_URL is the FerretDB that infra/ manages (not a real MongoDB). */
export function usesLocalFerret(): boolean {
  const settings = require(path.join(ROOT, 'infra/settings.js')) as InfraSettings;
  return settings.loadSettings().manageMongo;
}

export async function startPrivateFerret(log: (m: string) => void): Promise<PrivateFerret> {
  const settings = require(path.join(ROOT, 'infra/settings.js')) as InfraSettings & { loadSettings: () => unknown };
  const { binary } = (require(path.join(ROOT, 'infra/ferretdb.js')) as InfraFerret).paths(settings.loadSettings());
  if (!fs.existsSync(binary)) throw new Error(`no FerretDB binary at ${binary}: run npm run infra:up first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-bench-ferretdb-'));
  fs.mkdirSync(path.join(dir, 'data'));
  fs.mkdirSync(path.join(dir, 'state'));
  const port = await freePort();
  const args = [
    '--handler=sqlite',
    `--sqlite-url=file:${path.join(dir, 'data')}/`,
    `--state-dir=${path.join(dir, 'state')}`,
    `--listen-addr=127.0.0.1:${port}`,
    '--debug-addr=-',
    '--telemetry=disable',
    '--log-level=ERROR',
    '--log-format=text',
  ];
  const out = fs.openSync(path.join(dir, 'ferretdb.log'), 'a');
  const child: ChildProcess = spawn(binary, args, { stdio: ['ignore', out, out] });
  fs.closeSync(out);
  let exited = false;
  const gone = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));
  const base = `mongodb://127.0.0.1:${port}`;
  const logFile = path.join(dir, 'ferretdb.log');
  const stop = async (dumpTo?: string) => {
    if (dumpTo && !exited) {
      child.kill('SIGQUIT');
      await Promise.race([gone, sleep(5000)]);
      fs.mkdirSync(path.dirname(dumpTo), { recursive: true });
      fs.copyFileSync(logFile, dumpTo);
    }
    if (!exited) child.kill('SIGTERM');
    await Promise.race([gone, sleep(5000)]);
    if (!exited) child.kill('SIGKILL');
    await Promise.race([gone, sleep(2000)]);
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const conn = await connectMongo(`${base}/ping`, { serverSelectionTimeoutMS: 1000 });
      await pingMongo(conn);
      await closeMongo(conn);
      break;
    } catch (e) {
      if (exited || Date.now() > deadline) {
        await stop();
        throw new Error(`private FerretDB did not start on port ${port}: ${(e as Error).message}`, { cause: e });
      }
      await sleep(200);
    }
  }
  log(`private FerretDB (pid ${child.pid}) on 127.0.0.1:${port}`);
  return { url: (db) => `${base}/${db}`, stop };
}
