/**
 * What `iw targets import` changes: the stored catalogue against a freshly parsed one.
 * Pure, so that the MongoDB step only applies the result: insert `added`, update
 * `updated` in place (progress is keyed by id and kept), set `archived`, unset it for
 * `revived`. Only the fiscal years present in the fresh catalogue are in scope: importing
 * the 2020 table never archives 2019's indicators.
 */
import type {
  Funds,
  FundsByNature,
  MainTask,
  ParsedCatalogue,
  ParsedIndicator,
  ParsedProject,
  TableKind,
  Target,
} from './target';

export interface StoredProject {
  id: string;
  fiscalYear: number;
  name: string;
  tableKind: TableKind;
  budgetUnit: string;
  line: number;
  funds: Funds;
  goal: string;
  sheet?: string;
  fundsByNature?: FundsByNature;
  functions?: string;
  tasks?: MainTask[];
  archived?: boolean;
}

export interface StoredIndicator {
  id: string;
  projectId: string;
  fiscalYear: number;
  line: number;
  level1: string;
  level2: string;
  name: string;
  value: string;
  target: Target;
  sheet?: string;
  note?: string;
  weight?: number;
  archived?: boolean;
}

export interface StoredCatalogue {
  projects: StoredProject[];
  indicators: StoredIndicator[];
}

export type IndicatorField = 'target' | 'value' | 'level1' | 'level2' | 'line' | 'name' | 'sheet' | 'note' | 'weight';
export type ProjectField =
  'name' | 'tableKind' | 'budgetUnit' | 'line' | 'funds' | 'goal' | 'sheet' | 'fundsByNature' | 'functions' | 'tasks';

export interface Change<S, F, K> {
  before: S;
  after: F;
  /** Fields that differ; empty for a revived item that came back unchanged. */
  fields: K[];
}

export interface FreshIndicator extends ParsedIndicator {
  projectId: string;
  fiscalYear: number;
}

export interface FreshProject extends Omit<ParsedProject, 'indicators'> {
  fiscalYear: number;
}

export interface DiffOf<S, F, K> {
  added: F[];
  updated: Array<Change<S, F, K>>;
  unchanged: F[];
  /** Stored, not archived, gone from the table: to archive (never delete). */
  archived: S[];
  /** Stored as archived and back in the table (possibly changed). */
  revived: Array<Change<S, F, K>>;
}

export interface CatalogueDiff {
  projects: DiffOf<StoredProject, FreshProject, ProjectField>;
  indicators: DiffOf<StoredIndicator, FreshIndicator, IndicatorField>;
}

/** Key-order-independent structural equality for plain data (targets, funds). */
export function sameData(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a).filter((k) => (a as Record<string, unknown>)[k] !== undefined);
  const kb = Object.keys(b).filter((k) => (b as Record<string, unknown>)[k] !== undefined);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => sameData((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function diffOf<
  S extends { id: string; fiscalYear: number; archived?: boolean },
  F extends { id: string },
  K extends string,
>(stored: S[], fresh: F[], years: Set<number>, fields: readonly K[]): DiffOf<S, F, K> {
  const byId = new Map(stored.map((s) => [s.id, s]));
  const freshIds = new Set(fresh.map((f) => f.id));
  const out: DiffOf<S, F, K> = { added: [], updated: [], unchanged: [], archived: [], revived: [] };
  for (const f of fresh) {
    const s = byId.get(f.id);
    if (!s) {
      out.added.push(f);
      continue;
    }
    const changed = fields.filter(
      (k) => !sameData((s as Record<string, unknown>)[k], (f as Record<string, unknown>)[k]),
    );
    if (s.archived) out.revived.push({ before: s, after: f, fields: changed });
    else if (changed.length) out.updated.push({ before: s, after: f, fields: changed });
    else out.unchanged.push(f);
  }
  for (const s of stored) if (!s.archived && years.has(s.fiscalYear) && !freshIds.has(s.id)) out.archived.push(s);
  return out;
}

const INDICATOR_FIELDS: readonly IndicatorField[] = [
  'target',
  'value',
  'level1',
  'level2',
  'line',
  'name',
  'sheet',
  'note',
  'weight',
];
const PROJECT_FIELDS: readonly ProjectField[] = [
  'name',
  'tableKind',
  'budgetUnit',
  'line',
  'funds',
  'goal',
  'sheet',
  'fundsByNature',
  'functions',
  'tasks',
];

export function diffCatalogue(stored: StoredCatalogue, fresh: ParsedCatalogue): CatalogueDiff {
  const years = new Set([fresh.fiscalYear]);
  const projects: FreshProject[] = fresh.projects.map(({ indicators: _indicators, ...p }) => ({
    ...p,
    fiscalYear: fresh.fiscalYear,
  }));
  const indicators: FreshIndicator[] = fresh.projects.flatMap((p) =>
    p.indicators.map((i) => ({ ...i, projectId: p.id, fiscalYear: fresh.fiscalYear })),
  );
  return {
    projects: diffOf(stored.projects, projects, years, PROJECT_FIELDS),
    indicators: diffOf(stored.indicators, indicators, years, INDICATOR_FIELDS),
  };
}

/** True when applying the diff would change nothing (a re-import of the same file). */
export function isEmptyDiff(d: CatalogueDiff): boolean {
  return [d.projects, d.indicators].every(
    (x) => !x.added.length && !x.updated.length && !x.archived.length && !x.revived.length,
  );
}
