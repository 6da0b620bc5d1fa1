import { ownersFor, type Owners } from '@iw/targets';
import { normaliseEmail, type Person, type PersonRecord } from './person';

/**
 * The people directory as authorization sees it: the people file / `iw people` entries, plus
 * every address of the owners file as an owner of the agencies of what they own. An entry
 * overrides (name, role, agency); a removed entry shuts the address out even if the owners file
 * still names it.
 */

export interface DirectoryEntry extends PersonRecord {
  /** Links and sessions from before this instant (epoch ms) are refused; 0 when never revoked. */
  linksValidFrom: number;
  removed: boolean;
  /** Not a directory entry: only the link state (revocation) of an address the owners file names. */
  linkStateOnly?: boolean;
}

/** What the directory needs of the catalogue. */
export interface CatalogueFacts {
  projects: ReadonlyArray<{ id: string; name: string; agency: string }>;
  indicators: ReadonlyArray<{ id: string; projectId: string }>;
}

/**
 * The catalogue's side of the directory: which agency each project is of, who owns each unit, and
 * so which agencies each owners-file address is an owner of. It changes only with the catalogue
 * (an import), so a service builds it once per catalogue version and pairs it with the people
 * entries as often as it reads those (on a province, reading the 100,000 indicators again took
 * about 20 s on FerretDB).
 */
export class Ownership {
  private readonly projects: Map<string, { name: string; agency: string }>;
  private readonly agencies: Set<string>;
  private readonly ownersMemo = new Map<string, string[]>();
  /** Each owners-file address (lower case) and the agencies of what it owns, sorted. */
  readonly implicit = new Map<string, string[]>();

  constructor(
    private readonly owners: Owners | null,
    facts: CatalogueFacts,
  ) {
    this.projects = new Map(facts.projects.map((p) => [p.id, { name: p.name, agency: p.agency }]));
    this.agencies = new Set(facts.projects.map((p) => p.agency));
    const implicit = new Map<string, Set<string>>();
    for (const i of facts.indicators) {
      const agency = this.projects.get(i.projectId)?.agency;
      if (agency === undefined) continue;
      // Not memoised here: a province's 100,000 keys would stay for good, most never asked for.
      for (const email of this.ownersNow(i.id, i.projectId)) {
        if (!implicit.has(email)) implicit.set(email, new Set());
        implicit.get(email)!.add(agency);
      }
    }
    for (const [email, agencies] of implicit) this.implicit.set(email, [...agencies].sort());
  }

  agencyOfProject(projectId: string): string | null {
    return this.projects.get(projectId)?.agency ?? null;
  }

  /** Whether some project of the catalogue (any year) belongs to this agency (预算单位). */
  knowsAgency(agency: string): boolean {
    return this.agencies.has(agency.trim());
  }

  /**
   * Owners (lower case) of a tracked unit — an indicator, a compound part (`…~label`: its
   * indicator's), a budget track (the project's) — as alerting routes its mail.
   */
  ownersOf(unitId: string, projectId: string): string[] {
    const key = `${projectId}|${unitId}`;
    let out = this.ownersMemo.get(key);
    if (!out) {
      out = this.ownersNow(unitId, projectId);
      this.ownersMemo.set(key, out);
    }
    return out;
  }

  private ownersNow(unitId: string, projectId: string): string[] {
    const project = this.projects.get(projectId);
    return this.owners && project ? [...new Set(ownersFor(this.owners, project.name, unitId).map(normaliseEmail))] : [];
  }
}

export class Directory {
  private readonly byEmail = new Map<string, Person>();

  constructor(
    entries: readonly DirectoryEntry[],
    private readonly ownership: Ownership,
  ) {
    for (const [email, agencies] of ownership.implicit)
      this.byEmail.set(email, {
        email,
        name: email,
        role: 'owner',
        agencies,
        source: 'owners',
        linksValidFrom: 0,
      });
    for (const e of entries) {
      const email = normaliseEmail(e.email);
      if (e.removed) {
        this.byEmail.delete(email);
        continue;
      }
      if (e.linkStateOnly) {
        const known = this.byEmail.get(email);
        if (known) this.byEmail.set(email, { ...known, linksValidFrom: e.linksValidFrom });
        continue;
      }
      this.byEmail.set(email, {
        email,
        name: e.name,
        role: e.role,
        agencies: e.role === 'admin' ? [] : e.agency ? [e.agency] : [],
        source: 'directory',
        linksValidFrom: e.linksValidFrom,
      });
    }
  }

  /** The person with this address, or null (unknown or removed). */
  person(email: string): Person | null {
    return this.byEmail.get(normaliseEmail(email)) ?? null;
  }

  people(): Person[] {
    return [...this.byEmail.values()].sort((a, b) => a.email.localeCompare(b.email));
  }

  agencyOfProject(projectId: string): string | null {
    return this.ownership.agencyOfProject(projectId);
  }

  /** Whether some project of the catalogue (any year) belongs to this agency (预算单位). */
  knowsAgency(agency: string): boolean {
    return this.ownership.knowsAgency(agency);
  }

  /** Owners (lower case) of a tracked unit (Ownership.ownersOf). */
  ownersOf(unitId: string, projectId: string): string[] {
    return this.ownership.ownersOf(unitId, projectId);
  }
}
