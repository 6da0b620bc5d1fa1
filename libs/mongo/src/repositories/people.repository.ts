import type { Connection } from 'mongoose';
import {
  Directory,
  normaliseEmail,
  projectAgency,
  type DirectoryEntry,
  type PersonRecord,
  type Role,
} from '@iw/people';
import type { Owners } from '@iw/targets';
import { COLLECTIONS, ownersFromDoc } from '../documents';
import { CatalogueRepository } from './catalogue.repository';
import { collection, indicatorsOf, projectsOf } from './collections';

/**
 * The people directory's entries. `role: null` marks an address known only from the owners file
 * whose links were revoked (the entry then only carries `linksValidFrom`); `removed` shuts an
 * address out even when the owners file names it.
 */
export interface PersonDoc {
  _id: string; // lower-case address
  name: string | null;
  agency: string | null;
  role: Role | null;
  linksValidFrom: Date | null;
  removed: boolean;
  /** `file` (people file import) or `cli`. */
  source: string;
  createdAt: Date;
  updatedAt: Date;
}

export type PeopleChange = 'added' | 'updated' | 'unchanged';

export class PeopleRepository {
  constructor(private readonly conn: Connection) {}

  private get col() {
    return collection<PersonDoc>(this.conn, COLLECTIONS.people);
  }

  async all(): Promise<PersonDoc[]> {
    return this.col.find({}).sort({ _id: 1 }).toArray();
  }

  async get(email: string): Promise<PersonDoc | null> {
    return this.col.findOne({ _id: normaliseEmail(String(email)) });
  }

  /** Adds or changes one person (a removed one comes back); their links stay valid. */
  async put(record: PersonRecord, source: string, now: Date): Promise<PeopleChange> {
    const _id = normaliseEmail(record.email);
    const before = await this.col.findOne({ _id });
    const fields = { name: record.name, agency: record.agency, role: record.role, removed: false };
    if (
      before &&
      before.name === fields.name &&
      before.agency === fields.agency &&
      before.role === fields.role &&
      !before.removed
    )
      return 'unchanged';
    await this.col.replaceOne(
      { _id },
      {
        ...fields,
        linksValidFrom: before?.linksValidFrom ?? null,
        source,
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      },
      { upsert: true },
    );
    return before && before.role !== null && !before.removed ? 'updated' : 'added';
  }

  /** A people file's entries, added or updated one by one (entries not in the file are kept). */
  async importRecords(
    records: readonly PersonRecord[],
    source: string,
    now: Date,
  ): Promise<Record<PeopleChange, number>> {
    const counts: Record<PeopleChange, number> = { added: 0, updated: 0, unchanged: 0 };
    for (const r of records) counts[await this.put(r, source, now)] += 1;
    return counts;
  }

  /** Shuts the address out (links and sessions refused), even if the owners file names it. */
  async remove(email: string, now: Date): Promise<boolean> {
    const _id = normaliseEmail(String(email));
    const before = await this.col.findOne({ _id });
    if (before?.removed) return false;
    await this.col.replaceOne(
      { _id },
      {
        name: before?.name ?? null,
        agency: before?.agency ?? null,
        role: before?.role ?? null,
        linksValidFrom: now,
        removed: true,
        source: before?.source ?? 'cli',
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      },
      { upsert: true },
    );
    return true;
  }

  /** Refuses every link issued and session opened before `now`. */
  async revoke(email: string, now: Date): Promise<void> {
    const _id = normaliseEmail(String(email));
    const before = await this.col.findOne({ _id });
    await this.col.replaceOne(
      { _id },
      {
        name: before?.name ?? null,
        agency: before?.agency ?? null,
        role: before?.role ?? null,
        linksValidFrom: now,
        removed: before?.removed ?? false,
        source: before?.source ?? 'cli',
        createdAt: before?.createdAt ?? now,
        updatedAt: now,
      },
      { upsert: true },
    );
  }

  /** Latest change, for caches. */
  async lastChange(): Promise<number> {
    const [d] = await this.col
      .find({}, { projection: { updatedAt: 1 } })
      .sort({ updatedAt: -1 })
      .limit(1)
      .toArray();
    return d?.updatedAt?.getTime() ?? 0;
  }
}

/** Entries as the pure directory takes them. */
export function directoryEntries(docs: readonly PersonDoc[]): DirectoryEntry[] {
  return docs.map((d) => ({
    email: d._id,
    name: d.name ?? d._id,
    agency: d.agency,
    // An entry without a role only carries link state for an owners-file address.
    role: d.role ?? 'owner',
    linksValidFrom: d.linksValidFrom?.getTime() ?? 0,
    removed: d.removed,
    ...(d.role === null ? { linkStateOnly: true } : {}),
  }));
}

/**
 * The directory as MongoDB holds it: people entries, the owners stored by the catalogue import
 * (or `fallbackOwners`, the IW_OWNERS file, when none is stored) and the catalogue's projects
 * and indicators (every fiscal year not archived).
 */
export async function loadDirectory(conn: Connection, fallbackOwners: () => Owners | null): Promise<Directory> {
  // Only the fields the directory uses: whole indicator documents (targets, parts) cost FerretDB far more.
  const [people, ownersDoc, projects, indicators] = await Promise.all([
    new PeopleRepository(conn).all(),
    new CatalogueRepository(conn).owners(),
    projectsOf(conn)
      .find({ archived: false }, { projection: { _id: 1, name: 1, budgetUnit: 1 } })
      .toArray(),
    indicatorsOf(conn)
      .find({ archived: false }, { projection: { _id: 1, projectId: 1 } })
      .toArray(),
  ]);
  const owners = ownersDoc ? ownersFromDoc(ownersDoc) : fallbackOwners();
  return new Directory(directoryEntries(people), owners, {
    projects: projects.map((p) => ({ id: p._id, name: p.name, agency: projectAgency(p) })),
    indicators: indicators.map((i) => ({ id: i._id, projectId: i.projectId })),
  });
}
