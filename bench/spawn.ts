import { APPS, NODE_FLAGS } from '@iw/main-job';
import { type AppProcess, spawnApp } from '../test/support/spawn';
import { ROOT } from './world';

/**
 * Compiled apps as child processes (test/support's spawnApp), run from the repository root as
 * `npm start` runs them (with their NODE_FLAGS), and remembered so that stopAll can stop them.
 */
export type BenchApp = AppProcess;

const running = new Set<BenchApp>();

/** Stops every app this process spawned (after a failed stage, or on Ctrl-C). */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((a) => a.stop('SIGTERM', 5000).catch(() => undefined)));
}

const MAX_KEPT = 1 << 20; // keep the last MiB of output

export function spawnBenchApp(
  entry: string,
  env: Record<string, string>,
  name?: string,
  nodeArgs: string[] = [],
): BenchApp {
  // The app's own Node flags first, as the main job and `npm run start:<app>` give them.
  const of = APPS.find((a) => entry.endsWith(`/apps/${a}/src/main.js`));
  const flags = of ? NODE_FLAGS[of] : [];
  const app = spawnApp({ entry, env, name, nodeArgs: [...flags, ...nodeArgs], cwd: ROOT, maxOutput: MAX_KEPT });
  running.add(app);
  void app.exited.then(() => running.delete(app));
  return app;
}
