import type { Collection, Document } from 'mongodb';
import type { Connection } from 'mongoose';
import { legacyProjectIds, reprefixId, type LegacyProjectId, type ParsedCatalogue } from '@iw/targets';
import { COLLECTIONS, type OwnersDoc, type ProjectDoc } from '../documents';
import { claimByInsert, retryContested } from './claims';
import { collection, MAX_STATEMENTS_PER_COMMAND } from './collections';

/**
 * Migrates stored ids of the form before agencies (`2019.<project>…`) to the agency form
 * (`2019.<agency>.<project>…`) when a catalogue is imported: progress, its version claims,
 * evaluations, alerts and theirs, the outbox, the target, project and 偏差原因 history, audit entries,
 * the owners' indicator keys, indicators and the project itself, everything keyed by id.
 *
 * A stored project document of a legacy id is the marker that its migration is unfinished:
 * it is moved last, after everything else of the project. Each document moves by inserting
 * its renamed copy (claimByInsert: a copy already there is an earlier, interrupted run's) and
 * then deleting the original, so a crash anywhere leaves a state that the next import finishes;
 * a run over a migrated store finds no legacy project and writes nothing. A document that
 * changed between its copy and its delete (a service still writing under the old id) goes round
 * again (retryContested), so its newest state is the one kept.
 */
export interface MigratedProject extends LegacyProjectId {
  /** Documents moved or rewritten, by collection. */
  moved: Record<string, number>;
}

/** Which field names a document's project (`projectId`) or unit (`ids`), per collection, in the order they move. */
const BY_UNIT: ReadonlyArray<{ name: string; field: string }> = [
  { name: COLLECTIONS.progressVersions, field: 'unit' },
  { name: COLLECTIONS.alertVersions, field: 'unit' },
  { name: COLLECTIONS.outbox, field: 'alertId' },
  { name: COLLECTIONS.deviationHistory, field: 'indicatorId' },
  { name: COLLECTIONS.audit, field: 'target' },
];
const BY_PROJECT: readonly string[] = [
  COLLECTIONS.audit,
  COLLECTIONS.targetHistory,
  COLLECTIONS.projectHistory,
  COLLECTIONS.evaluations,
  COLLECTIONS.alerts,
  COLLECTIONS.progress,
  COLLECTIONS.indicators,
];

export async function migrateLegacyIds(
  conn: Connection,
  fresh: Pick<ParsedCatalogue, 'fiscalYear' | 'projects'>,
  log: (line: string) => void = () => {},
): Promise<MigratedProject[]> {
  const candidates = legacyProjectIds(fresh);
  if (candidates.length === 0) return [];
  const projects = collection<ProjectDoc>(conn, COLLECTIONS.projects);
  const legacy = await projects
    .find({ _id: { $in: candidates.map((c) => c.from) }, agency: { $exists: false } } as Document)
    .toArray();
  const stored = new Map(legacy.map((d) => [d._id, d]));
  const out: MigratedProject[] = [];
  for (const c of candidates) {
    const doc = stored.get(c.from);
    // Only the same agency's project: another agency's project of that name is not this one.
    if (!doc || agencyKey(doc.budgetUnit) !== agencyKey(c.budgetUnit)) continue;
    const moved = await migrateProject(conn, c);
    out.push({ ...c, moved });
    log(
      `migrated ${c.from} → ${c.to}: ${
        Object.entries(moved)
          .filter(([, n]) => n > 0)
          .map(([k, n]) => `${k} ${n}`)
          .join(', ') || 'project only'
      }`,
    );
  }
  return out;
}

const agencyKey = (s: string) => s.normalize('NFKC').replace(/[^\p{L}\p{N}]+/gu, '');

async function migrateProject(conn: Connection, m: LegacyProjectId): Promise<Record<string, number>> {
  const moved: Record<string, number> = {};
  const count = (name: string, n: number) => (moved[name] = (moved[name] ?? 0) + n);
  const rename = (id: string) => reprefixId(id, m.from, m.to);

  // Every id of the project still stored under the legacy form (the sources move last).
  const ids = new Set<string>([m.from, `${m.from}#budget`]);
  for (const name of [COLLECTIONS.indicators, COLLECTIONS.progress, COLLECTIONS.evaluations, COLLECTIONS.alerts]) {
    const docs = await collection<Document>(conn, name)
      .find({ projectId: m.from }, { projection: { _id: 1, parts: 1 } })
      .toArray();
    for (const d of docs) {
      ids.add(String(d._id));
      for (const p of (d.parts as Array<{ id: string }> | undefined) ?? []) ids.add(p.id);
    }
  }
  const idList = [...ids];

  for (const { name, field } of BY_UNIT) {
    for (let i = 0; i < idList.length; i += MAX_STATEMENTS_PER_COMMAND * 20) {
      const chunk = idList.slice(i, i + MAX_STATEMENTS_PER_COMMAND * 20);
      count(name, await moveDocs(collection<Document>(conn, name), { [field]: { $in: chunk } }, ids, rename));
    }
  }
  for (const name of BY_PROJECT)
    count(name, await moveDocs(collection<Document>(conn, name), { projectId: m.from }, ids, rename));

  const owners = collection<OwnersDoc>(conn, COLLECTIONS.owners);
  const o = await owners.findOne({ _id: 'owners' });
  if (o && o.indicators.some((e) => ids.has(e.key))) {
    const indicators = o.indicators.map((e) => (ids.has(e.key) ? { ...e, key: rename(e.key) ?? e.key } : e));
    await owners.updateOne({ _id: 'owners' }, { $set: { indicators } });
    count(COLLECTIONS.owners, 1);
  }

  // The project last: its legacy document is the marker that this migration is unfinished.
  const projects = collection<Document>(conn, COLLECTIONS.projects);
  count(COLLECTIONS.projects, await moveDocs(projects, { _id: m.from }, ids, rename, { agency: m.budgetUnit }));
  return moved;
}

/**
 * Moves the documents `filter` finds: every string holding a migrated id (alone, or as the
 * `<id>@<version>` of a version claim) is rewritten; a document whose `_id` changes is copied
 * (claimByInsert) and its original deleted only if unchanged since it was read.
 */
async function moveDocs(
  col: Collection<Document>,
  filter: Document,
  ids: ReadonlySet<string>,
  rename: (id: string) => string | null,
  extra: Document = {},
): Promise<number> {
  const first = await col.find(filter).toArray();
  if (first.length === 0) return 0;
  const rewrite = (v: unknown): unknown => {
    if (typeof v === 'string') {
      const at = v.indexOf('@');
      const head = at < 0 ? v : v.slice(0, at);
      return ids.has(head) ? (rename(head) ?? head) + (at < 0 ? '' : v.slice(at)) : v;
    }
    if (Array.isArray(v)) return v.map(rewrite);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const o: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) o[k] = rewrite(x);
      return o;
    }
    return v;
  };
  let total = 0;
  await retryContested(
    `migrating ${col.collectionName}`,
    first.map((d) => String(d._id)),
    async (pending, round) => {
      const docs = round === 0 ? first : await col.find({ _id: { $in: [...pending] } } as Document).toArray();
      // Documents keeping their `_id` (audit entries) are rewritten where they are.
      for (const d of docs) {
        const id: unknown = d._id;
        if (rewrite(id) !== id) continue;
        await col.replaceOne({ _id: id } as Document, { ...(rewrite(d) as Document), ...extra });
        total++;
      }
      const lost: string[] = [];
      for (let i = 0; i < docs.length; i += MAX_STATEMENTS_PER_COMMAND) {
        const originals = docs.slice(i, i + MAX_STATEMENTS_PER_COMMAND).filter((d) => rewrite(d._id) !== d._id);
        if (originals.length === 0) continue;
        const copies = originals.map((d) => ({ ...(rewrite(d) as Document), ...extra }) as Document & { _id: string });
        const claim = await claimByInsert(col as unknown as Collection<Document & { _id: string }>, copies);
        // A copy an earlier (interrupted) round or run left: bring it up to this state.
        const lostSet = new Set(claim.lost);
        for (const c of copies) if (lostSet.has(c._id)) await col.replaceOne({ _id: c._id } as Document, c);
        for (const d of originals) {
          // Deleted only as read; a document changed meanwhile is copied again next round.
          const res = await col.deleteOne(fenceOf(d));
          if (res.deletedCount === 1) total++;
          else if (await col.findOne({ _id: d._id } as Document)) lost.push(String(d._id));
        }
      }
      return lost;
    },
  );
  return total;
}

/** The original as read: its `_id` and the fields that change when it is written. */
function fenceOf(d: Document): Document {
  const f: Document = { _id: d._id as unknown };
  for (const k of ['version', 'rev', 'updatedAt'] as const) if (d[k] !== undefined) f[k] = d[k] as unknown;
  return f;
}
