import type { Connection } from 'mongoose';
import {
  COLLECTIONS,
  type DeviationDoc,
  type DeviationVersionDoc,
  type ProjectVersionDoc,
  type TargetVersionDoc,
} from '../documents';
import { claimByInsert, ContestedWriteError, CONTESTED_ROUNDS } from './claims';
import { collection } from './collections';

export const targetHistoryOf = (c: Connection) => collection<TargetVersionDoc>(c, COLLECTIONS.targetHistory);
export const projectHistoryOf = (c: Connection) => collection<ProjectVersionDoc>(c, COLLECTIONS.projectHistory);
export const deviationHistoryOf = (c: Connection) => collection<DeviationVersionDoc>(c, COLLECTIONS.deviationHistory);

/**
 * The history of targets (indicators as imported) and of 偏差原因/整改措施: append-only, each
 * version under a key that names it (claimByInsert), so a back-dated 绩效监控表 reads what was
 * valid on its date and nothing recorded later.
 */
export class HistoryRepository {
  constructor(private readonly conn: Connection) {}

  /** Appends target versions; one already there (the same import run again) is left as it is. */
  async appendTargets(versions: readonly TargetVersionDoc[]): Promise<number> {
    let won = 0;
    for (let i = 0; i < versions.length; i += 500)
      won += (await claimByInsert(targetHistoryOf(this.conn), versions.slice(i, i + 500))).won.length;
    return won;
  }

  /** Appends project versions (as appendTargets). */
  async appendProjects(versions: readonly ProjectVersionDoc[]): Promise<number> {
    let won = 0;
    for (let i = 0; i < versions.length; i += 500)
      won += (await claimByInsert(projectHistoryOf(this.conn), versions.slice(i, i + 500))).won.length;
    return won;
  }

  /** The newest version of each project valid at `at`, as targetsAsOf (absent: no history; null: added later). */
  async projectsAsOf(
    projectIds: readonly string[],
    at: number,
    /** Every version of those projects by `_id` (their ProjectIndexDoc): read by `_id`, not by field. */
    versionIds?: readonly string[],
  ): Promise<Map<string, ProjectVersionDoc | null>> {
    const docs = await projectHistoryOf(this.conn)
      .find(versionIds ? { _id: { $in: versionIds.map(String) } } : { projectId: { $in: projectIds.map(String) } })
      .toArray();
    return newestValid(docs, (d) => d.projectId, at);
  }

  /** Appends a 偏差原因 valid from `deviation.updatedAt`; two at the same instant both stay (`#n`). */
  async appendDeviation(indicatorId: string, deviation: DeviationDoc): Promise<string> {
    const base = `${indicatorId}@${deviation.updatedAt.toISOString()}`;
    for (let n = 0; n < CONTESTED_ROUNDS; n++) {
      const _id = n === 0 ? base : `${base}#${n}`;
      const { won } = await claimByInsert(deviationHistoryOf(this.conn), [
        { _id, indicatorId, validFrom: deviation.updatedAt, ...deviation },
      ]);
      if (won.length) return _id;
    }
    throw new ContestedWriteError('deviation history', [base], CONTESTED_ROUNDS);
  }

  /**
   * The newest target version of each indicator valid at `at` (epoch ms), of the indicators of
   * `projectIds`. An indicator with no history (imported before history was kept) is absent:
   * the caller then uses the catalogue as it is. One with history but nothing valid yet is
   * mapped to null (it was added after `at`).
   */
  async targetsAsOf(
    projectIds: readonly string[],
    at: number,
    /** Every target version of those projects by `_id` (their ProjectIndexDoc): read by `_id`, not by field. */
    versionIds?: readonly string[],
  ): Promise<Map<string, TargetVersionDoc | null>> {
    const docs = await targetHistoryOf(this.conn)
      .find(versionIds ? { _id: { $in: versionIds.map(String) } } : { projectId: { $in: projectIds.map(String) } })
      .toArray();
    return newestValid(docs, (d) => d.indicatorId, at);
  }

  /** The newest 偏差原因 of each indicator recorded by `at`; absent when none was. */
  async deviationsAsOf(indicatorIds: readonly string[], at: number): Promise<Map<string, DeviationVersionDoc>> {
    const docs = await deviationHistoryOf(this.conn)
      .find({ indicatorId: { $in: indicatorIds.map(String) }, validFrom: { $lte: new Date(at) } })
      .toArray();
    docs.sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime() || (a._id < b._id ? -1 : 1));
    return new Map(docs.map((d) => [d.indicatorId, d]));
  }

  /** The newest 偏差原因 of every indicator that has one (the history's last entry, by validFrom). */
  async currentDeviations(): Promise<Map<string, DeviationDoc>> {
    const docs = await deviationHistoryOf(this.conn).find({}).toArray();
    docs.sort((a, b) => a.validFrom.getTime() - b.validFrom.getTime() || (a._id < b._id ? -1 : 1));
    const out = new Map<string, DeviationDoc>();
    for (const { _id, indicatorId, validFrom: _v, ...deviation } of docs) out.set(indicatorId, deviation);
    return out;
  }

  async ensureIndexes(): Promise<void> {
    await targetHistoryOf(this.conn).createIndex({ projectId: 1, validFrom: 1 });
    await deviationHistoryOf(this.conn).createIndex({ indicatorId: 1, validFrom: 1 });
    await projectHistoryOf(this.conn).createIndex({ projectId: 1, validFrom: 1 });
  }
}

/** Per key, the newest version valid at `at` (a year-start one always is); null when none is yet. */
export function newestValid<T extends { _id: string; validFrom: Date; yearStart: boolean }>(
  docs: T[],
  key: (d: T) => string,
  at: number,
): Map<string, T | null> {
  const out = new Map<string, T | null>();
  // A year-start version (the first import, or a baseline) counts from the start: before any other.
  const from = (d: T) => (d.yearStart ? -Infinity : d.validFrom.getTime());
  docs.sort((a, b) => from(a) - from(b) || a.validFrom.getTime() - b.validFrom.getTime() || (a._id < b._id ? -1 : 1));
  for (const d of docs) {
    if (!out.has(key(d))) out.set(key(d), null);
    if (d.yearStart || d.validFrom.getTime() <= at) out.set(key(d), d);
  }
  return out;
}
