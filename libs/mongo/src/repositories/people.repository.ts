import type { Connection } from 'mongoose';
import {
  Directory,
  normaliseEmail,
  Ownership,
  projectAgency,
  type CatalogueFacts,
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
 * The catalogue's side of the directory as MongoDB holds it now (see Ownership): from each fiscal
 * year's snapshot, the few documents its last import wrote (a province's 100,000 indicator
 * documents, read even for two fields, took about 20 s on FerretDB); from the projects and
 * indicators themselves where a year has none (a store imported before snapshots).
 */
async function readOwnership(conn: Connection, fallbackOwners: () => Owners | null): Promise<Ownership> {
  const catalogue = new CatalogueRepository(conn);
  const [ownersDoc, years] = await Promise.all([catalogue.owners(), catalogue.fiscalYears()]);
  const owners = ownersDoc ? ownersFromDoc(ownersDoc) : fallbackOwners();
  const facts: { projects: CatalogueFacts['projects'][number][]; indicators: CatalogueFacts['indicators'][number][] } =
    { projects: [], indicators: [] };
  for (const year of years) {
    const projects = await catalogue.snapshotProjects(year, (p) => ({
      id: p.id,
      name: p.name,
      agency: projectAgency(p),
      indicators: p.indicators.map((i) => i.id),
    }));
    if (!projects) return new Ownership(owners, await catalogueFactsOfDocuments(conn));
    for (const p of projects) {
      facts.projects.push({ id: p.id, name: p.name, agency: p.agency });
      for (const id of p.indicators) facts.indicators.push({ id, projectId: p.id });
    }
  }
  return new Ownership(owners, facts);
}

/** Every project and indicator not archived, read from their documents (only the fields the directory uses). */
async function catalogueFactsOfDocuments(conn: Connection): Promise<CatalogueFacts> {
  const [projects, indicators] = await Promise.all([
    projectsOf(conn)
      .find({ archived: false }, { projection: { _id: 1, name: 1, budgetUnit: 1 } })
      .toArray(),
    indicatorsOf(conn)
      .find({ archived: false }, { projection: { _id: 1, projectId: 1 } })
      .toArray(),
  ]);
  return {
    projects: projects.map((p) => ({ id: p._id, name: p.name, agency: projectAgency(p) })),
    indicators: indicators.map((i) => ({ id: i._id, projectId: i.projectId })),
  };
}

/**
 * Loads the directory again and again (a service's): the people entries each time, the catalogue's
 * side (Ownership: every project and indicator, and the owners) only when the catalogue's version
 * moved since — every import writes a new one, owners included — or `fallbackStamp` did (the
 * owners file used while MongoDB holds none). The version is read before the catalogue, and an
 * import writes it last, so what is kept under a version is never older than it.
 */
export class DirectoryLoader {
  private held: { key: string; ownership: Promise<Ownership> } | null = null;

  constructor(
    private readonly conn: Connection,
    private readonly fallbackOwners: () => Owners | null,
    private readonly fallbackStamp: () => string = () => '',
  ) {}

  async load(): Promise<Directory> {
    const [people, version] = await Promise.all([
      new PeopleRepository(this.conn).all(),
      new CatalogueRepository(this.conn).lastChange(),
    ]);
    const key = `${version}|${this.fallbackStamp()}`;
    let held = this.held;
    if (held?.key !== key) {
      const next = { key, ownership: readOwnership(this.conn, this.fallbackOwners) };
      this.held = held = next;
      // A failed read keeps nothing: the next load reads again.
      next.ownership.catch(() => {
        if (this.held === next) this.held = null;
      });
    }
    return new Directory(directoryEntries(people), await held.ownership);
  }
}

/**
 * The directory as MongoDB holds it: people entries, the owners stored by the catalogue import
 * (or `fallbackOwners`, the IW_OWNERS file, when none is stored) and the catalogue's projects
 * and indicators (every fiscal year not archived).
 */
export function loadDirectory(conn: Connection, fallbackOwners: () => Owners | null): Promise<Directory> {
  return new DirectoryLoader(conn, fallbackOwners).load();
}
