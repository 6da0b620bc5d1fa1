/**
 * `iw simulate [--from 2019-01-01] [--until date] [--speed 86400] [--seed N] [--run-id id] [--plan]`:
 * publishes the story of the imported catalogue's fiscal year through the real topics on a
 * simulated clock (at 86400, one simulated day per real second). The services must run on the
 * same clock: the command prints the IW_CLOCK to give them, or uses IW_CLOCK when it is a
 * simulated clock already and neither --from nor --speed is given.
 */
import { parseClockSpec, SystemClock, type Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { EmptyCatalogueError } from '@iw/mongo';
import { buildStory, describeStory, newRunId, simulatedClockSpec, type PlayProgress, type Story } from '@iw/simulator';
import { ensureActualsTopics, loadStoryInput, runSimulation } from '@iw/simulator/runner';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import type { CliCommand } from './command';
import { cliConfig, withMongo } from './context';

export interface SimulateOptions {
  from?: string;
  until?: string;
  speed?: number;
  seed: number;
  runId?: string;
  plan?: boolean;
  /** Rewrite one live line (a terminal) rather than print a line per simulated month. */
  tty?: boolean;
}

export const DEFAULT_SPEED = 86_400;

/** Which clock the replay runs on, and the IW_CLOCK the services need to share it. */
export function simulationClock(
  config: AppConfig,
  fiscalYear: number,
  o: Pick<SimulateOptions, 'from' | 'speed'>,
  realNow: number,
): { clock: Clock; spec: string; shared: boolean } {
  const ownClock = o.from !== undefined || o.speed !== undefined || !config.clock.trim().startsWith('sim:');
  if (!ownClock) return { clock: parseClockSpec(config.clock), spec: config.clock, shared: true };
  const spec = simulatedClockSpec(o.from ?? `${fiscalYear}-01-01`, o.speed ?? DEFAULT_SPEED, config.timeZone, realNow);
  return { clock: parseClockSpec(spec), spec, shared: false };
}

export function formatProgress(p: PlayProgress): string {
  const malformed = p.malformed ? ` (${p.malformed} malformed)` : '';
  return `${p.date}  ${p.published}/${p.total} events published${malformed}${p.done ? '  done' : ''}`;
}

export async function simulate(options: SimulateOptions, io: CliIo, signal?: AbortSignal): Promise<Story> {
  const config = cliConfig();
  const input = await withMongo(config, async (conn) => {
    try {
      return await loadStoryInput(conn, config);
    } catch (e) {
      if (e instanceof EmptyCatalogueError)
        throw new CliError(
          `${e.message}, e.g. npx iw targets import samples/targets-2019-xinjiang-market-supervision.txt --owners samples/owners.yaml`,
        );
      throw new CliError(`cannot load the catalogue and bindings: ${(e as Error).message}`);
    }
  });
  const realNow = new SystemClock().now();
  const runId = options.runId ?? newRunId(realNow);
  const fy = input.bindings.fiscalYear;
  const { clock, spec, shared } = simulationClock(config, fy, options, realNow);
  const storyFrom = options.from ?? `${fy}-01-01`;

  if (options.plan) {
    const story = buildStory(input, { seed: options.seed, runId, from: storyFrom, until: options.until });
    io.out(describeStory(story));
    return story;
  }

  await ensureActualsTopics(config).catch((e: Error) => {
    throw new CliError(
      `Kafka at ${config.kafka.brokers.join(',')}: ${e.message} (is the infrastructure up? npm run infra:up)`,
    );
  });
  io.out(
    shared
      ? `on the shared clock IW_CLOCK=${spec}\n`
      : `simulated clock: run the services with IW_CLOCK=${spec} to share this timeline\n`,
  );
  let lastMonth = '';
  let lastLine = '';
  const { story, progress } = await runSimulation({
    config,
    input,
    seed: options.seed,
    runId,
    from: storyFrom,
    until: options.until,
    clock,
    signal,
    onStart: (s) =>
      io.out(
        `seed ${s.seed}, run ${s.runId}: ${s.events.length} events from ${s.from} to ${s.until}, ${s.malformedCount} of them malformed (for the DLQ)\n`,
      ),
    onProgress: (p) => {
      const line = formatProgress(p);
      if (options.tty) {
        if (line !== lastLine) io.out(`\r${line}\x1b[K`);
      } else if (p.date.slice(0, 7) !== lastMonth || p.done) {
        lastMonth = p.date.slice(0, 7);
        if (line !== lastLine) io.out(`${line}\n`);
      }
      lastLine = line;
    },
  });
  if (options.tty) io.out('\n');
  const stopped = progress.done ? 'all published' : 'stopped early';
  io.out(
    `${stopped}: ${progress.published} of ${story.events.length} events, ${progress.malformed} malformed (the DLQ should hold ${progress.malformed}); ` +
      `seed ${story.seed}, run ${story.runId}, ${story.from} … ${story.until}\n`,
  );
  return story;
}

function isoDate(value: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    throw new InvalidArgumentError('expected a date YYYY-MM-DD');
  return value;
}

function speed(value: string): number {
  const n = Number(value);
  if (!(n > 0) || !Number.isFinite(n))
    throw new InvalidArgumentError('expected simulated seconds per real second, > 0 (86400: a day per second)');
  return n;
}

function seed(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError('expected an integer ≥ 0');
  return n;
}

export const simulateCommand: CliCommand = {
  name: 'simulate',
  register(program, io) {
    program
      .command('simulate')
      .description(
        'replay a plausible year of actuals for the imported catalogue through the real topics, on a simulated clock',
      )
      .option('--from <date>', 'first simulated day (default: the fiscal year start)', isoDate)
      .option('--until <date>', 'last simulated day (default: the fiscal year end)', isoDate)
      .option('--speed <n>', `simulated seconds per real second (default ${DEFAULT_SPEED}: a day per second)`, speed)
      .option('--seed <n>', 'story seed: the same seed, the same story', seed, 1)
      .option(
        '--run-id <id>',
        'event id prefix (default: a new one per run, so a replay is never taken for a redelivery)',
      )
      .option('--plan', 'print the plot (scenarios, chosen indicators, expected statuses) and exit')
      .action(async (options: SimulateOptions) => {
        const abort = new AbortController();
        const stop = () => abort.abort();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
        try {
          await simulate({ ...options, tty: Boolean(process.stdout.isTTY) }, io, abort.signal);
        } finally {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
        }
      });
  },
};
