import { parseClockSpec, WALL_CLOCK } from '@iw/clock';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { importCatalogue, type ImportResult } from '@iw/mongo';
import { checkOwners, ownersFormatOf, OwnersError, parseOwners, type Owners, type ParsedCatalogue } from '@iw/targets';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import { group, parseYear, type CliCommand } from './command';
import { cliConfig, withMongo } from './context';
import { loadTables } from './targets-parse';

interface ImportOptions {
  year?: number;
  owners?: string;
}

export function readOwnersFile(file: string, catalogue?: ParsedCatalogue): { owners: Owners; warnings: string[] } {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read owners file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    const owners = parseOwners(text, ownersFormatOf(file));
    const warnings = catalogue ? checkOwners(owners, catalogue).map((p) => `${file}: ${p.message}`) : [];
    return { owners, warnings };
  } catch (e) {
    if (e instanceof OwnersError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

export function formatImport(file: string, c: ParsedCatalogue, r: ImportResult): string {
  const d = r.diff;
  const lines = [`${path.basename(file)} → fiscal year ${c.fiscalYear}`];
  const row = (what: string, x: typeof d.projects | typeof d.indicators) =>
    `  ${what}: ${x.added.length} added, ${x.updated.length} updated, ${x.revived.length} revived, ${x.archived.length} archived, ${x.unchanged.length} unchanged`;
  lines.push(row('projects  ', d.projects), row('indicators', d.indicators));
  for (const u of d.indicators.updated) lines.push(`  ~ ${u.after.id} (${u.fields.join(', ')})`);
  for (const a of d.indicators.added.slice(0, 50)) lines.push(`  + ${a.id}`);
  if (d.indicators.added.length > 50) lines.push(`  + … ${d.indicators.added.length - 50} more`);
  for (const a of d.indicators.archived) lines.push(`  - ${a.id} (archived; progress kept)`);
  for (const a of d.indicators.revived) lines.push(`  ↺ ${a.after.id} (revived)`);
  if (r.ownersStored) lines.push('  owners stored');
  const problems = c.problems.filter((p) => p.severity !== 'info');
  if (problems.length) lines.push(`  ${problems.length} problem(s) in the table: see \`iw targets parse ${file}\``);
  return lines.join('\n') + '\n';
}

export async function targetsImport(file: string, options: ImportOptions, io: CliIo): Promise<void> {
  const catalogue = await loadTables(file, options.year);
  if (catalogue.problems.some((p) => p.severity === 'error')) {
    const first = catalogue.problems.find((p) => p.severity === 'error')!;
    const at = first.file === undefined ? file : path.join(file, first.file);
    throw new CliError(
      `${at}: line ${first.line}: ${first.message} — fix the table or check it with \`iw targets parse\``,
    );
  }
  const owners = options.owners ? readOwnersFile(options.owners, catalogue) : undefined;
  for (const w of owners?.warnings ?? []) io.err(`warning: ${w}\n`);
  const config = cliConfig();
  const result = await withMongo(config, (conn) =>
    importCatalogue(conn, catalogue, {
      sourceFile: path.resolve(file),
      owners: owners?.owners,
      now: new Date(WALL_CLOCK.now()),
      // Changed targets are valid from the services' clock on (a back-dated 绩效监控表 reads the old ones before).
      validFrom: new Date(parseClockSpec(config.clock).now()),
      // Stored ids of the form before agencies (`2019.<project>…`) become `2019.<agency>.<project>…`.
      log: (line) => io.err(`${line}\n`),
    }),
  );
  io.out(formatImport(file, catalogue, result));
}

export const targetsImportCommand: CliCommand = {
  name: 'targets import',
  register(program, io) {
    group(program, 'targets', 'the target catalogue (绩效目标表)')
      .command('import')
      .description(
        'upsert a target table into MongoDB (ids are stable: progress is kept; removed indicators are archived)',
      )
      .argument('<file>', 'the target table (.txt, .csv or .xlsx), or a folder of them (one fiscal year)')
      .option('--year <year>', 'fiscal year, when the table does not say', parseYear)
      .option('--owners <file>', 'owners file (YAML or JSON): project → emails, per-indicator overrides, fallback')
      .action((file: string, options: ImportOptions) => targetsImport(file, options, io));
  },
};
