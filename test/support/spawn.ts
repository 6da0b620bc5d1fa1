import { type ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { waitFor } from './wait';

const ROOT = path.resolve(__dirname, '../..');

export interface AppProcess {
  readonly child: ChildProcess;
  /** Everything written to stdout and stderr so far (ANSI colours stripped). */
  output(): string;
  /** Resolves when the output matches; rejects if the process exits first or time runs out. */
  waitForOutput(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (or the signal that ended it). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends `signal` (default SIGTERM), SIGKILL after `graceMs`; resolves with how it ended. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface SpawnAppOptions {
  /** `dist/.../main.js` (compiled) or `apps/.../main.ts` (transpiled on the fly), relative to the repo root. */
  entry: string;
  /** Added to the current environment. */
  env?: Record<string, string | undefined>;
  args?: string[];
  /** Echo the child's output to this process's stderr (debugging). */
  echo?: boolean;
}

/** Runs a Node app as a child process. Generic: any entry point, any environment. */
export function spawnApp(options: SpawnAppOptions): AppProcess {
  const entry = path.resolve(ROOT, options.entry);
  const nodeArgs = entry.endsWith('.ts') ? ['--require', path.join(__dirname, 'ts-register.js')] : [];
  const child = spawn(process.execPath, [...nodeArgs, entry, ...(options.args ?? [])], {
    cwd: ROOT,
    env: { ...process.env, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8').replace(/\x1b\[[0-9;]*m/g, '');
    out += text;
    if (options.echo) process.stderr.write(text);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  let done = false;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      resolve({ code, signal });
    });
  });
  return {
    child,
    exited,
    output: () => out,
    async waitForOutput(pattern, timeoutMs = 30_000) {
      await waitFor(
        () => {
          if (pattern.test(out)) return true;
          if (done) throw new Error(`process exited before printing ${pattern}; output:\n${out}`);
          return false;
        },
        { timeoutMs, intervalMs: 50, message: `output ${pattern} not seen` },
      ).catch((e: Error) => {
        throw new Error(`${e.message}\n--- output ---\n${out}`);
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
