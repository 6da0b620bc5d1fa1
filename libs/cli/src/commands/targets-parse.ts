/**
 * `iw targets parse <file> [--year N] [--json]`: read a target table (.txt/.tsv dump, .csv
 * or .xlsx) and show what was read — per project, indicator counts by shape and the
 * problems with their lines — or print the catalogue as JSON (a fixed, documented shape).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { localDate, SystemClock } from '@iw/clock';
import {
  catalogueJson,
  mergeCatalogues,
  readTargetFile,
  summarize,
  TARGET_KINDS,
  TargetFileError,
  type ParsedCatalogue,
  type Problem,
} from '@iw/targets';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import { cliConfig } from './context';
import { group, parseYear, type CliCommand } from './command';

export interface ParseOptions {
  year?: number;
  json?: boolean;
}

/** The file → catalogue step shared by `targets` commands; unreadable files become CliErrors. */
export async function loadCatalogue(file: string, year?: number): Promise<ParsedCatalogue> {
  try {
    // Only when neither --year nor the table names a year; the reader reports it as an error.
    const today = localDate(new SystemClock().now(), cliConfig().timeZone);
    const fallbackYear = Number(today.slice(0, 4));
    return await readTargetFile(file, { fiscalYear: year, fallbackYear });
  } catch (e) {
    if (e instanceof TargetFileError) throw new CliError(e.message);
    throw e;
  }
}

/** What a folder of tables holds: the files read, by extension. */
const TABLE_FILE = /\.(txt|tsv|csv|xlsx)$/i;

/**
 * A table file, or a folder of them (`.txt`, `.tsv`, `.csv`, `.xlsx`, not recursive, in name
 * order) as one catalogue whose projects and problems name their file. A file in the folder
 * that is no target table is skipped with a warning.
 */
export async function loadTables(file: string, year?: number): Promise<ParsedCatalogue> {
  let dir = false;
  try {
    dir = fs.statSync(file).isDirectory();
  } catch {
    // loadCatalogue says why
  }
  if (!dir) return loadCatalogue(file, year);
  const names = fs
    .readdirSync(file, { withFileTypes: true })
    .filter((e) => e.isFile() && TABLE_FILE.test(e.name))
    .map((e) => e.name)
    .sort();
  if (names.length === 0) throw new CliError(`${file}: no target tables (.txt, .tsv, .csv, .xlsx) in the folder`);
  const files: Array<{ file: string; catalogue: ParsedCatalogue }> = [];
  const skipped: Problem[] = [];
  for (const name of names) {
    try {
      files.push({ file: name, catalogue: await loadCatalogue(path.join(file, name), year) });
    } catch (e) {
      if (!(e instanceof CliError)) throw e;
      skipped.push({
        file: name,
        line: 1,
        severity: 'warning',
        message: `${e.message.replace(/^.*?: /, '')}; skipped`,
      });
    }
  }
  if (files.length === 0) throw new CliError(`${file}: none of its ${names.length} files is a target table`);
  const merged = mergeCatalogues(files);
  return { ...merged, problems: [...skipped, ...merged.problems] };
}

const SEVERITY_WIDTH = 7;

/** `line 12`, `sheet 表1 line 12` in a workbook, `a.csv line 12` in a folder. */
function where(x: { file?: string; sheet?: string; line: number }, width = 0): string {
  const line = `line ${String(x.line).padStart(width)}`;
  const sheet = x.sheet === undefined ? line : `sheet ${x.sheet} ${line}`;
  return x.file === undefined ? sheet : `${x.file} ${sheet}`;
}

function problemLine(p: Problem): string {
  return `    ${where(p, 4)}  ${p.severity.padEnd(SEVERITY_WIDTH)}  ${p.message}`;
}

function kinds(byKind: Partial<Record<string, number>>): string {
  return (
    TARGET_KINDS.filter((k) => byKind[k])
      .map((k) => `${k} ${byKind[k]}`)
      .join(', ') || 'none'
  );
}

export function formatSummary(file: string, c: ParsedCatalogue): string {
  const s = summarize(c);
  const lines: string[] = [];
  const count = (sev: string) => c.problems.filter((p) => p.severity === sev).length;
  lines.push(`${file}: fiscal year ${s.fiscalYear}, ${s.projects.length} projects, ${s.indicators} indicators`);
  lines.push(`  by shape: ${kinds(s.byKind)}`);
  lines.push(`  problems: ${count('error')} errors, ${count('warning')} warnings, ${count('info')} info`);
  for (const p of s.problems) lines.push(problemLine(p));
  for (const { project, byKind, problems } of s.projects) {
    const funds = project.funds.total === null ? '' : `, ${project.funds.total} 万元`;
    lines.push('');
    lines.push(`${where(project)}  ${project.name}  (${project.tableKind}${funds})`);
    lines.push(`    ${project.indicators.length} indicators: ${kinds(byKind)}`);
    for (const p of problems) lines.push(problemLine(p));
  }
  return lines.join('\n') + '\n';
}

export async function targetsParse(file: string, options: ParseOptions, io: CliIo): Promise<void> {
  const catalogue = await loadTables(file, options.year);
  if (options.json) io.out(JSON.stringify(catalogueJson(catalogue), null, 2) + '\n');
  else io.out(formatSummary(file, catalogue));
}

export const targetsParseCommand: CliCommand = {
  name: 'targets parse',
  register(program, io) {
    group(program, 'targets', 'the target catalogue (绩效目标表)')
      .command('parse')
      .description('read a target table (.txt tab-separated dump, .csv or .xlsx) and show what was read')
      .argument('<file>', 'the target table, or a folder of them')
      .option('--year <year>', 'fiscal year, when the table does not say', parseYear)
      .option('--json', 'print the catalogue as JSON')
      .action((file: string, options: ParseOptions) => targetsParse(file, options, io));
  },
};
