import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseClockSpec, WALL_CLOCK } from '@iw/clock';
import { BindingsProvider, EmptyCatalogueError, loadAgencyReportInput, NoSuchAgencyError } from '@iw/mongo';
import { agencyReportXlsx, buildAgencyReport, ReportDateError } from '@iw/report';
import { readPacePlan, riskConfigOf } from '@iw/risk';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import { parseYear, type CliCommand } from './command';
import { cliConfig, withMongo } from './context';

/**
 * `iw report --agency <name> --as-of <date> --format xlsx|json --out <file>`: the department
 * 绩效监控表 as the status API serves it (GET /api/agencies/:id/monitoring-report), read from
 * MongoDB with the same loader, judged at the services' clock (IW_CLOCK) with the pace file.
 */

interface ReportOptions {
  agency: string;
  year?: number;
  asOf?: string;
  format: string;
  out?: string;
}

export async function writeAgencyReport(options: ReportOptions, io: CliIo): Promise<void> {
  if (options.format !== 'xlsx' && options.format !== 'json')
    throw new CliError(`--format must be xlsx or json, got ${JSON.stringify(options.format)}`);
  if (options.format === 'xlsx' && !options.out) throw new CliError('--format xlsx needs --out <file>');
  const config = cliConfig();
  const now = parseClockSpec(config.clock).now();
  const riskConfig = riskConfigOf(readPacePlan(config.files.pace), { noDataGraceMs: config.alerting.noDataGraceMs });
  const report = await withMongo(config, async (conn) => {
    try {
      const years = await BindingsProvider.fromConfig(conn, config).years(WALL_CLOCK.now());
      const bindings = options.year === undefined ? years.newest : years.byYear.get(options.year);
      if (!bindings) throw new CliError(`no fiscal year ${options.year} in the catalogue (npx iw years list)`);
      const input = await loadAgencyReportInput(conn, {
        agency: options.agency.trim(),
        fiscalYear: bindings.fiscalYear,
        units: bindings.units,
        asOf: options.asOf,
        now,
        timeZone: config.timeZone,
      });
      return buildAgencyReport({ ...input, riskConfig });
    } catch (e) {
      if (e instanceof EmptyCatalogueError)
        throw new CliError('the catalogue is empty: import the target tables first');
      if (e instanceof NoSuchAgencyError || e instanceof ReportDateError) throw new CliError(e.message);
      throw e;
    }
  });
  const body =
    options.format === 'xlsx' ? await agencyReportXlsx(report) : Buffer.from(JSON.stringify(report, null, 2) + '\n');
  if (!options.out) {
    io.out(body.toString('utf8'));
    return;
  }
  const out = path.resolve(options.out);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, body);
  const behind = report.summary.filter((s) => s.behind).length;
  const t = report.totals.likelihoods;
  io.out(
    `${report.title} as of ${report.asOf} (${report.fiscalYear}, ${report.month} months completed): ` +
      `${report.summary.length} projects, ${behind} behind 序时进度 ${report.timeElapsed}%; ` +
      `${report.totals.indicators} indicators — 确定能 ${t.确定能}, 有可能 ${t.有可能}, 不可能 ${t.不可能}, 暂无 ${t.暂无}\n` +
      `written to ${out}\n`,
  );
}

export const reportCommand: CliCommand = {
  name: 'report',
  register(program, io) {
    program
      .command('report')
      .description('the department 绩效监控表 of an agency as of a date: a summary sheet and one sheet per project')
      .requiredOption('--agency <name>', 'the agency (预算单位) as the target tables name it')
      .option('--as-of <date>', 'YYYY-MM-DD (local date, IW_TIMEZONE); default: today by the clock (IW_CLOCK)')
      .option('--year <year>', 'fiscal year (default: the newest in the catalogue)', parseYear)
      .option('--format <format>', 'xlsx or json', 'xlsx')
      .option('--out <file>', 'write to this file (required for xlsx; JSON goes to stdout without it)')
      .action((options: ReportOptions) => writeAgencyReport(options, io));
  },
};
