import type { Connection } from 'mongoose';
import type { ParsedCatalogue, ParsedProject } from '@iw/targets';
import type { CatalogueSnapshotDoc, IndicatorDoc, OwnersDoc, ProjectDoc } from '../documents';
import {
  catalogueSnapshotOf,
  catalogueVersionOf,
  catalogueYearsOf,
  indicatorsOf,
  ownersOf,
  projectsOf,
} from './collections';

/** Projects and indicators as imported by `iw targets import`. */
export class CatalogueRepository {
  constructor(private readonly conn: Connection) {}

  async projects(filter: { fiscalYear?: number; includeArchived?: boolean } = {}): Promise<ProjectDoc[]> {
    const q: Record<string, unknown> = {};
    if (filter.fiscalYear !== undefined) q.fiscalYear = filter.fiscalYear;
    if (!filter.includeArchived) q.archived = false;
    return projectsOf(this.conn).find(q).sort({ fiscalYear: 1, line: 1 }).toArray();
  }

  async indicators(
    filter: { projectId?: string; fiscalYear?: number; includeArchived?: boolean } = {},
  ): Promise<IndicatorDoc[]> {
    const q: Record<string, unknown> = {};
    if (filter.projectId !== undefined) q.projectId = String(filter.projectId);
    if (filter.fiscalYear !== undefined) q.fiscalYear = filter.fiscalYear;
    if (!filter.includeArchived) q.archived = false;
    return indicatorsOf(this.conn).find(q).sort({ projectId: 1, line: 1 }).toArray();
  }

  async project(id: string): Promise<ProjectDoc | null> {
    return projectsOf(this.conn).findOne({ _id: String(id) });
  }

  async indicator(id: string): Promise<IndicatorDoc | null> {
    return indicatorsOf(this.conn).findOne({ _id: String(id) });
  }

  /**
   * The fiscal years present in the catalogue (with a project not archived), newest first: from
   * the few `catalogue_years` documents, or, in a store no import has recorded them in yet, a
   * scan of the projects (on FerretDB every project document is read: seconds for a province).
   */
  async fiscalYears(): Promise<number[]> {
    if ((await catalogueVersionOf(this.conn).findOne({ _id: 'catalogue' }))?.years)
      return (await catalogueYearsOf(this.conn).find({}).toArray())
        .filter((d) => d.projects > 0)
        .map((d) => d.year)
        .sort((a, b) => b - a);
    const years = new Set<number>();
    for (const p of await projectsOf(this.conn)
      .find({ archived: false }, { projection: { fiscalYear: 1 } })
      .toArray())
      years.add(p.fiscalYear);
    return [...years].sort((a, b) => b - a);
  }

  /**
   * The stored catalogue of one fiscal year in the parser's shape, so the pure code
   * (bindings, tracked units) sees the same thing whether it came from a file or MongoDB.
   */
  async load(fiscalYear: number): Promise<ParsedCatalogue> {
    return (await this.snapshot(fiscalYear)) ?? this.loadDocuments(fiscalYear);
  }

  /**
   * The year as its last import left it, from the snapshot that import wrote (a few JSON
   * documents); null when there is none complete (a store imported before snapshots). The
   * chunks are read one at a time, each parsed before the next is read: a province's are 30
   * documents of 700,000 characters, which read at once took 80 MB beside what they parse into.
   * A chunk gone between the listing and its read (a newer import replaced the snapshot) starts
   * the read again.
   */
  async snapshot(fiscalYear: number): Promise<ParsedCatalogue | null> {
    const projects = await this.snapshotProjects(fiscalYear, (p) => p);
    return projects && { fiscalYear, problems: [], projects };
  }

  /**
   * What `pick` keeps of each project of the year's snapshot (see snapshot), chunk by chunk: only
   * that is held, not the whole year's catalogue (the people directory keeps ids and agencies).
   */
  async snapshotProjects<T>(fiscalYear: number, pick: (p: ParsedProject) => T): Promise<T[] | null> {
    const col = catalogueSnapshotOf(this.conn);
    // Its chunks by `_id`, as the year's document names them: listing them by year reads every
    // chunk whole on FerretDB (21 MB for a province) just to leave their text out.
    const head = await catalogueYearsOf(this.conn).findOne({ _id: String(fiscalYear) });
    if (head?.token) {
      const projects: T[] = [];
      let n = 0;
      for (; n < head.chunks; n++) {
        const chunk = await col.findOne({ _id: `${fiscalYear}:${head.token}:${n}` });
        if (!chunk) break; // replaced meanwhile by an import at the same time: listed below
        for (const p of JSON.parse(chunk.json) as ParsedProject[]) projects.push(pick(p));
      }
      if (n === head.chunks) return projects;
    }
    for (let attempt = 0; attempt < 3; attempt++) {
      const heads = await col.find({ year: fiscalYear }, { projection: { json: 0 } }).toArray();
      const byToken = new Map<string, Omit<CatalogueSnapshotDoc, 'json'>[]>();
      for (const d of heads) byToken.set(d.token, [...(byToken.get(d.token) ?? []), d]);
      const complete = [...byToken.values()]
        .filter((chunks) => chunks.length === chunks[0].chunks)
        .sort((a, b) => b[0].writtenAt.getTime() - a[0].writtenAt.getTime());
      if (complete.length === 0) return null;
      const projects: T[] = [];
      let whole = true;
      for (const head of complete[0].sort((a, b) => a.n - b.n)) {
        const chunk = await col.findOne({ _id: head._id });
        if (!chunk) {
          whole = false;
          break;
        }
        for (const p of JSON.parse(chunk.json) as ParsedProject[]) projects.push(pick(p));
      }
      if (whole) return projects;
    }
    return null;
  }

  /** load, from the projects and indicators themselves. */
  async loadDocuments(fiscalYear: number): Promise<ParsedCatalogue> {
    const projects = await this.projects({ fiscalYear });
    const indicators = await this.indicators({ fiscalYear });
    const byProject = new Map<string, IndicatorDoc[]>();
    for (const i of indicators) byProject.set(i.projectId, [...(byProject.get(i.projectId) ?? []), i]);
    return {
      fiscalYear,
      problems: [],
      projects: projects.map((p): ParsedProject => ({
        id: p._id,
        name: p.name,
        tableKind: p.tableKind,
        budgetUnit: p.budgetUnit,
        line: p.line,
        funds: p.funds,
        goal: p.goal,
        indicators: (byProject.get(p._id) ?? []).map((i) => ({
          id: i._id,
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

  /** The token the last import wrote (one small document by `_id`); null before any import wrote one. */
  async catalogueToken(): Promise<string | null> {
    return (await catalogueVersionOf(this.conn).findOne({ _id: 'catalogue' }))?.token ?? null;
  }

  async owners(): Promise<OwnersDoc | null> {
    return ownersOf(this.conn).findOne({ _id: 'owners' });
  }

  /**
   * The catalogue's version: services reload when it moves. Every import writes a new token
   * (one document read by `_id`); a store no import has written one to yet is versioned by
   * its latest `updatedAt`, which costs a scan of the catalogue.
   */
  async lastChange(): Promise<string> {
    const token = await this.catalogueToken();
    if (token !== null) return `token:${token}`;
    return `scan:${await this.lastUpdate()}`;
  }

  private async lastUpdate(): Promise<number> {
    const [p, i, o] = await Promise.all([
      projectsOf(this.conn)
        .find({}, { projection: { updatedAt: 1 } })
        .sort({ updatedAt: -1 })
        .limit(1)
        .toArray(),
      indicatorsOf(this.conn)
        .find({}, { projection: { updatedAt: 1 } })
        .sort({ updatedAt: -1 })
        .limit(1)
        .toArray(),
      ownersOf(this.conn).findOne({ _id: 'owners' }, { projection: { updatedAt: 1 } }),
    ]);
    return Math.max(p[0]?.updatedAt?.getTime() ?? 0, i[0]?.updatedAt?.getTime() ?? 0, o?.updatedAt?.getTime() ?? 0);
  }
}
