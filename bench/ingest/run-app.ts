import * as fs from 'node:fs';
import * as path from 'node:path';
import { PeakRss, readCpuSeconds } from '../rss';
import { spawnBenchApp } from '../spawn';
import { drained } from './drain';

export interface AppRun {
  /** From spawn to drained, or to the last poll when time ran out. */
  ms: number;
  /** Messages not committed when time ran out (0: drained). */
  left: number;
  peakRssMb: number | null;
  /** CPU seconds (user + system) the app used until drained: robust to other load on the machine. */
  cpuSeconds: number | null;
  output: string;
  /** The .cpuprofile written, when profiled. */
  profileFile: string | null;
  /** How the app ended after SIGTERM, when not cleanly (exit 0): said, not fatal — the figures stand. */
  uncleanExit: string | null;
}

/**
 * Spawns a consuming app (`.../main.js`), times it from spawn until its group has committed
 * everything on `topics` (or `timeoutMs` ran out: then `left` says how much was not), samples its
 * peak RSS, then stops it with SIGTERM (which lets a `--cpu-prof` profile be written).
 */
export async function runUntilDrained(options: {
  entry: string;
  env: Record<string, string>;
  groupId: string;
  topics: string[];
  timeoutMs: number;
  profileDir?: string;
  /** More flags for node (before the entry). */
  nodeArgs?: string[];
}): Promise<AppRun> {
  // Node refuses --cpu-prof in NODE_OPTIONS: it goes on the command line.
  const nodeArgs: string[] = [...(options.nodeArgs ?? [])];
  if (options.profileDir) {
    fs.mkdirSync(options.profileDir, { recursive: true });
    nodeArgs.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`);
  }
  const before = options.profileDir ? new Set(fs.readdirSync(options.profileDir)) : new Set<string>();
  const started = Date.now();
  const app = spawnBenchApp(options.entry, options.env, undefined, nodeArgs);
  const rss = new PeakRss(app.child.pid!);
  try {
    const drain = await drained(options.groupId, options.topics, {
      timeoutMs: options.timeoutMs,
      alive: () => app.isRunning(),
    });
    const peakRssMb = rss.stop();
    const cpuSeconds = readCpuSeconds(app.child.pid!);
    const end = await app.stop('SIGTERM', 30_000);
    const uncleanExit =
      end.code === 0
        ? null
        : `ended with ${end.code ?? end.signal} after SIGTERM: ${app.output().trim().split('\n').slice(-1)[0] ?? ''}`.slice(
            0,
            300,
          );
    let profileFile: string | null = null;
    if (options.profileDir) {
      const fresh = fs.readdirSync(options.profileDir).filter((f) => f.endsWith('.cpuprofile') && !before.has(f));
      profileFile = fresh.length ? path.join(options.profileDir, fresh.sort().pop()!) : null;
    }
    return {
      ms: (drain.at ?? drain.lastPollAt) - started,
      left: drain.left,
      peakRssMb,
      cpuSeconds,
      output: app.output(),
      profileFile,
      uncleanExit,
    };
  } catch (e) {
    rss.stop();
    await app.stop('SIGKILL', 1000);
    throw new Error(`${(e as Error).message}\n--- ${options.entry} output ---\n${app.output().slice(-3000)}`, {
      cause: e,
    });
  }
}
