import mongoose, { type Connection } from 'mongoose';

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
}

export async function connectMongo(url: string, options: MongoConnectOptions = {}): Promise<Connection> {
  const conn = mongoose.createConnection(url, {
    serverSelectionTimeoutMS: options.serverSelectionTimeoutMS ?? 5000,
    appName: options.appName,
    autoIndex: options.autoIndex ?? true,
    // Fewer concurrent operations per process than FerretDB's SQLite pool has connections per
    // database (100): a pool that runs dry while a metadata lock is held deadlocks FerretDB 1.24.
    maxPoolSize: options.maxPoolSize ?? 16,
  });
  if (process.env.IW_MONGO_SDAM_DEBUG) {
    const t0 = Date.now();
    conn.on('connected', () => undefined);
    const attach = () => {
      const client = conn.getClient();
      for (const ev of ['serverHeartbeatStarted', 'serverHeartbeatFailed', 'serverHeartbeatSucceeded', 'serverDescriptionChanged', 'connectionPoolCleared', 'connectionPoolReady', 'topologyDescriptionChanged']) {
        client.on(ev, (e: { failure?: Error; newDescription?: { type?: string; error?: Error } }) =>
          console.error(`SDAM ${((Date.now() - t0) / 1000).toFixed(1)}s ${ev} ${e.failure?.message ?? e.newDescription?.type ?? ''} ${e.newDescription?.error?.message ?? ''}`),
        );
      }
    };
    attach();
  }
  try {
    await conn.asPromise();
  } catch (e) {
    await conn.close(true).catch(() => undefined);
    throw new Error(`MongoDB at ${redactMongoUrl(url)} is not reachable: ${(e as Error).message}`);
  }
  return conn;
}

/** Resolves when the server answers a `ping`; throws otherwise. */
export async function pingMongo(conn: Connection): Promise<void> {
  const db = conn.db;
  if (!db) throw new Error('MongoDB connection is not open');
  const res = await db.admin().command({ ping: 1 });
  if (res?.ok !== 1) throw new Error(`MongoDB ping answered ${JSON.stringify(res)}`);
}

export async function closeMongo(conn: Connection): Promise<void> {
  await conn.close();
}

/** Hides the password of a mongodb:// URL so it can be logged. */
export function redactMongoUrl(url: string): string {
  return url.replace(/(\/\/[^:/@]+:)[^@]*@/, '$1***@');
}

export type { Connection };
