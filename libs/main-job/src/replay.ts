import * as fs from 'node:fs';
import * as path from 'node:path';
import { COLLECTIONS, type Connection } from '@iw/mongo';

/**
 * Kept across replays: the catalogue, the people directory, the link secret (links already
 * mailed keep working) and the audit log (never deleted); and the record of replays.
 */
export const KEPT_COLLECTIONS: readonly string[] = [
  COLLECTIONS.projects,
  COLLECTIONS.indicators,
  COLLECTIONS.catalogueVersion,
  COLLECTIONS.catalogueSnapshot,
  COLLECTIONS.owners,
  COLLECTIONS.people,
  COLLECTIONS.secrets,
  COLLECTIONS.audit,
];
export const RUNS_COLLECTION = 'simulation_runs';

export class ReplayRefusedError extends Error {
  constructor(database: string, progressDocs: number) {
    super(
      `database "${database}" holds ${progressDocs} progress documents not written by a replay: ` +
        'a replay starts from a clean slate and would delete them. Run with --no-simulate, or point MONGO_URL at another database.',
    );
    this.name = 'ReplayRefusedError';
  }
}

export interface ReplayRecord {
  runId: string;
  seed: number;
  speed: number;
  from: string;
  until: string;
  startedAt: Date;
}

/**
 * A replay starts from a clean slate in MONGO_URL's database: everything the services derived
 * from earlier events (progress, event ids, DLQ, evaluations, alerts, outbox …) is dropped, the
 * catalogue is kept. Each replay's events carry their own run id, so none of them is mistaken
 * for a redelivery of an earlier replay's. A database with progress but no record of a replay
 * holds real data and is refused.
 */
export async function prepareReplay(
  conn: Connection,
  run: ReplayRecord,
): Promise<{ dropped: string[]; previous: string | null }> {
  const db = conn.db;
  if (!db) throw new Error('MongoDB connection is not open');
  const names = (await db.listCollections({}, { nameOnly: true }).toArray())
    .map((c) => c.name)
    .filter((n) => !n.startsWith('system.'));
  const runtime = names.filter((n) => !KEPT_COLLECTIONS.includes(n) && n !== RUNS_COLLECTION);
  const runs = db.collection<{ _id: string; startedAt: Date }>(RUNS_COLLECTION);
  const previous = names.includes(RUNS_COLLECTION) ? await runs.find().sort({ startedAt: -1 }).limit(1).next() : null;
  if (!previous && names.includes(COLLECTIONS.progress)) {
    const count = await db.collection(COLLECTIONS.progress).countDocuments();
    if (count > 0) throw new ReplayRefusedError(db.databaseName, count);
  }
  for (const name of runtime) await db.collection(name).drop();
  const { runId, ...rest } = run;
  await runs.insertOne({ _id: runId, ...rest });
  return { dropped: runtime, previous: previous?._id ?? null };
}

/** The previous replay's mail moves to `<mail>-previous` (replacing an older one), so the folder shows this replay only. */
export function setAsidePreviousMail(mailDir: string): number {
  if (!fs.existsSync(mailDir)) return 0;
  const files = fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml'));
  if (files.length === 0) return 0;
  const aside = `${mailDir.replace(/[\\/]+$/, '')}-previous`;
  fs.rmSync(aside, { recursive: true, force: true });
  fs.mkdirSync(aside, { recursive: true });
  for (const f of files) fs.renameSync(path.join(mailDir, f), path.join(aside, f));
  return files.length;
}

/** .eml files in the mail folder: the alerts sent so far. */
export function countMail(mailDir: string): number {
  try {
    return fs.readdirSync(mailDir).filter((f) => f.endsWith('.eml')).length;
  } catch {
    return 0;
  }
}
