import { ConfigError, loadConfig, type AppConfig } from '@iw/config';
import { closeMongo, connectMongo, type Connection } from '@iw/mongo';
import { CliError } from '../errors';

/** Configuration for commands that talk to services; a bad variable is a one-line error. */
export function cliConfig(): AppConfig {
  try {
    return loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) throw new CliError(e.message);
    throw e;
  }
}

/** Runs `fn` with a MongoDB connection from MONGO_URL, closing it afterwards. */
export async function withMongo<T>(config: AppConfig, fn: (conn: Connection) => Promise<T>): Promise<T> {
  let conn: Connection;
  try {
    conn = await connectMongo(config.mongo.url, { appName: 'iw-cli', serverSelectionTimeoutMS: 5000 });
  } catch (e) {
    throw new CliError(`${(e as Error).message} (is the infrastructure up? npm run infra:up)`);
  }
  try {
    return await fn(conn);
  } finally {
    await closeMongo(conn);
  }
}
