import * as fs from 'node:fs';
import * as path from 'node:path';
import { closeMongo, connectMongo, importCatalogue } from '@iw/mongo';
import { parseTargetTable, type ParsedCatalogue } from '@iw/targets';
import { ROOT } from './world';

/**
 * The seed catalogue, found from the repository root (test/integration/ingest/harness.ts finds
 * it from its own folder, which is wrong once compiled into dist/).
 */
export const SEED_FILE = path.join(ROOT, 'samples/targets-2019-xinjiang-market-supervision.txt');

export function seedCatalogue(): ParsedCatalogue {
  return parseTargetTable(fs.readFileSync(SEED_FILE, 'utf8'));
}

/** Imports the seed catalogue into the database of `mongoUrl`, as `iw targets import` would. */
export async function importSeed(mongoUrl: string): Promise<void> {
  const conn = await connectMongo(mongoUrl);
  try {
    await importCatalogue(conn, seedCatalogue(), { sourceFile: SEED_FILE, now: new Date() });
  } finally {
    await closeMongo(conn);
  }
}
