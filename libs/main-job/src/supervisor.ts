import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as readline from 'node:readline';
import { WALL_CLOCK } from '@iw/clock';

export interface ChildSpec {
  name: string;
  entry: string;
  /** Node's flags, before the entry (plan.ts NODE_FLAGS). */
  nodeFlags?: readonly string[];
}

export interface SupervisorOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Each child's output goes to `<logDir>/<name>.log`. */
  logDir: string;
  /** Lines worth showing on the console (warnings, errors). */
  onNotice?: (name: string, line: string) => void;
  /** A child ended without being asked to. */
  onUnexpectedExit?: (name: string, how: string, lastLines: string[]) => void;
  /** Which lines are notices. */
  notice?: RegExp;
}

interface Child {
  name: string;
  process: ChildProcess;
  log: fs.WriteStream;
  tail: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  done: boolean;
}

const TAIL = 30;
const NOTICE = /\b(ERROR|WARN|FATAL)\b|cannot start|Invalid configuration/;

/**
 * Runs Node services as children: output to log files (the console keeps the live line), their
 * warnings and errors echoed, SIGTERM then SIGKILL on stop, and a loud report when one dies.
 */
export class Supervisor {
  private readonly children: Child[] = [];
  private stopping = false;
  private exitHook: (() => void) | null = null;

  constructor(private readonly o: SupervisorOptions) {
    fs.mkdirSync(o.logDir, { recursive: true });
  }

  start(specs: readonly ChildSpec[]): void {
    for (const spec of specs) {
      if (!fs.existsSync(spec.entry)) throw new Error(`${spec.name}: ${spec.entry} does not exist (run npm run build)`);
      const file = path.join(this.o.logDir, `${spec.name}.log`);
      const log = fs.createWriteStream(file, { flags: 'a' });
      // A log that cannot be written must not take the job down.
      log.on('error', () => undefined);
      log.write(`\n--- ${new Date(WALL_CLOCK.now()).toISOString()} started by the main job (pid ${process.pid}) ---\n`);
      // detached: a process group of its own, so a Ctrl-C in the terminal (SIGINT to the whole
      // foreground group) reaches the main job only, which then stops the services in order
      // (ingest drained first); otherwise each service stopped on its own at once, and the job
      // took the first one to exit for a crash.
      const proc = spawn(process.execPath, [...(spec.nodeFlags ?? []), spec.entry], {
        cwd: this.o.cwd,
        env: this.o.env,
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
      if (!this.exitHook) {
        // Children in their own group outlive a main job that exits abruptly: kill them on any exit.
        this.exitHook = () => this.kill();
        process.once('exit', this.exitHook);
      }
      const child: Child = {
        name: spec.name,
        process: proc,
        log,
        tail: [],
        done: false,
        exited: new Promise((resolve) => {
          // 'close', not 'exit': it comes after the output streams are drained, so the tail is complete.
          proc.once('close', (code, signal) => {
            child.done = true;
            resolve({ code, signal });
            if (!this.stopping)
              this.o.onUnexpectedExit?.(spec.name, signal ? `signal ${signal}` : `exit code ${code}`, child.tail);
          });
        }),
      };
      proc.once('error', (err) => {
        child.tail.push(`spawn failed: ${err.message}`);
      });
      for (const stream of [proc.stdout, proc.stderr]) {
        if (!stream) continue;
        readline.createInterface({ input: stream }).on('line', (line) => {
          log.write(line + '\n');
          child.tail.push(line);
          if (child.tail.length > TAIL) child.tail.shift();
          if ((this.o.notice ?? NOTICE).test(line)) this.o.onNotice?.(spec.name, line);
        });
      }
      this.children.push(child);
    }
  }

  /** Process id of each child started. */
  get pids(): Record<string, number | undefined> {
    return Object.fromEntries(this.children.map((c) => [c.name, c.process.pid]));
  }

  get running(): string[] {
    return this.children.filter((c) => !c.done).map((c) => c.name);
  }

  /**
   * SIGTERM to every child (or only those named: a stop in stages), SIGKILL to those still
   * running after `graceMs`; how each one ended. Once every child has ended, the logs are closed.
   */
  async stop(
    graceMs = 25_000,
    names?: readonly string[],
  ): Promise<Array<{ name: string; code: number | null; signal: NodeJS.Signals | null }>> {
    this.stopping = true;
    const which = this.children.filter((c) => !names || names.includes(c.name));
    for (const c of which) if (!c.done) c.process.kill('SIGTERM');
    const timer = setTimeout(() => {
      for (const c of which) if (!c.done) c.process.kill('SIGKILL');
    }, graceMs);
    try {
      return await Promise.all(which.map(async (c) => ({ name: c.name, ...(await c.exited) })));
    } finally {
      clearTimeout(timer);
      if (this.children.every((c) => c.done)) {
        if (this.exitHook) process.off('exit', this.exitHook);
        this.exitHook = null;
        await Promise.all(this.children.map((c) => new Promise<void>((resolve) => c.log.end(resolve))));
      }
    }
  }

  /** SIGKILL to every child still running (a second Ctrl-C). */
  kill(): void {
    this.stopping = true;
    for (const c of this.children) if (!c.done) c.process.kill('SIGKILL');
  }
}
