import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { parseDuration } from './duration';

/**
 * The one place configuration is read. Every variable of the README's configuration table plus the
 * operational knobs; validated once at start-up with a message naming the variable.
 */

export const DEFAULT_TOPICS = {
  inspectionBatches: 'actuals.inspection-batches',
  cases: 'actuals.cases',
  surveys: 'actuals.surveys',
  spending: 'actuals.spending',
  measurements: 'actuals.measurements',
  dlq: 'actuals.dlq',
  progress: 'indicators.progress',
} as const;

export type TopicRole = keyof typeof DEFAULT_TOPICS;

/** `inspectionBatches` → `IW_TOPIC_INSPECTION_BATCHES`: the variable naming one topic. */
export function topicVariable(role: TopicRole) {
  return `IW_TOPIC_${role.replace(/[A-Z]/g, (c) => '_' + c).toUpperCase()}` as `IW_TOPIC_${string}` &
    keyof z.input<typeof envSchema>;
}

const duration = (name: string, fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v, ctx) => {
      try {
        return parseDuration(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    })
    .describe(name);

/** A retention: a duration of at least an hour (shorter would forget what a slow writer still relies on). */
const retention = (name: string, fallback: string) =>
  duration(name, fallback).refine((ms) => ms >= 3_600_000, 'a retention must be at least 1h');

const port = (fallback: number, min = 1) => z.coerce.number().int().min(min).max(65535).default(fallback);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off', ''])
    .default(fallback ? 'true' : 'false')
    .transform((v) => ['true', '1', 'yes', 'on'].includes(v));
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

const repoRoot = path.resolve(__dirname, '../../..');
const fromRoot = (rel: string) => path.join(findRepoRoot(), rel);

/** The repository root, whether running from sources (ts) or from dist/. */
export function findRepoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'nest-cli.json'))) return dir;
    dir = path.dirname(dir);
  }
  return repoRoot;
}

export const envSchema = z.object({
  KAFKA_BROKERS: list('127.0.0.1:9092'),
  KAFKA_CLIENT_ID: z.string().default('indicator-watch'),
  KAFKA_SASL_MECHANISM: z.enum(['plain', 'scram-sha-256', 'scram-sha-512', '']).default(''),
  KAFKA_SASL_USERNAME: z.string().default(''),
  KAFKA_SASL_PASSWORD: z.string().default(''),
  KAFKA_SSL: bool(false),
  /** PEM files (paths): a CA to trust, and a client certificate + key for mutual TLS. */
  KAFKA_SSL_CA: z.string().default(''),
  KAFKA_SSL_CERT: z.string().default(''),
  KAFKA_SSL_KEY: z.string().default(''),
  KAFKA_SSL_REJECT_UNAUTHORIZED: bool(true),
  KAFKA_TOPIC_PREFIX: z.string().default(''),
  KAFKA_PARTITIONS: z.coerce.number().int().min(1).max(1000).default(6),
  /** A topic's own name instead of the contract default (still behind KAFKA_TOPIC_PREFIX). */
  IW_TOPIC_INSPECTION_BATCHES: z.string().optional(),
  IW_TOPIC_CASES: z.string().optional(),
  IW_TOPIC_SURVEYS: z.string().optional(),
  IW_TOPIC_SPENDING: z.string().optional(),
  IW_TOPIC_MEASUREMENTS: z.string().optional(),
  IW_TOPIC_DLQ: z.string().optional(),
  IW_TOPIC_PROGRESS: z.string().optional(),
  /** Copies of each new topic; unset: as many as the cluster has brokers, up to three. */
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(32).optional(),
  /** Replicas that must have a write before it is acknowledged; unset: 2 with three replicas, else 1. */
  KAFKA_MIN_INSYNC_REPLICAS: z.coerce.number().int().min(1).max(32).optional(),
  /** Local brokers `infra:up` starts (1, or a KRaft cluster of 3 or 5); the default KAFKA_BROKERS follows. */
  KAFKA_LOCAL_BROKERS: z.enum(['1', '3', '5']).default('1').transform(Number),
  MONGO_URL: z.string().url().default('mongodb://127.0.0.1:27017/indicator-watch'),
  SMTP_URL: z.string().default('smtp://127.0.0.1:2525'),
  /**
   * SMTP connections alerting sends over at once (a pool): more mails a second, and as many mails
   * at most sent twice after a crash mid-send (one per connection). Lower it for a relay that
   * limits connections per client.
   */
  IW_SMTP_CONNECTIONS: z.coerce.number().int().min(1).max(32).default(8),
  /** `off`: the main job starts no local mail catcher even when SMTP_URL points at loopback. */
  IW_MAIL_SINK: bool(true),
  MAIL_FROM: z.string().default('Indicator Watch <noreply@localhost>'),
  IW_API_TOKENS: list(''),
  IW_STATUS_PORT: port(3000),
  /**
   * /status reads its whole-collection parts (DLQ, parked units, outbox) at most this often, in the
   * background, and answers from the last reading with its time; `0s`: every request reads them.
   */
  IW_STATUS_SNAPSHOT_EVERY: duration('IW_STATUS_SNAPSHOT_EVERY', '30s'),
  /** Interface the status app listens on: loopback unless told otherwise (0.0.0.0 or :: for all). */
  IW_STATUS_HOST: z
    .string()
    .default('127.0.0.1')
    .refine(
      (h) =>
        /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/.test(
          h,
        ),
      'not a host name or IP address (e.g. 127.0.0.1, 0.0.0.0, ::)',
    ),
  IW_METRICS_PORT_INGEST: port(9464, 0), // 0: any free port
  IW_METRICS_PORT_ALERTING: port(9465, 0),
  IW_PUBLIC_URL: z.string().url().default('http://127.0.0.1:3000'),
  IW_CLOCK: z.string().default('system'),
  IW_TIMEZONE: z
    .string()
    .default('Asia/Shanghai')
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'not an IANA time zone (e.g. Asia/Shanghai)'),
  IW_GROUP_WAIT: duration('IW_GROUP_WAIT', '30s'),
  /** After a mail to a person, their next one waits this long since it (the policy's group_interval). */
  IW_GROUP_INTERVAL: duration('IW_GROUP_INTERVAL', '1h'),
  IW_REPEAT_INTERVAL: duration('IW_REPEAT_INTERVAL', '7d'),
  IW_PENDING_FOR: duration('IW_PENDING_FOR', '1h'),
  IW_NO_DATA_GRACE: duration('IW_NO_DATA_GRACE', '30d'),
  /** Events dated more than this after the clock's now are refused (DLQ `future_event`): clock skew allowance. */
  IW_MAX_CLOCK_SKEW: duration('IW_MAX_CLOCK_SKEW', '5m'),
  /**
   * How long (real time) after an event's time its source may still publish it: a partition with
   * nothing left to read counts as current as of what the clock showed this long ago.
   */
  IW_SOURCE_DELAY: duration('IW_SOURCE_DELAY', '0s'),
  IW_SWEEP_CRON: z.string().default('0 2 * * *'),
  /** Most events one parked unit keeps aside in its state; further ones go to the DLQ (`parked_full`). */
  IW_PARKED_EVENTS_MAX: z.coerce.number().int().min(1).max(100_000).default(5000),
  IW_OWNERS: z.string().default(fromRoot('samples/owners.yaml')),
  IW_PEOPLE: z.string().default(fromRoot('samples/people.yaml')),
  /** HMAC key of personal sign-in links; unset: generated once and kept in MongoDB (shared by every app). */
  IW_LINK_SECRET: z.string().min(32, 'at least 32 characters (e.g. openssl rand -base64 32)').optional(),
  IW_LINK_TTL: duration('IW_LINK_TTL', '14d'),
  IW_SESSION_IDLE: duration('IW_SESSION_IDLE', '12h'),
  IW_BINDINGS: z.string().default(fromRoot('samples/bindings.yaml')),
  /** Pace profiles and risk thresholds (libs/risk pace-file.ts); read and checked by each app at start-up. */
  IW_PACE: z.string().default(fromRoot('samples/pace.yaml')),
  /** Notification policy (libs/alerts policy.ts): routes, receivers, reminder digest, escalation; read by alerting at start-up. */
  IW_POLICY: z.string().default(fromRoot('samples/policy.yaml')),
  IW_SURVEY_SATISFIED_SHARE: z.coerce.number().min(0).max(1).default(0.8),
  IW_INGEST_GROUP: z.string().default('iw-ingest'),
  IW_ALERTING_GROUP: z.string().default('iw-alerting'),
  IW_LOG_LEVEL: z.enum(['error', 'warn', 'log', 'debug', 'verbose']).default('log'),
  /** How long the store keeps what only guards or explains the past (wall-clock time; see README "Retention"). */
  IW_RETENTION_EVENT_IDS: retention('IW_RETENTION_EVENT_IDS', '7d'),
  IW_RETENTION_PROGRESS_VERSIONS: retention('IW_RETENTION_PROGRESS_VERSIONS', '7d'),
  IW_RETENTION_DLQ: retention('IW_RETENTION_DLQ', '90d'),
  IW_RETENTION_OUTBOX: retention('IW_RETENTION_OUTBOX', '30d'),
  IW_RETENTION_AUDIT: retention('IW_RETENTION_AUDIT', '365d'),
  IW_LOCAL_DIR: z.string().default(fromRoot('.local')),
});

export type Env = z.output<typeof envSchema>;

/** The processes of a deployment: the three apps and the two one-shot jobs before them. */
export type DeployedProcess = 'ingest' | 'alerting' | 'status' | 'topics' | 'catalogue';

/**
 * Settings each process of a deployment must be given: their defaults serve only the local
 * machine (brokers and database on 127.0.0.1, links to 127.0.0.1:3000, no API token). The
 * compose file is checked against this list (libs/config/src/compose.spec.ts): a setting added
 * here must reach every service that runs the process.
 */
export const DEPLOYMENT_SETTINGS: Record<DeployedProcess, readonly (keyof Env)[]> = {
  ingest: ['KAFKA_BROKERS', 'MONGO_URL', 'IW_TIMEZONE', 'IW_BINDINGS'],
  alerting: [
    'KAFKA_BROKERS',
    'MONGO_URL',
    'SMTP_URL',
    'MAIL_FROM',
    'IW_PUBLIC_URL',
    'IW_TIMEZONE',
    'IW_BINDINGS',
    'IW_PEOPLE',
    'IW_LINK_SECRET',
  ],
  status: [
    'KAFKA_BROKERS',
    'MONGO_URL',
    'SMTP_URL',
    'IW_PUBLIC_URL',
    'IW_API_TOKENS',
    'IW_STATUS_HOST',
    'IW_STATUS_PORT',
    'IW_TIMEZONE',
    'IW_BINDINGS',
    'IW_PEOPLE',
    'IW_LINK_SECRET',
  ],
  topics: ['KAFKA_BROKERS', 'MONGO_URL', 'KAFKA_REPLICATION_FACTOR', 'KAFKA_MIN_INSYNC_REPLICAS', 'KAFKA_PARTITIONS'],
  catalogue: ['MONGO_URL'],
};

export interface AppConfig {
  kafka: {
    brokers: string[];
    clientId: string;
    ssl: boolean;
    /** TLS details when ssl is on and something beyond the system CAs is needed (PEM contents, read at start-up). */
    tls?: KafkaTls;
    sasl?: { mechanism: 'plain' | 'scram-sha-256' | 'scram-sha-512'; username: string; password: string };
    partitions: number;
    /** Unset fields: derived from the cluster's size when a topic is created (libs/kafka topicReplication). */
    replication: { replicationFactor?: number; minInsyncReplicas?: number };
    topics: Record<TopicRole, string>;
    groups: { ingest: string; alerting: string };
  };
  mongo: { url: string };
  /** localSink: false when IW_MAIL_SINK=off (the main job then starts no catcher). */
  smtp: { url: string; from: string; localSink: boolean; connections: number };
  http: {
    statusHost: string;
    statusPort: number;
    /** How old /status's snapshot of the DLQ, parked units and outbox may get before it is read again (real ms). */
    statusSnapshotMs: number;
    publicUrl: string;
    apiTokens: string[];
    metricsPorts: { ingest: number; alerting: number };
  };
  clock: string;
  /** How far an event's occurredAt may be ahead of the clock's now (domain time, ms). */
  maxClockSkewMs: number;
  /** IW_SOURCE_DELAY: how late (real ms) a source may publish an event and still count as current. */
  sourceDelayMs: number;
  /** Most events a parked unit keeps aside (further ones go to the DLQ as `parked_full`). */
  parkedEventsMax: number;
  timeZone: string;
  alerting: {
    groupWaitMs: number;
    groupIntervalMs: number;
    repeatIntervalMs: number;
    pendingForMs: number;
    noDataGraceMs: number;
    sweepCron: string;
  };
  files: { owners: string; bindings: string; people: string; pace: string; policy: string; localDir: string };
  /** Personal links and sessions (wall-clock durations). */
  people: { linkSecret: string | null; linkTtlMs: number; sessionIdleMs: number };
  surveys: { satisfiedShare: number };
  logLevel: Env['IW_LOG_LEVEL'];
  /** How long the store keeps each kind of record, in ms of wall-clock time. */
  retention: RetentionConfig;
}

export interface RetentionConfig {
  /** Event ids (the dedup horizon: a duplicate arriving later counts again) and their texts. */
  eventIdsMs: number;
  /** Claimed progress and alert versions that no longer hold a state. */
  progressVersionsMs: number;
  /** DLQ records in MongoDB (the actuals.dlq topic keeps its own retention). */
  dlqMs: number;
  /** Sent and muted notifications, with their claims. */
  outboxMs: number;
  /** Audit log entries. */
  auditMs: number;
}

export interface KafkaTls {
  ca?: string;
  cert?: string;
  key?: string;
  rejectUnauthorized: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Reads `KEY=value` lines of a .env file; real environment variables win. */
export function readDotEnv(file: string): Record<string, string> {
  if (!fs.existsSync(file)) return {};
  const out: Record<string, string> = {};
  for (const line of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const m = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)\s*$/.exec(line);
    if (!m || line.trimStart().startsWith('#')) continue;
    let value = m[2];
    if (/^(['"]).*\1$/.test(value)) value = value.slice(1, -1);
    out[m[1]] = value;
  }
  return out;
}

/** Never echoed in an error message. */
const SECRET_VARIABLES = new Set(['IW_LINK_SECRET', 'IW_API_TOKENS', 'KAFKA_SASL_PASSWORD']);

export function loadConfig(
  env: NodeJS.ProcessEnv = process.env,
  dotEnvFile = path.join(process.cwd(), '.env'),
): AppConfig {
  const merged: Record<string, string | undefined> = { ...readDotEnv(dotEnvFile), ...env };
  // Empty strings mean "unset" so `FOO= npm start` falls back to the default.
  const relevant: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const v = merged[key];
    if (v !== undefined && v !== '') relevant[key] = v;
  }
  const parsed = envSchema.safeParse(relevant);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map(
        (i) =>
          `${i.path.join('.') || '(env)'}: ${i.message}${i.path.length && !SECRET_VARIABLES.has(String(i.path[0])) ? ` (got "${relevant[String(i.path[0])]}")` : ''}`,
      ),
    );
  }
  const e = parsed.data;
  const problems: string[] = [];
  if (
    e.KAFKA_MIN_INSYNC_REPLICAS !== undefined &&
    e.KAFKA_REPLICATION_FACTOR !== undefined &&
    e.KAFKA_MIN_INSYNC_REPLICAS > e.KAFKA_REPLICATION_FACTOR
  )
    problems.push(
      `KAFKA_MIN_INSYNC_REPLICAS: ${e.KAFKA_MIN_INSYNC_REPLICAS} is more than KAFKA_REPLICATION_FACTOR ${e.KAFKA_REPLICATION_FACTOR} (no write could succeed)`,
    );
  if (e.KAFKA_SASL_MECHANISM && !e.KAFKA_SASL_USERNAME)
    problems.push('KAFKA_SASL_USERNAME: required when KAFKA_SASL_MECHANISM is set');
  const kafkaTls = readKafkaTls(e, problems);
  if (!/^smtps?:\/\//.test(e.SMTP_URL))
    problems.push(`SMTP_URL: must start with smtp:// or smtps:// (got "${redactUrl(e.SMTP_URL)}")`);
  if (problems.length) throw new ConfigError(problems);

  const prefix = e.KAFKA_TOPIC_PREFIX;
  const topics = Object.fromEntries(
    Object.entries(DEFAULT_TOPICS).map(([role, name]) => [
      role,
      prefix + (e[topicVariable(role as TopicRole)] ?? name),
    ]),
  ) as Record<TopicRole, string>;

  return {
    kafka: {
      // The local cluster's brokers listen on 9092, 9094, 9096 … (infra/settings.js).
      brokers:
        relevant.KAFKA_BROKERS === undefined
          ? Array.from({ length: e.KAFKA_LOCAL_BROKERS }, (_, i) => `127.0.0.1:${9092 + 2 * i}`)
          : e.KAFKA_BROKERS,
      clientId: e.KAFKA_CLIENT_ID,
      ssl: e.KAFKA_SSL,
      ...(kafkaTls ? { tls: kafkaTls } : {}),
      sasl: e.KAFKA_SASL_MECHANISM
        ? { mechanism: e.KAFKA_SASL_MECHANISM, username: e.KAFKA_SASL_USERNAME, password: e.KAFKA_SASL_PASSWORD }
        : undefined,
      partitions: e.KAFKA_PARTITIONS,
      replication: {
        ...(e.KAFKA_REPLICATION_FACTOR !== undefined ? { replicationFactor: e.KAFKA_REPLICATION_FACTOR } : {}),
        ...(e.KAFKA_MIN_INSYNC_REPLICAS !== undefined ? { minInsyncReplicas: e.KAFKA_MIN_INSYNC_REPLICAS } : {}),
      },
      topics,
      groups: { ingest: e.IW_INGEST_GROUP, alerting: e.IW_ALERTING_GROUP },
    },
    mongo: { url: e.MONGO_URL },
    smtp: { url: e.SMTP_URL, from: e.MAIL_FROM, localSink: e.IW_MAIL_SINK, connections: e.IW_SMTP_CONNECTIONS },
    http: {
      statusHost: e.IW_STATUS_HOST,
      statusPort: e.IW_STATUS_PORT,
      statusSnapshotMs: e.IW_STATUS_SNAPSHOT_EVERY,
      publicUrl: e.IW_PUBLIC_URL.replace(/\/+$/, ''),
      apiTokens: e.IW_API_TOKENS,
      metricsPorts: { ingest: e.IW_METRICS_PORT_INGEST, alerting: e.IW_METRICS_PORT_ALERTING },
    },
    clock: e.IW_CLOCK,
    maxClockSkewMs: e.IW_MAX_CLOCK_SKEW,
    sourceDelayMs: e.IW_SOURCE_DELAY,
    parkedEventsMax: e.IW_PARKED_EVENTS_MAX,
    timeZone: e.IW_TIMEZONE,
    alerting: {
      groupWaitMs: e.IW_GROUP_WAIT,
      groupIntervalMs: e.IW_GROUP_INTERVAL,
      repeatIntervalMs: e.IW_REPEAT_INTERVAL,
      pendingForMs: e.IW_PENDING_FOR,
      noDataGraceMs: e.IW_NO_DATA_GRACE,
      sweepCron: e.IW_SWEEP_CRON,
    },
    files: {
      owners: e.IW_OWNERS,
      bindings: e.IW_BINDINGS,
      people: e.IW_PEOPLE,
      pace: e.IW_PACE,
      policy: e.IW_POLICY,
      localDir: e.IW_LOCAL_DIR,
    },
    people: { linkSecret: e.IW_LINK_SECRET ?? null, linkTtlMs: e.IW_LINK_TTL, sessionIdleMs: e.IW_SESSION_IDLE },
    surveys: { satisfiedShare: e.IW_SURVEY_SATISFIED_SHARE },
    logLevel: e.IW_LOG_LEVEL,
    retention: {
      eventIdsMs: e.IW_RETENTION_EVENT_IDS,
      progressVersionsMs: e.IW_RETENTION_PROGRESS_VERSIONS,
      dlqMs: e.IW_RETENTION_DLQ,
      outboxMs: e.IW_RETENTION_OUTBOX,
      auditMs: e.IW_RETENTION_AUDIT,
    },
  };
}

/**
 * KAFKA_SSL_* → the TLS options, files read now so a missing or unreadable one stops the start
 * with its variable named. Only meaningful with KAFKA_SSL=true; setting them without it is a
 * mistake worth reporting (the connection would silently stay plaintext).
 */
function readKafkaTls(e: Env, problems: string[]): KafkaTls | undefined {
  const files = {
    ca: ['KAFKA_SSL_CA', e.KAFKA_SSL_CA],
    cert: ['KAFKA_SSL_CERT', e.KAFKA_SSL_CERT],
    key: ['KAFKA_SSL_KEY', e.KAFKA_SSL_KEY],
  } as const;
  const set = Object.values(files).filter(([, v]) => v);
  const custom = set.length > 0 || !e.KAFKA_SSL_REJECT_UNAUTHORIZED;
  if (!custom) return undefined;
  if (!e.KAFKA_SSL) {
    const names = [
      ...set.map(([name]) => name),
      ...(e.KAFKA_SSL_REJECT_UNAUTHORIZED ? [] : ['KAFKA_SSL_REJECT_UNAUTHORIZED']),
    ];
    problems.push(`${names.join(', ')}: only used with KAFKA_SSL=true (set it, or unset these)`);
    return undefined;
  }
  if (!e.KAFKA_SSL_CERT !== !e.KAFKA_SSL_KEY)
    problems.push('KAFKA_SSL_CERT and KAFKA_SSL_KEY: set both (client certificate and its private key) or neither');
  const tls: KafkaTls = { rejectUnauthorized: e.KAFKA_SSL_REJECT_UNAUTHORIZED };
  for (const [field, [name, file]] of Object.entries(files) as Array<[keyof typeof files, readonly [string, string]]>) {
    if (!file) continue;
    try {
      const pem = fs.readFileSync(file, 'utf8');
      if (!pem.includes('-----BEGIN ')) problems.push(`${name}: ${file} is not a PEM file`);
      else tls[field] = pem;
    } catch (err) {
      problems.push(`${name}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  return tls;
}

/** Hides the password of a URL (`smtp://user:***@host`) so config can be logged. */
export function redactUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

/**
 * For an app's main(): the configuration, or the ConfigError's message on stderr and exit 1
 * (no stack trace: the message names the variable).
 */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    console.error(e.message);
    process.exit(1);
  }
}
