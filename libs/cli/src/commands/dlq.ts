/**
 * `iw dlq list|show|redrive`: the rejected messages (the `dlq` collection ingest fills, one
 * record per Kafka position) and republishing them once what rejected them is fixed — a
 * binding, the catalogue, or the clock caught up with a future-dated event. The selection and
 * the redrive rules live in @iw/dlq; every record is republished at most once (`replay` is
 * another name for `redrive`).
 */
import * as os from 'node:os';
import { localDateTime, parseClockSpec, WALL_CLOCK } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import {
  DlqSelectionError,
  parseDlqSelection,
  quoted,
  redrive,
  type DlqSelection,
  type RedriveReport,
  type RedriveSink,
} from '@iw/dlq';
import { KafkaClient, KafkaProducer } from '@iw/kafka';
import { DlqRepository, type DlqDoc, type DlqFilter, type DlqRedriveDoc } from '@iw/mongo';
import type { CliIo } from '../cli-io';
import { CliError, EXIT } from '../errors';
import { group, type CliCommand } from './command';
import { appendCliAudit, defaultActor } from './audit';
import { cliConfig, withMongo } from './context';

interface ListOptions extends DlqSelection {
  limit?: number;
  page?: number;
  json?: boolean;
}

interface RedriveOptions extends DlqSelection {
  dryRun?: boolean;
  json?: boolean;
  /** Who asks (audit log); default cli:<login>. */
  by?: string;
}

function selection(s: DlqSelection, config: AppConfig): DlqFilter {
  try {
    return parseDlqSelection(s, config.kafka.topics, config.timeZone);
  } catch (e) {
    if (e instanceof DlqSelectionError) throw new CliError(e.message, EXIT.usage);
    throw e;
  }
}

function actor(): string {
  try {
    return `cli:${os.userInfo().username}@${os.hostname()}`;
  } catch {
    return 'cli';
  }
}

const when = (d: Date | string, timeZone: string) => localDateTime(new Date(d).getTime(), timeZone);

/** A record in three lines: when, why, where, the key and the start of the message (escaped: it is untrusted). */
export function formatRecord(d: DlqDoc, timeZone: string): string {
  const redriven = d.redrive
    ? `  [${d.redrive.state === 'published' ? 'republished' : 'being republished'} ${when(d.redrive.at, timeZone)}]`
    : '';
  return [
    `${when(d.at, timeZone)}  ${quoted(d._id)}  ${d.reasonClass}${redriven}`,
    `    ${quoted(d.reason)}`,
    `    key ${d.key === null || d.key === undefined ? '(none)' : quoted(d.key)}  ${quoted(d.preview, 120)}${d.redriveOf ? `  (republished from ${quoted(d.redriveOf)})` : ''}`,
  ].join('\n');
}

/** One record whole: everything the list shows, the message as kept, and every redrive attempt. */
export function formatRecordDetail(d: DlqDoc, claims: readonly DlqRedriveDoc[], timeZone: string): string {
  const message = d.originalBase64 !== undefined ? Buffer.from(d.originalBase64, 'base64').toString('utf8') : undefined;
  const lines = [
    `record     ${quoted(d._id)}`,
    `rejected   ${when(d.at, timeZone)}`,
    `reason     ${d.reasonClass}: ${quoted(d.reason)}`,
    `from       ${quoted(d.topic)} partition ${d.partition} offset ${d.offset}`,
    `key        ${d.key === null || d.key === undefined ? '(none)' : quoted(d.key)}`,
    `size       ${d.originalSize ?? '?'} bytes`,
    message !== undefined
      ? `message    ${quoted(message)}`
      : `preview    ${quoted(d.preview)}  (the whole message was not kept: it cannot be republished)`,
  ];
  if (d.firstSeen)
    lines.push(
      `first seen ${quoted(d.firstSeen.topic)} partition ${d.firstSeen.partition} offset ${d.firstSeen.offset}: ${quoted(d.firstSeen.preview)}`,
    );
  if (d.redriveOf) lines.push(`republished from ${quoted(d.redriveOf)}`);
  if (claims.length === 0) lines.push('redrive    never');
  for (const c of claims)
    lines.push(
      `redrive    attempt ${c.attempt} by ${quoted(c.by)}: claimed ${when(c.at, timeZone)}` +
        (c.state === 'published' && c.publishedAt
          ? `, republished ${when(c.publishedAt, timeZone)}`
          : ', not confirmed'),
    );
  return lines.join('\n') + '\n';
}

export async function showDlq(
  id: string,
  options: { json?: boolean },
  io: CliIo,
  config: AppConfig = cliConfig(),
): Promise<void> {
  const found = await withMongo(config, async (conn) => {
    const repo = new DlqRepository(conn);
    const doc = await repo.one(id);
    return doc ? { doc, claims: (await repo.redrives([doc._id])).get(doc._id) ?? [] } : null;
  });
  if (!found) throw new CliError(`no DLQ record ${quoted(id)} (ids are topic:partition:offset; see iw dlq list)`);
  io.out(
    options.json
      ? JSON.stringify({ ...found.doc, redrives: found.claims }, null, 2) + '\n'
      : formatRecordDetail(found.doc, found.claims, config.timeZone),
  );
}

export async function listDlq(options: ListOptions, io: CliIo, config: AppConfig = cliConfig()): Promise<void> {
  const filter = selection(options, config);
  const page = options.page ?? 1;
  const limit = options.limit ?? 50;
  const result = await withMongo(config, (conn) => new DlqRepository(conn).list(filter, page, limit));
  if (options.json) {
    io.out(JSON.stringify({ total: result.total, page, limit, items: result.items }, null, 2) + '\n');
    return;
  }
  for (const d of result.items) io.out(formatRecord(d, config.timeZone) + '\n');
  const first = (page - 1) * limit;
  io.out(
    result.total === 0
      ? 'no records\n'
      : `${first + 1}–${first + result.items.length} of ${result.total} records (newest first)${first + result.items.length < result.total ? `; --page ${page + 1} for more` : ''}\n`,
  );
}

export function formatRedrive(report: RedriveReport, dryRun: boolean): string {
  const lines = report.outcomes.map(
    (o) => `  ${quoted(o.id)}  ${o.reasonClass}  ${o.outcome.replace('_', ' ')}${o.detail ? ` (${o.detail})` : ''}`,
  );
  for (const id of report.missing) lines.push(`  ${quoted(id)}  no such record`);
  const verb = dryRun ? 'would republish' : 'republished';
  lines.push(
    `${verb} ${report.republished} of ${report.selected} selected record(s)` +
      `${report.skipped ? `; ${report.skipped} skipped` : ''}${report.failed ? `; ${report.failed} FAILED` : ''}` +
      `${report.missing.length ? `; ${report.missing.length} not found` : ''}`,
  );
  return lines.join('\n') + '\n';
}

export async function redriveDlq(
  options: RedriveOptions,
  io: CliIo,
  deps: { config?: AppConfig; sink?: RedriveSink } = {},
): Promise<RedriveReport> {
  const config = deps.config ?? cliConfig();
  if (!options.reason && !options.ids)
    throw new CliError('say what to republish: --reason <class> or --ids <topic:partition:offset,…>', EXIT.usage);
  const filter = selection(options, config);
  let producer: KafkaProducer | null = null;
  let sink = deps.sink ?? null;
  if (!options.dryRun && !sink) {
    producer = new KafkaProducer(new KafkaClient(config.kafka));
    try {
      await producer.connect();
    } catch (e) {
      throw new CliError(
        `Kafka at ${config.kafka.brokers.join(',')} is not reachable: ${(e as Error).message} (is the infrastructure up? npm run infra:up)`,
      );
    }
    const p = producer;
    sink = { send: (topic, messages) => p.send(topic, messages) };
  }
  let report: RedriveReport;
  try {
    report = await withMongo(config, async (conn) => {
      const done = await redrive(filter, new DlqRepository(conn), sink, {
        dryRun: options.dryRun,
        by: actor(),
        // Claims are stamped with the wall clock: they time out in real minutes, whatever IW_CLOCK says.
        now: () => new Date(WALL_CLOCK.now()),
      });
      // A redrive that republished (or tried to) is an action on the data: one audit entry per run.
      if (!options.dryRun && done.republished + done.failed > 0)
        await appendCliAudit(conn, {
          by: options.by?.trim() || defaultActor(),
          action: 'dlq_redrive',
          target: options.ids ? options.ids : `reason=${options.reason ?? ''}`,
          at: new Date(parseClockSpec(config.clock).now()),
          before: {
            selection: { reason: options.reason, ids: options.ids, topic: options.topic, since: options.since },
          },
          after: {
            republished: done.outcomes.filter((o) => o.outcome === 'republished').map((o) => o.id),
            failed: done.failed,
            skipped: done.skipped,
          },
        });
      return done;
    });
  } finally {
    await producer?.disconnect();
  }
  io.out(options.json ? JSON.stringify(report, null, 2) + '\n' : formatRedrive(report, !!options.dryRun));
  if (report.failed > 0)
    throw new CliError(`${report.failed} record(s) were not republished (see above); run again to retry`);
  // Records named one by one must each be republished: one already republished (or unknown) is refused.
  const refused = options.ids ? report.skipped + report.missing.length : 0;
  if (refused > 0)
    throw new CliError(
      `refused ${refused} of the named record(s): already republished, being republished, not republishable or unknown (see above)`,
    );
  return report;
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`expected a positive integer, got "${value}"`, EXIT.usage);
  return n;
}

export const dlqCommand: CliCommand = {
  name: 'dlq',
  register(program, io) {
    const dlq = group(
      program,
      'dlq',
      'rejected messages (actuals.dlq): list and show them, republish them once what rejected them is fixed',
    );
    dlq
      .command('list')
      .description(
        'rejected messages, newest first, with their reason, key, a preview and whether they were republished',
      )
      .option('--reason <classes>', 'reason classes, comma-separated (unknown_project, unbound, future_event …)')
      .option('--topic <topics>', 'topic roles or names, comma-separated (spending, actuals.cases …)')
      .option('--since <date>', 'rejected on or after this local date (2019-07-01) or instant')
      .option('--state <state>', 'pending (never republished) or redriven')
      .option('--limit <n>', 'records per page', positiveInt, 50)
      .option('--page <n>', 'page, from 1', positiveInt, 1)
      .option('--json', 'print JSON')
      .action((options: ListOptions) => listDlq(options, io));
    dlq
      .command('show')
      .description('one record whole: reason, key, the message as kept, and every redrive attempt')
      .argument('<id>', 'the record (topic:partition:offset), as iw dlq list prints it')
      .option('--json', 'print JSON')
      .action((id: string, options: { json?: boolean }) => showDlq(id, options, io));
    dlq
      .command('redrive')
      .alias('replay')
      .description(
        'republish the selected records (original bytes and key) to their topics, each at most once; ingest counts what now passes',
      )
      .option('--reason <classes>', 'every record of these reason classes, comma-separated')
      .option('--ids <ids>', 'these records (topic:partition:offset), comma-separated')
      .option('--topic <topics>', 'only from these topics (roles or names)')
      .option('--since <date>', 'only those rejected on or after this local date or instant')
      .option('--dry-run', 'say what would be republished; change nothing')
      .option('--by <name>', 'who asks (audit log); default cli:<login>')
      .option('--json', 'print the report as JSON')
      .action(async (options: RedriveOptions) => void (await redriveDlq(options, io)));
  },
};
