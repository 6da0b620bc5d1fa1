import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { ROOT } from './world';

/**
 * Compiled apps as child processes, run from the repository root as `npm start` runs them.
 * (test/support's spawnApp resolves entries from its own folder, which is dist/ once compiled.)
 */
export interface BenchApp {
  readonly child: ChildProcess;
  readonly name: string;
  output(): string;
  /** Resolves with the first match; rejects as soon as the process exits, or after `timeoutMs`. */
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  isRunning(): boolean;
  /** SIGTERM (or `signal`), SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

const running = new Set<BenchApp>();

/** Stops every app this process spawned (after a failed stage, or on Ctrl-C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((a) => a.stop('SIGTERM', 5000).catch(() => undefined)));
}

const MAX_KEPT = 1 << 20; // keep the last MiB of output

export function spawnBenchApp(
  entry: string,
  env: Record<string, string>,
  name = path.basename(path.dirname(path.dirname(entry))),
  nodeArgs: string[] = [],
): BenchApp {
  const child = spawn(process.execPath, [...nodeArgs, path.resolve(ROOT, entry)], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    out += chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
    if (out.length > MAX_KEPT) out = out.slice(-MAX_KEPT);
    for (const l of listeners) l();
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => {
      done = true;
      for (const l of listeners) l();
      resolve({ code, signal });
    }),
  );
  const app: BenchApp = {
    child,
    name,
    exited,
    output: () => out,
    isRunning: () => !done,
    waitFor(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const m = pattern.exec(out);
          if (m) finish(() => resolve(m));
          else if (done)
            finish(() => reject(new Error(`${name} exited before printing ${pattern}:\n${out.slice(-3000)}`)));
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms:\n${out.slice(-3000)}`)),
            ),
          timeoutMs,
        );
        const finish = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        listeners.add(check);
        check();
      });
    },
    async stop(signal = 'SIGTERM', graceMs = 20_000) {
      if (!done) child.kill(signal);
      const timer = setTimeout(() => !done && child.kill('SIGKILL'), graceMs);
      try {
        return await exited;
      } finally {
        clearTimeout(timer);
      }
    },
  };
  running.add(app);
  void exited.then(() => running.delete(app));
  return app;
}
