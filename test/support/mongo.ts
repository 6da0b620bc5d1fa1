import mongoose from 'mongoose';
import { uniqueId } from './ids';

const TEST_DB_PREFIX = 'iw-test-';

/**
 * A MongoDB URL with a database of its own (`iw-test-<unique>`), on the server MONGO_URL
 * points at (the local FerretDB by default). Call once per test file.
 */
export function testMongoUrl(base = process.env.MONGO_URL || 'mongodb://127.0.0.1:27017/indicator-watch'): string {
  return withDatabase(base, uniqueId(TEST_DB_PREFIX.slice(0, -1)));
}

/** `base` with its database name replaced (keeps hosts, credentials and options). */
export function withDatabase(base: string, db: string): string {
  const m = /^(mongodb(?:\+srv)?:\/\/[^/?]+)(?:\/[^?]*)?(\?.*)?$/.exec(base);
  if (!m) throw new Error(`not a mongodb:// URL: ${base}`);
  return `${m[1]}/${db}${m[2] ?? ''}`;
}

function databaseOf(url: string): string {
  return /^mongodb(?:\+srv)?:\/\/[^/?]+\/([^?]*)/.exec(url)?.[1] ?? '';
}

/** Drops the database of a URL made by testMongoUrl (refuses any other database). */
export async function dropTestDatabase(url: string): Promise<void> {
  const name = databaseOf(url);
  if (!name.startsWith(TEST_DB_PREFIX)) throw new Error(`refusing to drop "${name}": not a test database`);
  const conn = await mongoose.createConnection(url, { serverSelectionTimeoutMS: 5000 }).asPromise();
  try {
    await conn.dropDatabase();
  } finally {
    await conn.close();
  }
}
