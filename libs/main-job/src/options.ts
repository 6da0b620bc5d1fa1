import { Command, CommanderError, InvalidArgumentError } from 'commander';

/** What `npm start -- …` (node dist/libs/main-job/src/main.js …) was asked to do. */
export interface MainJobOptions {
  /** Replay the seed catalogue's year; false: just the services, on IW_CLOCK (system by default). */
  simulate: boolean;
  seed: number;
  /** Simulated seconds per real second. */
  speed: number;
  from?: string;
  until?: string;
}

export class UsageError extends Error {}

const DEFAULTS = { seed: 1, speed: 86_400 };

/**
 * `--no-simulate` (or IW_SIMULATE=false) runs the services only; `--seed`, `--speed`, `--from`,
 * `--until` shape the replay (also IW_SIM_SEED, IW_SIM_SPEED, IW_SIM_FROM, IW_SIM_UNTIL, for
 * scripts that cannot pass arguments through npm). Arguments win over the environment.
 */
export function parseOptions(argv: readonly string[], env: NodeJS.ProcessEnv = {}): MainJobOptions {
  const program = new Command('npm start --')
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    .option('--no-simulate', 'run the services only (no replay, no seed import)')
    .option('--seed <n>', 'story seed', integer)
    .option('--speed <n>', 'simulated seconds per real second (86400: a day per second)', positive)
    .option('--from <date>', 'first simulated day', date)
    .option('--until <date>', 'last simulated day', date)
    .allowExcessArguments(false);
  try {
    program.parse([...argv], { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) throw new UsageError(e.message.replace(/^error: /, ''));
    throw e;
  }
  const o = program.opts<{ simulate: boolean; seed?: number; speed?: number; from?: string; until?: string }>();
  const fromEnv = <T>(name: string, parse: (v: string) => T): T | undefined => {
    const v = env[name]?.trim();
    if (!v) return undefined;
    try {
      return parse(v);
    } catch (e) {
      throw new UsageError(`${name}: ${(e as Error).message} (got "${v}")`);
    }
  };
  const envSimulate = fromEnv('IW_SIMULATE', (v) => {
    if (/^(true|1|yes|on)$/i.test(v)) return true;
    if (/^(false|0|no|off)$/i.test(v)) return false;
    throw new InvalidArgumentError('expected true or false');
  });
  const from = o.from ?? fromEnv('IW_SIM_FROM', date);
  const until = o.until ?? fromEnv('IW_SIM_UNTIL', date);
  if (from && until && from > until) throw new UsageError(`--from ${from} is after --until ${until}`);
  return {
    // --no-simulate sets simulate=false; otherwise the env may turn it off.
    simulate: o.simulate === false ? false : (envSimulate ?? true),
    seed: o.seed ?? fromEnv('IW_SIM_SEED', integer) ?? DEFAULTS.seed,
    speed: o.speed ?? fromEnv('IW_SIM_SPEED', positive) ?? DEFAULTS.speed,
    ...(from ? { from } : {}),
    ...(until ? { until } : {}),
  };
}

function integer(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

function positive(v: string): number {
  const n = Number(v);
  if (!(n > 0) || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number > 0');
  return n;
}

function date(v: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))
    throw new InvalidArgumentError('expected a date YYYY-MM-DD');
  return v;
}
