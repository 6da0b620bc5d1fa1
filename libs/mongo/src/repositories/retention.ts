import type { Connection } from 'mongoose';
import { COLLECTIONS } from '../documents';
import { collection } from './collections';
import type { EventIdRepository } from './event-id.repository';

/**
 * Bounded growth: what only guards or explains the past is deleted after its retention
 * (IW_RETENTION_*), by wall-clock time — the store's own stamps, so a replay's simulated clock
 * never ages anything. No TTL indexes (FerretDB has none): the apps prune on a timer.
 *
 * - event ids and their texts, after `eventIdsMs` (the dedup horizon; each topic's newest
 *   segment stays, see EventIdRepository.prune);
 * - claimed progress, alert and project-evaluation versions that hold no state any more (every unit's newest
 *   claims keep theirs), after `progressVersionsMs`;
 * - DLQ records and their redrive claims, after `dlqMs`;
 * - sent and muted notifications and their claims, after `outboxMs`;
 * - audit entries, after `auditMs`.
 */
export interface Pruned {
  [collection: string]: number;
}

/** What ingest owns: event ids (through its own repository, which forgets them in memory too), progress versions, DLQ. */
export async function pruneIngest(
  conn: Connection,
  eventIds: EventIdRepository,
  r: { eventIdsMs: number; progressVersionsMs: number; dlqMs: number },
  nowMs: number,
): Promise<Pruned> {
  return {
    [COLLECTIONS.eventIds]: await eventIds.prune(new Date(nowMs - r.eventIdsMs)),
    [COLLECTIONS.progressVersions]: await pruneVersionClaims(
      conn,
      COLLECTIONS.progressVersions,
      new Date(nowMs - r.progressVersionsMs),
    ),
    [COLLECTIONS.dlq]: await pruneDlq(conn, new Date(nowMs - r.dlqMs)),
    [COLLECTIONS.dlqRedrives]: await pruneDlqRedrives(conn, new Date(nowMs - r.dlqMs)),
  };
}

/** What alerting's leader owns: the outbox and its claims, alert and evaluation versions. */
export async function pruneAlerting(
  conn: Connection,
  r: { progressVersionsMs: number; outboxMs: number },
  nowMs: number,
): Promise<Pruned> {
  return {
    [COLLECTIONS.alertVersions]: await pruneVersionClaims(
      conn,
      COLLECTIONS.alertVersions,
      new Date(nowMs - r.progressVersionsMs),
    ),
    [COLLECTIONS.evaluationVersions]: await pruneVersionClaims(
      conn,
      COLLECTIONS.evaluationVersions,
      new Date(nowMs - r.progressVersionsMs),
    ),
    [COLLECTIONS.outbox]: await pruneOutbox(conn, new Date(nowMs - r.outboxMs)),
  };
}

/**
 * Claims of a versioned collection written before `cutoff` that hold no state: they only kept
 * their version from being claimed again, which a writer can attempt only from a state read
 * just before (a stale writer's late claim of an old version would find its replace refused
 * by the newer document anyway).
 */
export async function pruneVersionClaims(conn: Connection, name: string, cutoff: Date): Promise<number> {
  const res = await collection(conn, name).deleteMany({ at: { $lt: cutoff }, state: { $exists: false } });
  return res.deletedCount;
}

/** DLQ records stored before `cutoff` (records from before `storedAt` existed go by `at`). */
export async function pruneDlq(conn: Connection, cutoff: Date): Promise<number> {
  const col = collection(conn, COLLECTIONS.dlq);
  const a = await col.deleteMany({ storedAt: { $lt: cutoff } });
  const b = await col.deleteMany({ storedAt: { $exists: false }, at: { $lt: cutoff } });
  return a.deletedCount + b.deletedCount;
}

/**
 * Redrive claims made before `cutoff`. A claim is stamped after its record was stored (both by
 * the wall clock), so a claim pruned here belongs to a record pruned by the same cutoff.
 */
export async function pruneDlqRedrives(conn: Connection, cutoff: Date): Promise<number> {
  return (await collection(conn, COLLECTIONS.dlqRedrives).deleteMany({ at: { $lt: cutoff } })).deletedCount;
}

/**
 * Notifications sent or muted, enqueued before `cutoff`, and their claims. Pending and claimed
 * ones stay whatever their age: they are still to be delivered. A notification key pruned here
 * belongs to an alert version long past, so it cannot be enqueued again.
 */
export async function pruneOutbox(conn: Connection, cutoff: Date): Promise<number> {
  const outbox = collection<{ _id: string }>(conn, COLLECTIONS.outbox);
  const done = await outbox
    .find({ state: { $in: ['sent', 'muted'] }, enqueuedAt: { $lt: cutoff } }, { projection: { _id: 1 } })
    .toArray();
  let deleted = 0;
  for (let i = 0; i < done.length; i += 500) {
    const keys = done.slice(i, i + 500).map((d) => d._id);
    await collection<{ _id: string }>(conn, COLLECTIONS.outboxClaims).deleteMany({ _id: { $in: keys } });
    deleted += (await outbox.deleteMany({ _id: { $in: keys } })).deletedCount;
  }
  return deleted;
}

/** Entries of an append-only log (e.g. the audit log) stamped before `cutoff` in `field`. */
export async function pruneLog(conn: Connection, name: string, field: string, cutoff: Date): Promise<number> {
  return (await collection(conn, name).deleteMany({ [field]: { $lt: cutoff } })).deletedCount;
}

/** Documents per collection: what growth looks like (bench, /status). */
export async function collectionSizes(conn: Connection): Promise<Record<string, number>> {
  const db = conn.db;
  if (!db) throw new Error('MongoDB connection is not open');
  const out: Record<string, number> = {};
  const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
  for (const name of names) out[name] = await db.collection(name).countDocuments({});
  return out;
}

/** Where a retention schedule says what it deleted, or why a run failed. */
export interface RetentionLog {
  log(message: string): void;
  warn(message: string): void;
}

/**
 * Runs a prune every hour of wall-clock time, the first a minute after start-up, one at a time:
 * what each service's retention does (which collections it prunes is the `prune` it is given).
 * A failed run is logged and tried again at the next one. The start and stop methods carry the
 * names of Nest's lifecycle hooks, so a service's RetentionService is this class with its prune.
 */
export class RetentionSchedule {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly prune: () => Promise<Record<string, number> | null>,
    private readonly logger: RetentionLog,
    private readonly everyMs = 3_600_000,
    private readonly firstAfterMs = 60_000,
  ) {}

  onApplicationBootstrap(): void {
    const schedule = (ms: number) => {
      this.timer = setTimeout(() => {
        this.running = this.run().finally(() => {
          this.running = null;
          if (this.timer) schedule(this.everyMs);
        });
      }, ms);
      this.timer.unref();
    };
    schedule(this.firstAfterMs);
  }

  /** Stops the timer and waits for a run in progress. */
  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One run now; `prune` returning null means "not this instance's turn" (not the leader). */
  async run(): Promise<void> {
    try {
      const pruned = await this.prune();
      const said = Object.entries(pruned ?? {}).filter(([, n]) => n > 0);
      if (said.length) this.logger.log(`retention: deleted ${said.map(([c, n]) => `${n} ${c}`).join(', ')}`);
    } catch (e) {
      this.logger.warn(`retention: ${(e as Error).message} (tried again in an hour)`);
    }
  }
}
