/**
 * Owners file (YAML or JSON): who is emailed about which indicator.
 *
 *   fallback: ops@example.gov.cn
 *   projects:
 *     工商行政管理业务费: [gongshang@example.gov.cn]
 *   indicators:
 *     工商行政管理业务费/案件办结率: [anjian@example.gov.cn]     # <project>/<indicator>
 *     2019.某局.工商行政管理业务费.案件办结率: [anjian@example.gov.cn]  # or a catalogue id
 *
 * Resolution: indicator entry (its own id, then the indicator a compound part belongs
 * to) → project entry → fallback. Names match the way ids do (idSegment), so spaces and
 * bracket styles do not matter; `<project>/<indicator>` keys apply to every year. A catalogue
 * id of the form before agencies (`2019.<project>.<indicator>`) still names its indicator.
 */
import { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import { idSegment } from './ids';
import type { ParsedCatalogue, Problem } from './target';

export interface Owners {
  fallback: string;
  projects: Record<string, string[]>;
  indicators: Record<string, string[]>;
}

export type OwnersFormat = 'yaml' | 'json';

export class OwnersError extends Error {
  constructor(
    message: string,
    /** Where in the file, e.g. `projects.工商行政管理业务费[1]`. */
    readonly path: string,
  ) {
    super(path ? `${path}: ${message}` : message);
    this.name = 'OwnersError';
  }
}

// Deliberately plain: one address, no display name, no CR/LF (header injection).
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/;

/** One plain address (no display name, no line break): the owners file's rule, also the people directory's. */
export function isEmailAddress(s: string): boolean {
  return !/[\r\n]/.test(s) && EMAIL.test(s.trim());
}

const email = z.string().superRefine((s, ctx) => {
  if (/[\r\n]/.test(s)) ctx.addIssue({ code: 'custom', message: 'address contains a line break' });
  else if (!EMAIL.test(s.trim()))
    ctx.addIssue({ code: 'custom', message: `not an email address: ${JSON.stringify(s)}` });
});
const emails = z.union([email.transform((e) => [e]), z.array(email).min(1, 'at least one address')]);

const schema = z
  .object({
    fallback: email,
    projects: z.record(z.string().min(1), emails).default({}),
    indicators: z.record(z.string().min(1), emails).default({}),
  })
  .strict();

const ID_KEY = /^\d{4}\./;

function pathOf(path: PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    '',
  );
}

export function parseOwners(text: string, format: OwnersFormat): Owners {
  let data: unknown;
  try {
    data = format === 'json' ? JSON.parse(text) : parseYaml(text);
  } catch (e) {
    throw new OwnersError(`not valid ${format.toUpperCase()}: ${(e as Error).message.split('\n')[0]}`, '');
  }
  const parsed = schema.safeParse(data ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const msg = issue.code === 'unrecognized_keys' ? `unknown key(s) ${issue.keys.join(', ')}` : issue.message;
    throw new OwnersError(msg, pathOf(issue.path));
  }
  for (const k of Object.keys(parsed.data.indicators)) {
    if (!ID_KEY.test(k) && !k.includes('/'))
      throw new OwnersError('key must be <project name>/<indicator name> or an indicator id', `indicators.${k}`);
  }
  const trim = (r: Record<string, string[]>) =>
    Object.fromEntries(Object.entries(r).map(([k, v]) => [k, v.map((e) => e.trim())]));
  return {
    fallback: parsed.data.fallback.trim(),
    projects: trim(parsed.data.projects),
    indicators: trim(parsed.data.indicators),
  };
}

/** `owners.yaml` / `.yml` / `.json` → format. */
export function ownersFormatOf(fileName: string): OwnersFormat {
  return /\.json$/i.test(fileName) ? 'json' : 'yaml';
}

/**
 * `2019.单位.项目.指标~期` of project `项目` → the parent id (without the part), its id of the
 * form before agencies (`2019.项目.指标`), and `项目指标` (what a `<project>/<indicator>` key reads as).
 */
function splitId(id: string, projectName: string): { byName: string; parent: string; legacy: string } {
  const parent = id.replace(/~[^~]*$/, '');
  const indicator = parent.slice(parent.lastIndexOf('.') + 1);
  const year = /^\d{4}/.exec(parent)?.[0] ?? '';
  return {
    byName: idSegment(projectName) + idSegment(indicator),
    parent,
    legacy: `${year}.${idSegment(projectName)}.${indicator}`,
  };
}

function unique(list: string[]): string[] {
  return [...new Set(list)];
}

/** The keys of an owners book by id segment, the first key of each segment winning (the book's order). */
interface OwnersIndex {
  indicatorsByName: Map<string, string[]>;
  projects: Map<string, string[]>;
}

/**
 * Built once per owners book (which is never changed once parsed): a province's book has
 * thousands of projects, and matching each notice's project against every key by its id
 * segment was most of a first sweep's CPU and garbage.
 */
const indexes = new WeakMap<Owners, OwnersIndex>();

function indexOf(owners: Owners): OwnersIndex {
  let index = indexes.get(owners);
  if (!index) {
    const firstBySegment = (entries: Array<[string, string[]]>) => {
      const out = new Map<string, string[]>();
      for (const [k, v] of entries) {
        const segment = idSegment(k);
        if (!out.has(segment)) out.set(segment, v);
      }
      return out;
    };
    index = {
      indicatorsByName: firstBySegment(Object.entries(owners.indicators).filter(([k]) => !ID_KEY.test(k))),
      projects: firstBySegment(Object.entries(owners.projects)),
    };
    indexes.set(owners, index);
  }
  return index;
}

export function ownersFor(owners: Owners, projectName: string, indicatorIdValue: string): string[] {
  const { byName, parent, legacy } = splitId(indicatorIdValue, projectName);
  for (const id of unique([indicatorIdValue, parent, legacy])) {
    if (owners.indicators[id]) return unique(owners.indicators[id]);
  }
  const index = indexOf(owners);
  const byIndicatorName = index.indicatorsByName.get(byName);
  if (byIndicatorName) return unique(byIndicatorName);
  const project = index.projects.get(idSegment(projectName));
  if (project) return unique(project);
  return [owners.fallback];
}

/** Entries that name no project or indicator of the catalogue (typos), as warnings. */
export function checkOwners(owners: Owners, catalogue: ParsedCatalogue): Problem[] {
  const out: Problem[] = [];
  const projects = new Set(catalogue.projects.map((p) => idSegment(p.name)));
  const ids = new Set<string>();
  const names = new Set<string>();
  for (const p of catalogue.projects)
    for (const i of p.indicators) {
      ids.add(i.id);
      ids.add(splitId(i.id, p.name).legacy);
      names.add(idSegment(p.name) + idSegment(i.name));
    }
  for (const k of Object.keys(owners.projects))
    if (!projects.has(idSegment(k)))
      out.push({ line: 0, severity: 'warning', message: `owners: projects.${k} names no project of the table` });
  for (const k of Object.keys(owners.indicators)) {
    const known = ID_KEY.test(k) ? ids.has(k.replace(/~[^~]*$/, '')) : names.has(idSegment(k));
    if (!known)
      out.push({ line: 0, severity: 'warning', message: `owners: indicators.${k} names no indicator of the table` });
  }
  return out;
}
