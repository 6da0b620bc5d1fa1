import type { Connection } from 'mongoose';
import { COLLECTIONS } from '../documents';
import { AlertRepository } from './alert.repository';
import { AuditRepository } from './audit.repository';
import { ensureIndexes } from './collections';
import { EvaluationRepository } from './evaluation.repository';
import { HistoryRepository } from './history.repository';
import { OutboxRepository } from './outbox.repository';
import { SessionRepository } from './session.repository';

const ALL_COLLECTIONS = [...Object.values(COLLECTIONS), 'service_stats'];

/**
 * Creates every collection and index up front, one at a time, before a service takes traffic.
 * Why: FerretDB's SQLite backend takes a global metadata lock for DDL (a collection created
 * implicitly by a first insert, an index build); DDL racing with busy connections has been
 * seen to deadlock it here. Doing all DDL once, serially, at start-up keeps it out of the hot
 * path. Idempotent; harmless on MongoDB.
 */
export async function prepareDatabase(conn: Connection): Promise<void> {
  const db = conn.db;
  if (!db) throw new Error('MongoDB connection is not open');
  const existing = new Set((await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name));
  for (const name of ALL_COLLECTIONS) {
    if (existing.has(name)) continue;
    try {
      await db.createCollection(name);
    } catch (e) {
      // Another service created it meanwhile (NamespaceExists, code 48).
      if ((e as { code?: number }).code !== 48 && !/already exists/i.test(String((e as Error).message))) throw e;
    }
  }
  await ensureIndexes(conn);
  await new EvaluationRepository(conn).ensureIndexes();
  await new AlertRepository(conn).ensureIndexes();
  await new OutboxRepository(conn).ensureIndexes();
  await new SessionRepository(conn).ensureIndexes();
  await new AuditRepository(conn).ensureIndexes();
  await new HistoryRepository(conn).ensureIndexes();
}
