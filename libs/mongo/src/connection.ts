import { Logger, type LoggerService } from '@nestjs/common';
import type { MongoClient } from 'mongodb';
import mongoose, { type Connection } from 'mongoose';
import { WALL_CLOCK } from '@iw/clock';

/**
 * One mongoose connection per process, from MONGO_URL. Nothing here is FerretDB-specific: the
 * same code runs against MongoDB; only the URL differs.
 */

/** Injection token of the app's mongoose Connection (provided by each app module). */
export const MONGO_CONNECTION = 'MONGO_CONNECTION';

export interface MongoConnectOptions {
  /** How long to look for a server before failing; short, so a wrong URL fails at boot. */
  serverSelectionTimeoutMS?: number;
  appName?: string;
  /** Build declared indexes when models are compiled. Default true (unique keys matter). */
  autoIndex?: boolean;
  /** Concurrent operations per process (default 16). */
  maxPoolSize?: number;
  /** Where outage and recovery lines go (default: a Nest Logger named MongoDB). */
  logger?: Pick<LoggerService, 'log' | 'warn'>;
}

/**
 * Driver timings. A server that went away is looked for every heartbeatFrequencyMS (the driver's
 * default, 10 s, adds up to 10 s to every recovery); a connection attempt or a monitoring `hello`
 * gives up after connectTimeoutMS (default 30 s); an operation whose socket stays silent for
 * socketTimeoutMS fails instead of hanging for ever (default: no limit) — generous, since a
 * FerretDB collection scan can take tens of seconds.
 */
export const MONGO_TIMINGS = { heartbeatFrequencyMS: 2000, connectTimeoutMS: 5000, socketTimeoutMS: 120_000 } as const;

/**
 * Longest silence of the driver's server monitor (no heartbeat started, succeeded or failed)
 * before it counts as stuck: a check takes at most a connect plus a `hello`, each bounded by
 * connectTimeoutMS, and one starts every heartbeatFrequencyMS.
 */
export const MONITOR_SILENCE_LIMIT_MS = MONGO_TIMINGS.heartbeatFrequencyMS + 2 * MONGO_TIMINGS.connectTimeoutMS + 5000;

export async function connectMongo(url: string, options: MongoConnectOptions = {}): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    appName: options.appName,
    autoIndex: options.autoIndex ?? true,
    // Fewer concurrent operations per process than FerretDB's SQLite pool has connections per
    // database (100): a pool that runs dry while a metadata lock is held deadlocks FerretDB 1.24.
    maxPoolSize: options.maxPoolSize ?? 16,
    ...MONGO_TIMINGS,
  });
  try {
    await conn.asPromise();
  } catch (e) {
    await conn.close(true).catch(() => undefined);
    throw new Error(`MongoDB at ${redactMongoUrl(url)} is not reachable: ${(e as Error).message}`, { cause: e });
  }
  superviseMonitor(conn, options.logger ?? new Logger('MongoDB'));
  return conn;
}

/** The driver's server monitors (internal API of mongodb 6–7: topology.s.servers → server.monitor). */
interface InternalMonitor {
  close(): void;
  connect(): void;
}
function serverMonitors(client: MongoClient): InternalMonitor[] {
  const servers = (
    client as unknown as { topology?: { s?: { servers?: Map<string, { monitor?: InternalMonitor | null }> } } }
  ).topology?.s?.servers;
  return servers ? [...servers.values()].flatMap((s) => (s.monitor ? [s.monitor] : [])) : [];
}

/**
 * Keeps an eye on the driver's view of the server, for two reasons.
 *
 * Outages are logged once each way ("unreachable: …", "reachable again after N s"), not as one
 * error per failed operation.
 *
 * Recovery must not depend on luck. After an outage the driver resumes only when its server
 * monitor sees the server again: the connection pool stays paused and every server selection
 * fails with the last error until then. In the fault suite (scenario 3) ingest
 * sometimes never resumed after FerretDB came back: selection kept failing with the error of the
 * moment the server went away, i.e. the monitor had stopped reporting. So when the monitor has
 * been silent for MONITOR_SILENCE_LIMIT_MS this closes and restarts it (the same calls the
 * driver makes when it starts and stops a server's monitoring).
 */
export function superviseMonitor(
  conn: Connection,
  logger: Pick<LoggerService, 'log' | 'warn'>,
  silenceLimitMs: number = MONITOR_SILENCE_LIMIT_MS,
): { restarts: () => number } {
  const client = conn.getClient();
  let lastBeat = WALL_CLOCK.now();
  let downSince: number | null = null;
  let restarts = 0;
  const beat = () => {
    lastBeat = WALL_CLOCK.now();
  };
  client.on('serverHeartbeatStarted', beat);
  client.on('serverHeartbeatSucceeded', beat);
  client.on('serverHeartbeatFailed', beat);
  client.on('serverDescriptionChanged', (e) => {
    const unknown = e.newDescription.type === 'Unknown';
    if (unknown && downSince === null) {
      downSince = WALL_CLOCK.now();
      logger.warn(
        `unreachable: ${e.newDescription.error?.message ?? 'no answer'}; retrying every ${MONGO_TIMINGS.heartbeatFrequencyMS} ms`,
      );
    } else if (!unknown && downSince !== null) {
      logger.log(`reachable again after ${((WALL_CLOCK.now() - downSince) / 1000).toFixed(1)} s`);
      downSince = null;
    }
  });
  const timer = setInterval(
    () => {
      const silentMs = WALL_CLOCK.now() - lastBeat;
      if (silentMs < silenceLimitMs) return;
      const monitors = serverMonitors(client);
      if (monitors.length === 0) return;
      restarts++;
      logger.warn(
        `the driver's server monitor has been silent for ${Math.round(silentMs / 1000)} s; restarting it (restart ${restarts})`,
      );
      lastBeat = WALL_CLOCK.now();
      for (const m of monitors) {
        m.close();
        m.connect();
      }
    },
    Math.min(5000, silenceLimitMs),
  );
  timer.unref();
  conn.once('close', () => clearInterval(timer));
  return { restarts: () => restarts };
}

/** Resolves when the server answers a `ping`; throws otherwise. */
export async function pingMongo(conn: Connection): Promise<void> {
  const db = conn.db;
  if (!db) throw new Error('MongoDB connection is not open');
  const res = await db.admin().command({ ping: 1 });
  if (res?.ok !== 1) throw new Error(`MongoDB ping answered ${JSON.stringify(res)}`);
}

/** `{mongodb: 'up'}`, or the reason it is not (for a `/health/ready`), within 3 s. */
export async function mongoReadiness(conn: Connection): Promise<Record<string, string>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer within 3 s')), 3000);
  });
  try {
    await Promise.race([pingMongo(conn), timeout]);
    return { mongodb: 'up' };
  } catch (e) {
    return { mongodb: (e as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export async function closeMongo(conn: Connection): Promise<void> {
  await conn.close();
}

/** Hides the password of a mongodb:// URL so it can be logged. */
export function redactMongoUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export type { Connection };
