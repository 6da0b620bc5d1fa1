/**
 * Which stored project ids of the form before agencies (`2019.<project>`) become which ids of
 * a freshly read catalogue (`2019.<agency>.<project>`). Pure: the import's migration
 * (libs/mongo catalogue-migration.ts) applies it. The legacy ids are computed the way the
 * reader computed them then: per file, a repeated project name got `_2`, `_3` …; a project
 * whose legacy id an earlier file already gave was left out of that import, so it maps nothing.
 */
import { disambiguator } from './catalogue';
import { legacyProjectId } from './ids';
import type { ParsedCatalogue } from './target';

export interface LegacyProjectId {
  /** The stored id of the form before agencies. */
  from: string;
  /** The id the fresh catalogue gives that project. */
  to: string;
  /** The project's 预算单位 as in the table. */
  budgetUnit: string;
}

export function legacyProjectIds(fresh: Pick<ParsedCatalogue, 'fiscalYear' | 'projects'>): LegacyProjectId[] {
  const perFile = new Map<string, ReturnType<typeof disambiguator>>();
  const taken = new Set<string>();
  const out: LegacyProjectId[] = [];
  for (const p of fresh.projects) {
    const key = p.file ?? '';
    let ids = perFile.get(key);
    if (!ids) perFile.set(key, (ids = disambiguator()));
    const from = ids(legacyProjectId(fresh.fiscalYear, p.name)).id;
    if (taken.has(from)) continue;
    taken.add(from);
    if (from !== p.id) out.push({ from, to: p.id, budgetUnit: p.budgetUnit });
  }
  return out;
}
