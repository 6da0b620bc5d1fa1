/**
 * A folder of target tables as one catalogue: every file's projects and problems, each naming
 * its `file`. The files must be of one fiscal year; a project id found in two files is an error
 * (the second file's project is left out, never merged into the first).
 */
import type { ParsedCatalogue, Problem } from './target';

export interface CatalogueFile {
  /** As shown to people: the file's name within the folder. */
  file: string;
  catalogue: ParsedCatalogue;
}

export function mergeCatalogues(files: readonly CatalogueFile[]): ParsedCatalogue {
  if (files.length === 0) throw new RangeError('mergeCatalogues: no files');
  const fiscalYear = files[0].catalogue.fiscalYear;
  const projects: ParsedCatalogue['projects'] = [];
  const problems: Problem[] = [];
  const seen = new Map<string, string>();
  for (const { file, catalogue } of files) {
    for (const p of catalogue.problems) problems.push({ ...p, file });
    if (catalogue.fiscalYear !== fiscalYear) {
      problems.push({
        file,
        line: 1,
        severity: 'error',
        message: `fiscal year ${catalogue.fiscalYear}, but ${files[0].file} is ${fiscalYear}: import one year at a time`,
      });
      continue;
    }
    for (const p of catalogue.projects) {
      const first = seen.get(p.id);
      if (first !== undefined) {
        problems.push({
          file,
          ...(p.sheet === undefined ? {} : { sheet: p.sheet }),
          line: p.line,
          severity: 'error',
          message: `project 「${p.name}」 is also in ${first} (same id ${p.id}); left out`,
        });
        continue;
      }
      seen.set(p.id, file);
      projects.push({ ...p, file });
    }
  }
  return { fiscalYear, projects, problems };
}
