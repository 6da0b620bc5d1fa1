import { parseArgs } from 'node:util';

/** The stages of one run, in the order they run. */
export const STAGES = ['ingest', 'alerts', 'risk', 'sweep', 'province', 'parser'] as const;
export type Stage = (typeof STAGES)[number];

export interface BenchOptions {
  /** Mixed contract events pre-published for stage 1. */
  events: number;
  /** Partitions of every bench topic. */
  partitions: number;
  /** Baseline C is measured on at most this many events… */
  cEvents: number;
  /** …or for at most this long (seconds), whichever ends first. */
  cSeconds: number;
  /** Bound on the ingest run (seconds): what was committed by then is reported. */
  ingestSeconds: number;
  /** Bound on each sweep (seconds). */
  sweepSeconds: number;
  /** Bound on the profiled ingest run (seconds). */
  profileSeconds: number;
  /** Indicators tipped into at_risk for the alert latency. */
  alerts: number;
  /** Indicators stored for the sweep. */
  sweep: number;
  /** Agencies of the generated province (about 1,000 indicators each). */
  provinceAgencies: number;
  /** Bound on each step of the province stage (seconds). */
  provinceSeconds: number;
  /** Runs of the parser (the median is reported). */
  parseRuns: number;
  /** Sizes of the risk-engine runs. */
  riskSizes: number[];
  /** Also run ingest once more under `--cpu-prof` and summarise the profile. */
  profile: boolean;
  /** Keep the bench databases and topics (for poking at them afterwards). */
  keep: boolean;
  stages: Stage[];
  seed: number;
  out: string;
}

export const DEFAULTS: Omit<BenchOptions, 'out'> = {
  events: 200_000,
  partitions: 6,
  cEvents: 20_000,
  cSeconds: 60,
  ingestSeconds: 600,
  sweepSeconds: 600,
  profileSeconds: 120,
  alerts: 200,
  sweep: 100_000,
  provinceAgencies: 100,
  provinceSeconds: 600,
  parseRuns: 200,
  riskSizes: [10_000, 100_000, 1_000_000],
  profile: false,
  keep: false,
  stages: [...STAGES],
  seed: 8,
};

export class UsageError extends Error {}

export const USAGE = `usage: npm run bench -- [options]
  --events N       events pre-published for ingest throughput (default ${DEFAULTS.events})
  --partitions P   partitions per topic (default ${DEFAULTS.partitions})
  --c-events N     baseline C measured on at most N events (default ${DEFAULTS.cEvents})
  --c-seconds S    … or for at most S seconds (default ${DEFAULTS.cSeconds})
  --ingest-seconds S   bound on the ingest run (default ${DEFAULTS.ingestSeconds})
  --alerts M       indicators tipped into at_risk for alert latency (default ${DEFAULTS.alerts})
  --sweep N        indicators stored for the sweep (default ${DEFAULTS.sweep})
  --sweep-seconds S    bound on each sweep (default ${DEFAULTS.sweepSeconds})
  --province-agencies N  agencies of the generated province (default ${DEFAULTS.provinceAgencies})
  --province-seconds S   bound on each step of the province stage (default ${DEFAULTS.provinceSeconds})
  --parse-runs N   parser runs, median reported (default ${DEFAULTS.parseRuns})
  --only a,b       stages to run: ${STAGES.join(',')} (default all)
  --profile        also run ingest under --cpu-prof and print its top frames
  --profile-seconds S  bound on the profiled run (default ${DEFAULTS.profileSeconds})
  --keep           keep the bench databases and topics
  --out FILE       where the JSON goes (default bench/results/latest.json)`;

function count(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw.replace(/_/g, ''));
  if (!Number.isInteger(n) || n < min || n > max)
    throw new UsageError(`--${name}: expected an integer from ${min} to ${max}, got "${raw}"`);
  return n;
}

/** Command-line arguments → options; throws UsageError naming the bad flag. Pure. */
export function parseOptions(argv: string[], defaultOut: string): BenchOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        events: { type: 'string' },
        partitions: { type: 'string' },
        'c-events': { type: 'string' },
        'c-seconds': { type: 'string' },
        'ingest-seconds': { type: 'string' },
        'sweep-seconds': { type: 'string' },
        'profile-seconds': { type: 'string' },
        alerts: { type: 'string' },
        sweep: { type: 'string' },
        'parse-runs': { type: 'string' },
        'province-agencies': { type: 'string' },
        'province-seconds': { type: 'string' },
        only: { type: 'string' },
        profile: { type: 'boolean' },
        keep: { type: 'boolean' },
        seed: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  if (values.help) throw new UsageError('');
  let stages: Stage[] = [...STAGES];
  if (values.only !== undefined) {
    const asked = values.only
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
    const unknown = asked.filter((s) => !(STAGES as readonly string[]).includes(s));
    if (unknown.length || asked.length === 0)
      throw new UsageError(
        `--only: unknown stage(s) "${unknown.join(',') || values.only}"; stages: ${STAGES.join(',')}`,
      );
    stages = STAGES.filter((s) => asked.includes(s));
  }
  return {
    events: count('events', values.events, DEFAULTS.events, 100, 10_000_000),
    partitions: count('partitions', values.partitions, DEFAULTS.partitions, 1, 64),
    cEvents: count('c-events', values['c-events'], DEFAULTS.cEvents, 1, 10_000_000),
    cSeconds: count('c-seconds', values['c-seconds'], DEFAULTS.cSeconds, 1, 3600),
    ingestSeconds: count('ingest-seconds', values['ingest-seconds'], DEFAULTS.ingestSeconds, 10, 24 * 3600),
    sweepSeconds: count('sweep-seconds', values['sweep-seconds'], DEFAULTS.sweepSeconds, 10, 24 * 3600),
    profileSeconds: count('profile-seconds', values['profile-seconds'], DEFAULTS.profileSeconds, 10, 24 * 3600),
    alerts: count('alerts', values.alerts, DEFAULTS.alerts, 1, 5000),
    sweep: count('sweep', values.sweep, DEFAULTS.sweep, 100, 1_000_000),
    provinceAgencies: count('province-agencies', values['province-agencies'], DEFAULTS.provinceAgencies, 1, 1000),
    provinceSeconds: count('province-seconds', values['province-seconds'], DEFAULTS.provinceSeconds, 10, 24 * 3600),
    parseRuns: count('parse-runs', values['parse-runs'], DEFAULTS.parseRuns, 1, 100_000),
    riskSizes: DEFAULTS.riskSizes,
    profile: values.profile ?? false,
    keep: values.keep ?? false,
    stages,
    seed: count('seed', values.seed, DEFAULTS.seed, 0, 2 ** 31 - 1),
    out: values.out ?? defaultOut,
  };
}
