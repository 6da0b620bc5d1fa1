import { randomUUID } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import {
  diffCatalogue,
  indicatorParts,
  type CatalogueDiff,
  type FreshIndicator,
  type FreshProject,
  type Owners,
  type ParsedCatalogue,
  type StoredCatalogue,
} from '@iw/targets';
import {
  COLLECTIONS,
  ownersToDoc,
  type CatalogueSnapshotDoc,
  type IndicatorDoc,
  type ProjectDoc,
  type ProjectIndexDoc,
  type ProjectVersionDoc,
  type TargetVersionDoc,
} from '../documents';
import {
  bulkWriteChunked,
  catalogueSnapshotOf,
  catalogueVersionOf,
  catalogueYearsOf,
  indicatorsOf,
  collection,
  ownersOf,
  projectIndexOf,
  projectsOf,
} from './collections';
import { migrateLegacyIds, type MigratedProject } from './catalogue-migration';
import { claimByInsert, upsertContested } from './claims';
import { HistoryRepository, projectHistoryOf, targetHistoryOf } from './history.repository';
import { prepareDatabase } from './prepare';

export interface ImportResult {
  diff: CatalogueDiff;
  ownersStored: boolean;
  /** Projects whose stored ids of the form before agencies this import migrated. */
  migrated: MigratedProject[];
}

/**
 * Applies a parsed catalogue to MongoDB: the pure diff (libs/targets) decides, this only
 * writes. Ids are stable, so progress (keyed by id) survives an edited re-import; indicators
 * gone from the table are archived, never deleted. Each write is a single-document upsert,
 * so an interrupted import is finished by running it again.
 */
export async function importCatalogue(
  conn: Connection,
  fresh: ParsedCatalogue,
  options: {
    sourceFile: string;
    owners?: Owners;
    now: Date;
    /** Domain time the changed targets are valid from (the services' clock); default `now`. */
    validFrom?: Date;
    /** One line per migrated project (ids of the form before agencies). */
    log?: (line: string) => void;
  },
): Promise<ImportResult> {
  await prepareDatabase(conn);
  // Before the diff, so a catalogue stored under legacy ids compares as unchanged.
  const migrated = await migrateLegacyIds(conn, fresh, options.log);
  const stored = await loadStored(conn, fresh.fiscalYear);
  const diff = diffCatalogue(stored, fresh);
  const now = options.now;
  // The history first: an import stopped after it writes the same versions again when rerun.
  const history = new HistoryRepository(conn);
  const index = await readProjectIndex(
    conn,
    [...stored.projects, ...diff.projects.added].map((p) => p.id),
  );
  const storedHistory = await readStoredHistory(conn, stored, index);
  const projectHistory = projectVersions(
    stored,
    storedHistory.projects,
    diff,
    options.validFrom ?? now,
    options.sourceFile,
  );
  const targetHistory = targetVersions(
    stored,
    storedHistory.targets,
    diff,
    options.validFrom ?? now,
    options.sourceFile,
  );
  // Before what it names: a report reading by it may miss nothing this import writes.
  await writeProjectIndex(conn, stored, diff, index, {
    targets: [...storedHistory.targets, ...targetHistory],
    projects: [...storedHistory.projects, ...projectHistory],
  });
  await history.appendProjects(projectHistory);
  await history.appendTargets(targetHistory);

  const projectSet = (p: FreshProject) => ({
    fiscalYear: p.fiscalYear,
    name: p.name,
    tableKind: p.tableKind,
    budgetUnit: p.budgetUnit,
    agency: p.budgetUnit,
    funds: p.funds,
    goal: p.goal,
    line: p.line,
    sourceFile: options.sourceFile,
    archived: false,
    updatedAt: now,
    ...present(p, PROJECT_OPTIONAL),
  });
  const upsertProject = (p: FreshProject): AnyBulkWriteOperation<ProjectDoc> => ({
    updateOne: {
      filter: { _id: p.id },
      update: { $set: projectSet(p), ...unsetAbsent(p, PROJECT_OPTIONAL), $setOnInsert: { importedAt: now } },
      upsert: true,
    },
  });
  const projectOps: AnyBulkWriteOperation<ProjectDoc>[] = [
    ...(await insertOrUpsert(
      projectsOf(conn),
      diff.projects.added,
      (p) => ({ _id: p.id, ...projectSet(p), importedAt: now }),
      upsertProject,
    )),
    ...diff.projects.updated.map((c) => upsertProject(c.after)),
    ...diff.projects.revived.map((c) => upsertProject(c.after)),
  ];
  for (const p of diff.projects.archived) {
    projectOps.push({ updateOne: { filter: { _id: p.id }, update: { $set: { archived: true, updatedAt: now } } } });
  }

  const indicatorSet = (i: FreshIndicator) => ({
    projectId: i.projectId,
    fiscalYear: i.fiscalYear,
    level1: i.level1,
    level2: i.level2,
    name: i.name,
    value: i.value,
    target: i.target,
    parts: indicatorParts(i).map((p) => ({ id: p.id, label: p.target.label || p.key, target: p.target })),
    line: i.line,
    archived: false,
    updatedAt: now,
    ...present(i, INDICATOR_OPTIONAL),
  });
  const upsertIndicator = (i: FreshIndicator): AnyBulkWriteOperation<IndicatorDoc> => ({
    updateOne: {
      filter: { _id: i.id },
      update: {
        $set: indicatorSet(i),
        ...unsetAbsent(i, INDICATOR_OPTIONAL),
        $setOnInsert: { importedAt: now, deviation: null },
      },
      upsert: true,
    },
  });
  const indicatorOps: AnyBulkWriteOperation<IndicatorDoc>[] = [
    ...(await insertOrUpsert(
      indicatorsOf(conn),
      diff.indicators.added,
      (i) => ({ _id: i.id, ...indicatorSet(i), importedAt: now, deviation: null }),
      upsertIndicator,
    )),
    ...diff.indicators.updated.map((c) => upsertIndicator(c.after)),
    ...diff.indicators.revived.map((c) => upsertIndicator(c.after)),
  ];
  for (const i of diff.indicators.archived) {
    indicatorOps.push({ updateOne: { filter: { _id: i.id }, update: { $set: { archived: true, updatedAt: now } } } });
  }

  await bulkWriteChunked(projectsOf(conn), projectOps, { ordered: true });
  await bulkWriteChunked(indicatorsOf(conn), indicatorOps, { ordered: true });

  let ownersStored = false;
  if (options.owners) {
    const before = await ownersOf(conn).findOne({ _id: 'owners' });
    const next = ownersToDoc(options.owners);
    const same =
      before &&
      JSON.stringify([before.fallback, before.projects, before.indicators]) ===
        JSON.stringify([next.fallback, next.projects, next.indicators]);
    if (!same) {
      await upsertContested('owners', 'owners', () =>
        ownersOf(conn).replaceOne(
          { _id: 'owners' },
          { ...next, sourceFile: options.sourceFile, updatedAt: now },
          { upsert: true },
        ),
      );
      ownersStored = true;
    }
  }
  // Last, and on every import (a rerun after a crash changes nothing else but must still be
  // seen): the year's snapshot, then the token the services reload on, then older snapshots go.
  // Older means there before this one was written: an import running at the same time writes
  // its snapshot after this listing, so of two imports at once the later one's snapshot stays
  // (deleting every other token deleted both).
  const token = randomUUID();
  const older = await catalogueSnapshotOf(conn).distinct('token', { year: fresh.fiscalYear });
  const snapshot = snapshotDocs(storedShape(fresh), token, now);
  await catalogueSnapshotOf(conn).insertMany(snapshot);
  await upsertContested('catalogue year', String(fresh.fiscalYear), () =>
    catalogueYearsOf(conn).replaceOne(
      { _id: String(fresh.fiscalYear) },
      {
        year: fresh.fiscalYear,
        projects: fresh.projects.length,
        token,
        chunks: snapshot.length,
        writtenAt: now,
      },
      { upsert: true },
    ),
  );
  await recordOlderYears(conn, now);
  await upsertContested('catalogue version', 'catalogue', () =>
    catalogueVersionOf(conn).replaceOne({ _id: 'catalogue' }, { token, changedAt: now, years: true }, { upsert: true }),
  );
  if (older.length > 0) await catalogueSnapshotOf(conn).deleteMany({ year: fresh.fiscalYear, token: { $in: older } });
  return { diff, ownersStored, migrated };
}

/**
 * Once per store (until the version document says so): the fiscal years imported before
 * `catalogue_years` was kept get their document, with no snapshot (they are read from their
 * projects and indicators until their next import). An insert, so a year an import running at
 * the same time records is not overwritten.
 */
async function recordOlderYears(conn: Connection, now: Date): Promise<void> {
  if ((await catalogueVersionOf(conn).findOne({ _id: 'catalogue' }))?.years) return;
  const known = new Set((await catalogueYearsOf(conn).find({}).toArray()).map((d) => d.year));
  const years: number[] = await projectsOf(conn).distinct('fiscalYear', { archived: false });
  await claimByInsert(
    catalogueYearsOf(conn),
    years
      .filter((year) => !known.has(year))
      .map((year) => ({ _id: String(year), year, projects: 1, token: null, chunks: 0, writtenAt: now })),
  );
}

/**
 * The versions an import appends to the target history: every added, changed, revived or
 * archived indicator as it now stands; indicators stored before history was kept get their
 * stored state as a baseline valid from the start of the year (so a later change does not
 * leave them without a version back then). The first import of a year is valid from its start.
 */
function targetVersions(
  stored: StoredCatalogue,
  storedIds: readonly HistoryIds[],
  diff: CatalogueDiff,
  validFrom: Date,
  sourceFile: string,
): TargetVersionDoc[] {
  const firstImport = stored.projects.length === 0 && stored.indicators.length === 0;
  const known = new Set(storedIds.map((d) => d.indicatorId));
  type Row = Pick<
    FreshIndicator,
    'id' | 'projectId' | 'fiscalYear' | 'level1' | 'level2' | 'name' | 'value' | 'target'
  >;
  const version = (i: Row, archived: boolean, yearStart: boolean, key: string): TargetVersionDoc => ({
    _id: `${i.id}@${key}`,
    indicatorId: i.id,
    projectId: i.projectId,
    fiscalYear: i.fiscalYear,
    validFrom,
    yearStart,
    level1: i.level1,
    level2: i.level2,
    name: i.name,
    value: i.value,
    target: i.target,
    parts: indicatorParts(i).map((p) => ({ id: p.id, label: p.target.label || p.key, target: p.target })),
    archived,
    sourceFile,
  });
  const at = validFrom.toISOString();
  const out: TargetVersionDoc[] = [];
  for (const i of stored.indicators) if (!known.has(i.id)) out.push(version(i, i.archived ?? false, true, 'baseline'));
  for (const i of diff.indicators.added) out.push(version(i, false, firstImport, at));
  for (const c of [...diff.indicators.updated, ...diff.indicators.revived])
    out.push(version(c.after, false, false, at));
  for (const i of diff.indicators.archived) out.push(version(i, true, false, at));
  return out;
}

/** The project heads an import appends to the project history, by the rules of targetVersions. */
function projectVersions(
  stored: StoredCatalogue,
  storedIds: readonly HistoryIds[],
  diff: CatalogueDiff,
  validFrom: Date,
  sourceFile: string,
): ProjectVersionDoc[] {
  const firstImport = stored.projects.length === 0 && stored.indicators.length === 0;
  const known = new Set(storedIds.map((d) => d.projectId));
  type Row = Pick<FreshProject, 'id' | 'fiscalYear' | 'name' | 'tableKind' | 'budgetUnit' | 'funds' | 'goal'>;
  const version = (p: Row, archived: boolean, yearStart: boolean, key: string): ProjectVersionDoc => ({
    _id: `${p.id}@${key}`,
    projectId: p.id,
    fiscalYear: p.fiscalYear,
    validFrom,
    yearStart,
    name: p.name,
    tableKind: p.tableKind,
    budgetUnit: p.budgetUnit,
    funds: p.funds,
    goal: p.goal,
    archived,
    sourceFile,
  });
  const at = validFrom.toISOString();
  const out: ProjectVersionDoc[] = [];
  for (const p of stored.projects) if (!known.has(p.id)) out.push(version(p, p.archived ?? false, true, 'baseline'));
  for (const p of diff.projects.added) out.push(version(p, false, firstImport, at));
  for (const c of [...diff.projects.updated, ...diff.projects.revived]) out.push(version(c.after, false, false, at));
  for (const p of diff.projects.archived) out.push(version(p, true, false, at));
  return out;
}

/** The projects' indexes (ProjectIndexDoc) as stored, by project id. */
async function readProjectIndex(conn: Connection, ids: readonly string[]): Promise<Map<string, ProjectIndexDoc>> {
  const out = new Map<string, ProjectIndexDoc>();
  for (let i = 0; i < ids.length; i += INSERT_CHUNK)
    for (const d of await projectIndexOf(conn)
      .find({ _id: { $in: ids.slice(i, i + INSERT_CHUNK) } })
      .toArray())
      out.set(d._id, d);
  return out;
}

/**
 * The history versions stored of the year's projects and indicators (which of them have one):
 * those an index names, read by `_id` (an index may name a version an import stopped before
 * writing); those of projects without an index, by field — on FerretDB a read of the whole
 * collection, which for a province's 100,566 indicators took 316 s (their ids in one `$in`).
 */
async function readStoredHistory(
  conn: Connection,
  stored: StoredCatalogue,
  index: ReadonlyMap<string, ProjectIndexDoc>,
): Promise<{ targets: HistoryIds[]; projects: HistoryIds[] }> {
  const byId = async (name: string, ids: readonly string[]) => {
    const out: HistoryIds[] = [];
    for (let i = 0; i < ids.length; i += INSERT_CHUNK)
      out.push(
        ...(await collection<HistoryIds>(conn, name)
          .find({ _id: { $in: ids.slice(i, i + INSERT_CHUNK) } }, { projection: { indicatorId: 1, projectId: 1 } })
          .toArray()),
      );
    return out;
  };
  const indexed = stored.projects.filter((p) => index.has(p.id));
  const unindexed = new Set(stored.projects.filter((p) => !index.has(p.id)).map((p) => p.id));
  const targets = await byId(
    COLLECTIONS.targetHistory,
    indexed.flatMap((p) => index.get(p.id)!.targetVersions),
  );
  const projects = await byId(
    COLLECTIONS.projectHistory,
    indexed.flatMap((p) => index.get(p.id)!.projectVersions),
  );
  const unindexedIndicators = stored.indicators.filter((i) => unindexed.has(i.projectId)).map((i) => i.id);
  if (unindexedIndicators.length > 0)
    targets.push(
      ...(await targetHistoryOf(conn)
        .find({ indicatorId: { $in: unindexedIndicators } }, { projection: { indicatorId: 1, projectId: 1 } })
        .toArray()),
    );
  if (unindexed.size > 0)
    projects.push(
      ...(await projectHistoryOf(conn)
        .find({ projectId: { $in: [...unindexed] } }, { projection: { projectId: 1 } })
        .toArray()),
    );
  return { targets, projects };
}

/** A history version's `_id` and what it belongs to (`indicatorId` for a target version). */
interface HistoryIds {
  _id: string;
  projectId: string;
  indicatorId?: string;
}

/**
 * Each project's index (ProjectIndexDoc) as this import leaves the year: its indicators stored
 * and added, and its history versions stored and appended now, added to what its index already
 * named (ids are never removed: indicators are archived, history only appended). Written before
 * what it names, and only where it gains an id: a new one inserted, a grown one replaced.
 */
async function writeProjectIndex(
  conn: Connection,
  stored: StoredCatalogue,
  diff: CatalogueDiff,
  before: ReadonlyMap<string, ProjectIndexDoc>,
  history: { targets: readonly HistoryIds[]; projects: readonly HistoryIds[] },
): Promise<void> {
  const wanted = new Map<
    string,
    { indicators: Set<string>; targetVersions: Set<string>; projectVersions: Set<string> }
  >();
  const of = (projectId: string) => {
    let e = wanted.get(projectId);
    if (!e)
      wanted.set(projectId, (e = { indicators: new Set(), targetVersions: new Set(), projectVersions: new Set() }));
    return e;
  };
  for (const p of [...stored.projects, ...diff.projects.added]) of(p.id);
  for (const i of [...stored.indicators, ...diff.indicators.added]) of(i.projectId).indicators.add(i.id);
  for (const v of history.targets) of(v.projectId).targetVersions.add(v._id);
  for (const v of history.projects) of(v.projectId).projectVersions.add(v._id);
  const added: ProjectIndexDoc[] = [];
  const grown: AnyBulkWriteOperation<ProjectIndexDoc>[] = [];
  for (const [projectId, e] of wanted) {
    const old = before.get(projectId);
    const union = (mine: Set<string>, theirs: readonly string[] = []) => [...new Set([...theirs, ...mine])];
    const doc: ProjectIndexDoc = {
      _id: projectId,
      indicators: union(e.indicators, old?.indicators),
      targetVersions: union(e.targetVersions, old?.targetVersions),
      projectVersions: union(e.projectVersions, old?.projectVersions),
    };
    if (!old) added.push(doc);
    else if (
      doc.indicators.length > old.indicators.length ||
      doc.targetVersions.length > old.targetVersions.length ||
      doc.projectVersions.length > old.projectVersions.length
    )
      grown.push({ replaceOne: { filter: { _id: projectId }, replacement: doc, upsert: true } });
  }
  // An index another import inserted meanwhile: merged on its next run (an import run again sees its own).
  for (let i = 0; i < added.length; i += INSERT_CHUNK)
    await claimByInsert(projectIndexOf(conn), added.slice(i, i + INSERT_CHUNK));
  if (grown.length) await bulkWriteChunked(projectIndexOf(conn), grown, { ordered: false });
}

/**
 * Added projects or indicators are inserted (an insert costs a fraction of an upsert on
 * FerretDB: a 100,000-indicator province imports in a fraction of the time); the ones already
 * there — an import interrupted after writing them, run again — come back as the upserts that
 * would have written them.
 */
async function insertOrUpsert<T extends { id: string }, D extends Document & { _id: string }>(
  col: Collection<D>,
  added: readonly T[],
  doc: (x: T) => D,
  upsert: (x: T) => AnyBulkWriteOperation<D>,
): Promise<AnyBulkWriteOperation<D>[]> {
  const lost = new Set<string>();
  for (let i = 0; i < added.length; i += INSERT_CHUNK)
    for (const id of (await claimByInsert(col, added.slice(i, i + INSERT_CHUNK).map(doc))).lost) lost.add(id);
  return added.filter((x) => lost.has(x.id)).map(upsert);
}

const INSERT_CHUNK = 500;

/** Fields a table has only in some templates: set when present, unset when gone. */
const PROJECT_OPTIONAL = ['sheet', 'fundsByNature', 'functions', 'tasks'] as const;
const INDICATOR_OPTIONAL = ['sheet', 'note', 'weight'] as const;

function present<T extends object>(x: T, keys: readonly (keyof T)[]): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (x[k] !== undefined) out[k] = x[k];
  return out;
}

function unsetAbsent<T extends object>(x: T, keys: readonly (keyof T)[]): { $unset?: Record<string, ''> } {
  const gone = keys.filter((k) => x[k] === undefined);
  return gone.length ? { $unset: Object.fromEntries(gone.map((k) => [k, ''])) } : {};
}

async function loadStored(conn: Connection, fiscalYear: number): Promise<StoredCatalogue> {
  const projects = await projectsOf(conn).find({ fiscalYear }).toArray();
  const indicators = await indicatorsOf(conn).find({ fiscalYear }).toArray();
  return {
    projects: projects.map((p) => ({
      id: p._id,
      fiscalYear: p.fiscalYear,
      name: p.name,
      tableKind: p.tableKind,
      budgetUnit: p.budgetUnit,
      line: p.line,
      funds: p.funds,
      goal: p.goal,
      ...present(p, PROJECT_OPTIONAL),
      archived: p.archived,
    })),
    indicators: indicators.map((i) => ({
      id: i._id,
      projectId: i.projectId,
      fiscalYear: i.fiscalYear,
      line: i.line,
      level1: i.level1,
      level2: i.level2,
      name: i.name,
      value: i.value,
      target: i.target,
      ...present(i, INDICATOR_OPTIONAL),
      archived: i.archived,
    })),
  };
}

/** Projects per snapshot chunk (about 1 MB of JSON each). */
const SNAPSHOT_PROJECTS = 200;

/**
 * The year's catalogue as CatalogueRepository.load reads it back after this import (the diff
 * compares every field load returns, so what is stored equals the fresh table): projects by
 * line, each with its indicators by line, fields as load returns them. Pure.
 */
export function storedShape(fresh: ParsedCatalogue): ParsedCatalogue {
  const byLine = <T extends { line: number }>(xs: readonly T[]) =>
    xs
      .map((x, i) => ({ x, i }))
      .sort((a, b) => a.x.line - b.x.line || a.i - b.i)
      .map((e) => e.x);
  return {
    fiscalYear: fresh.fiscalYear,
    problems: [],
    projects: byLine(fresh.projects).map((p) => ({
      id: p.id,
      name: p.name,
      tableKind: p.tableKind,
      budgetUnit: p.budgetUnit,
      line: p.line,
      funds: p.funds,
      goal: p.goal,
      indicators: byLine(p.indicators).map((i) => ({
        id: i.id,
        line: i.line,
        level1: i.level1,
        level2: i.level2,
        name: i.name,
        value: i.value,
        target: i.target,
      })),
    })),
  };
}

function snapshotDocs(c: ParsedCatalogue, token: string, now: Date): CatalogueSnapshotDoc[] {
  const chunks = Math.max(1, Math.ceil(c.projects.length / SNAPSHOT_PROJECTS));
  return Array.from({ length: chunks }, (_, n) => ({
    _id: `${c.fiscalYear}:${token}:${n}`,
    year: c.fiscalYear,
    token,
    n,
    chunks,
    writtenAt: now,
    json: JSON.stringify(c.projects.slice(n * SNAPSHOT_PROJECTS, (n + 1) * SNAPSHOT_PROJECTS)),
  }));
}
