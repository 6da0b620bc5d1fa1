import { parseClockSpec } from '@iw/clock';
import { CatalogueRepository, FiscalYearRepository } from '@iw/mongo';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import { group, parseYear, type CliCommand } from './command';
import { appendCliAudit, defaultActor } from './audit';
import { cliConfig, withMongo } from './context';

/**
 * `iw years list` and `iw years close <year>`: several fiscal years are tracked at once (each
 * event counts in the year of its date); closing one makes ingest send its late events to the
 * DLQ (`year_closed`). Closing is recorded once (claimByInsert) and appended to the audit log.
 */

export async function listYears(options: { json?: boolean }, io: CliIo): Promise<void> {
  const config = cliConfig();
  const rows = await withMongo(config, async (conn) => {
    const [years, closed] = await Promise.all([
      new CatalogueRepository(conn).fiscalYears(),
      new FiscalYearRepository(conn).closed(),
    ]);
    const byYear = new Map(closed.map((c) => [c.year, c]));
    return [...new Set([...years, ...byYear.keys()])]
      .sort((a, b) => b - a)
      .map((year) => {
        const c = byYear.get(year);
        return {
          year,
          inCatalogue: years.includes(year),
          closed: c ? { at: c.closedAt.toISOString(), by: c.closedBy } : null,
        };
      });
  });
  if (options.json) return io.out(JSON.stringify(rows, null, 2) + '\n');
  if (rows.length === 0) return io.out('no fiscal years: import a target table first\n');
  for (const r of rows)
    io.out(
      `${r.year}  ${r.closed ? `closed ${r.closed.at} by ${r.closed.by}` : 'open'}${r.inCatalogue ? '' : '  (not in the catalogue)'}\n`,
    );
}

export async function closeYear(year: number, options: { by?: string }, io: CliIo): Promise<void> {
  const config = cliConfig();
  const by = options.by?.trim() || defaultActor();
  const now = parseClockSpec(config.clock).now();
  const result = await withMongo(config, async (conn) => {
    if (!(await new CatalogueRepository(conn).fiscalYears()).includes(year))
      throw new CliError(`no fiscal year ${year} in the catalogue (npx iw years list)`);
    const r = await new FiscalYearRepository(conn).close(year, by, new Date(now));
    if (r.closed)
      await appendCliAudit(conn, {
        by,
        action: 'close_year',
        target: String(year),
        at: new Date(now),
        before: { closed: false },
        after: { closed: true },
      });
    return r;
  });
  if (!result.closed)
    return io.out(
      `fiscal year ${year} was already closed at ${result.doc.closedAt.toISOString()} by ${result.doc.closedBy}\n`,
    );
  io.out(
    `fiscal year ${year} closed by ${by}: ingest sends events dated in ${year} to the DLQ (year_closed) from its next catalogue check on\n`,
  );
}

export const yearsCommand: CliCommand = {
  name: 'years',
  register(program, io) {
    const years = group(
      program,
      'years',
      'fiscal years: several are tracked at once; a closed one takes no more events',
    );
    years
      .command('list')
      .description('the fiscal years in the catalogue, open or closed')
      .option('--json', 'print JSON')
      .action((options: { json?: boolean }) => listYears(options, io));
    years
      .command('close <year>')
      .description('close a fiscal year: its late events then go to the DLQ (year_closed)')
      .option('--by <name>', 'who closes it (audit log); default cli:<user>')
      .action((year: string, options: { by?: string }) => closeYear(parseYearArg(year), options, io));
  },
};

function parseYearArg(value: string): number {
  try {
    return parseYear(value);
  } catch (e) {
    throw new CliError(`year: ${(e as Error).message}`);
  }
}
