import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { findRepoRoot, loadConfig, type TopicRole } from '@iw/config';
import { closeMongo, connectMongo } from '@iw/mongo';
import { createTestTopics, deleteTestTopics, uniqueId, withDatabase } from '@iw/testing';
import type { Machine } from './report';

/**
 * Where a bench run lives: databases `iw-bench-<run>-<stage>` and topics `<run>.<stage>.…` of
 * its own on the shared local infrastructure, so it runs next to `npm start` and the tests.
 */

export const ROOT = findRepoRoot();

/** Where this code was compiled to (dist/ or the bench's own .local/bench-dist/): the apps run from there too. */
export const BUILD_DIR = path.resolve(__dirname, '..');
const DB_PREFIX = 'iw-bench-';

export class BenchWorld {
  readonly runId = uniqueId('bench');
  private readonly databases = new Set<string>();
  private readonly prefixes = new Set<string>();
  readonly baseMongoUrl = loadConfig(process.env).mongo.url;

  /** A database of this run for `stage` (not created until written to). */
  mongoUrl(stage: string): string {
    const url = withDatabase(this.baseMongoUrl, `${DB_PREFIX}${this.runId.slice('bench-'.length)}-${stage}`);
    this.databases.add(url);
    return url;
  }

  /** Creates the contract topics under `<run>.<stage>.` with `partitions` each. */
  async topics(stage: string, partitions: number): Promise<{ prefix: string; topics: Record<TopicRole, string> }> {
    const prefix = `${this.runId}.${stage}.`;
    this.prefixes.add(prefix);
    return { prefix, topics: await createTestTopics(prefix, partitions) };
  }

  /** Drops what this run created. Never touches a database outside `iw-bench-`. */
  async cleanUp(log: (m: string) => void): Promise<void> {
    for (const url of this.databases) {
      const name = /\/([^/?]+)(\?|$)/.exec(url.replace(/^mongodb(\+srv)?:\/\//, ''))?.[1] ?? '';
      if (!name.startsWith(DB_PREFIX)) continue;
      try {
        const conn = await connectMongo(url);
        await conn.dropDatabase();
        await closeMongo(conn);
      } catch (e) {
        log(`could not drop ${name}: ${(e as Error).message}`);
      }
    }
    for (const prefix of this.prefixes)
      await deleteTestTopics(prefix).catch((e: Error) => log(`could not delete topics ${prefix}*: ${e.message}`));
  }
}

/**
 * `node infra/cli.js up`: starts Kafka and FerretDB unless they already answer (idempotent).
 * The infrastructure is shared: when another run is restarting a service at the same moment,
 * `up` can fail while the other start succeeds, so a failure is retried a few times.
 */
export function infraUp(log: (m: string) => void, attempts = 3): void {
  // Both answering (however they were started) is all the bench needs: `up` refuses ports
  // taken by a Kafka or FerretDB it did not start, which a shared machine has.
  const st = spawnSync(process.execPath, [path.join(ROOT, 'infra/cli.js'), 'status'], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (st.status === 0) return;
  for (let i = 1; ; i++) {
    const r = spawnSync(process.execPath, [path.join(ROOT, 'infra/cli.js'), 'up'], {
      cwd: ROOT,
      encoding: 'utf8',
      timeout: 10 * 60_000,
    });
    if (r.status === 0) return;
    const why = `node infra/cli.js up failed (${r.status ?? r.signal}):\n${r.stdout}${r.stderr}`;
    if (i >= attempts) throw new Error(why);
    log(`${why.split('\n').slice(0, 2).join(' ')} — retrying in 5 s`);
    spawnSync('sleep', ['5']);
  }
}

export async function describeMachine(): Promise<Machine> {
  const cpus = os.cpus();
  let mongo = 'MongoDB (version unknown)';
  try {
    const conn = await connectMongo(loadConfig(process.env).mongo.url);
    const info = (await conn.db!.admin().command({ buildInfo: 1 })) as { version?: string; ferretdbVersion?: string };
    mongo = info.ferretdbVersion ? `FerretDB ${info.ferretdbVersion}` : `MongoDB ${info.version}`;
    await closeMongo(conn);
  } catch {
    /* reported as unknown */
  }
  let kafka = 'unknown';
  try {
    // The local broker's version is the one infra/ provisions.
    const settings = require(path.join(ROOT, 'infra/settings.js')) as {
      VERSIONS: { kafka: string };
      loadSettings: () => { manageKafka: boolean };
    };
    kafka = settings.loadSettings().manageKafka ? settings.VERSIONS.kafka : 'remote';
  } catch {
    /* unknown */
  }
  return {
    cpu: `${cpus[0]?.model ?? 'unknown CPU'}`.trim(),
    cores: cpus.length,
    memGb: Math.round(os.totalmem() / 2 ** 30),
    os: `${os.type()} ${os.release()}`,
    node: process.version,
    kafka,
    mongo,
    loadAvg: os.loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

/** Resolves after `ms`. */
export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
