import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';

const ROOT = path.resolve(__dirname, '../..');

type Exit = { code: number | null; signal: NodeJS.Signals | null };

export interface AppProcess {
  readonly child: ChildProcess;
  /** What the process is called in errors (default: the entry's app folder). */
  readonly name: string;
  /** Everything written to stdout and stderr so far (ANSI colours stripped; the last `maxOutput` characters). */
  output(): string;
  /**
   * Resolves with the first match of the output; rejects as soon as the process exits without it,
   * or when time runs out (default 30 s).
   */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<RegExpExecArray>;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<Exit>;
  isRunning(): boolean;
  /** Sends `signal` (default SIGTERM), SIGKILL after `graceMs`; resolves with how it ended. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
}

export interface SpawnAppOptions {
  /** `dist/.../main.js` (compiled) or `apps/.../main.ts` (transpiled on the fly), relative to `cwd`. */
  entry: string;
  /** Added to the current environment. */
  env?: Record<string, string | undefined>;
  args?: string[];
  /** Node options before the entry (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
  /** Working directory and base of `entry`: the repository root by default. */
  cwd?: string;
  name?: string;
  /** Output kept, in characters (default: all of it). */
  maxOutput?: number;
  /** Echo the child's output to this process's stderr (debugging). */
  echo?: boolean;
}

/**
 * Runs a Node app as a child process: any entry point, any environment. The one spawn helper of
 * the tests, the fault suite and the bench.
 */
export function spawnApp(options: SpawnAppOptions): AppProcess {
  const cwd = options.cwd ?? ROOT;
  const entry = path.resolve(cwd, options.entry);
  const name = options.name ?? path.basename(path.dirname(path.dirname(entry)));
  const nodeArgs = [
    ...(entry.endsWith('.ts') ? ['--require', path.join(__dirname, 'ts-register.js')] : []),
    ...(options.nodeArgs ?? []),
  ];
  const child = spawn(process.execPath, [...nodeArgs, entry, ...(options.args ?? [])], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const maxOutput = options.maxOutput ?? Infinity;
  let out = '';
  const listeners = new Set<() => void>();
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
    out += text;
    if (out.length > maxOutput) out = out.slice(-maxOutput);
    if (options.echo) process.stderr.write(text);
    for (const l of [...listeners]) l();
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const tail = () => (out.length > 8000 ? `…${out.slice(-8000)}` : out);
  let done = false;
  const exited = new Promise<Exit>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      for (const l of [...listeners]) l();
      resolve({ code, signal });
    });
  });
  return {
    child,
    name,
    exited,
    output: () => out,
    isRunning: () => !done,
    waitForOutput(pattern, timeoutMs = 30_000) {
      return new Promise((resolve, reject) => {
        const finish = (f: () => void) => {
          clearTimeout(timer);
          listeners.delete(check);
          f();
        };
        const check = () => {
          const m = pattern.exec(out);
          if (m) finish(() => resolve(m));
          else if (done)
            finish(() => reject(new Error(`${name} exited before printing ${pattern}; output:\n${tail()}`)));
        };
        const timer = setTimeout(
          () =>
            finish(() =>
              reject(new Error(`${name} did not print ${pattern} within ${timeoutMs} ms; output:\n${tail()}`)),
            ),
          timeoutMs,
        );
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
}
