import { AlertActionError, type Alert } from '@iw/alerts';
import { localDateTime } from '@iw/clock';
import { parseClockSpec } from '@iw/clock';
import { AlertNotFoundError, AlertRepository, loadDirectory, parseSilenceUntil, type AuditAction } from '@iw/mongo';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import { group, type CliCommand } from './command';
import { appendCliAudit, defaultActor } from './audit';
import { cliConfig, withMongo } from './context';

/**
 * `iw alerts list|ack|silence|unsilence`: the owner's side of an alert. The logic lives in
 * @iw/mongo AlertRepository (acknowledge, silence, unsilence, parseSilenceUntil), which the
 * status API calls too; "now" is the services' one clock (IW_CLOCK).
 */

interface ListOptions {
  json?: boolean;
  all?: boolean;
  project?: string;
}

/** What the audit log keeps of an alert before and after an action (as the status app does). */
function alertState(a: Alert) {
  return {
    state: a.state,
    acknowledgedAt: a.acknowledgedAt,
    acknowledgedBy: a.acknowledgedBy,
    silencedUntil: a.silencedUntil,
    silencedBy: a.silencedBy,
  };
}

/**
 * One alert action, with the errors an operator can act on turned into one-line messages; done,
 * it is appended to the audit log like an action taken on the page (actor: `--by`, role `cli`).
 */
async function act(
  id: string,
  action: AuditAction,
  by: string,
  fn: (repo: AlertRepository, now: number, timeZone: string) => Promise<Alert>,
  io: CliIo,
  done: (a: Alert, tz: string) => string,
): Promise<void> {
  const config = cliConfig();
  const now = parseClockSpec(config.clock).now();
  const alert = await withMongo(config, async (conn) => {
    const repo = new AlertRepository(conn);
    let before: Alert | null;
    let after: Alert;
    try {
      before = (await repo.get(id))?.alert ?? null;
      after = await fn(repo, now, config.timeZone);
    } catch (e) {
      if (e instanceof AlertNotFoundError || e instanceof AlertActionError) throw new CliError(e.message);
      throw e;
    }
    const directory = await loadDirectory(conn, () => null);
    await appendCliAudit(conn, {
      by,
      action,
      target: after.id,
      indicatorId: after.unit.indicatorId,
      projectId: after.unit.projectId,
      agency: directory.agencyOfProject(after.unit.projectId),
      at: new Date(now),
      before: before ? alertState(before) : null,
      after: alertState(after),
    });
    return after;
  });
  io.out(`${done(alert, config.timeZone)}\n`);
}

// East Asian wide and full-width characters take two terminal columns.
const WIDE =
  /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\ua000-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;

export function displayWidth(text: string): number {
  return [...text].length + (text.match(WIDE)?.length ?? 0);
}

const pad = (text: string, width: number) => text + ' '.repeat(Math.max(0, width - displayWidth(text)));

export function formatAlerts(alerts: readonly Alert[], timeZone: string): string {
  if (alerts.length === 0) return 'no alerts\n';
  const rows = alerts.map((a) => [
    a.id,
    a.state,
    a.severity ?? '-',
    a.status,
    localDateTime(a.openedAt, timeZone),
    [
      a.acknowledgedAt ? `acknowledged ${localDateTime(a.acknowledgedAt, timeZone)}` : '',
      a.silencedUntil ? `silenced until ${localDateTime(a.silencedUntil, timeZone)}` : '',
      a.repeatCount ? `${a.repeatCount} repeat(s)` : '',
    ]
      .filter(Boolean)
      .join(', '),
  ]);
  const head = ['ALERT', 'STATE', 'SEVERITY', 'STATUS', 'OPENED', 'NOTES'];
  const width = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : pad(c, width[i])))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

export const alertsCommand: CliCommand = {
  name: 'alerts',
  register(program, io) {
    const alerts = group(program, 'alerts', 'alerts on tracked units (an alert id is its tracked unit id)');
    alerts
      .command('list')
      .description('open alerts (all with --all)')
      .option('--all', 'resolved and closed alerts too')
      .option(
        '--project <id>',
        'only this project (catalogue id, e.g. 2019.新疆维吾尔自治区市场监督管理局.工商行政管理业务费)',
      )
      .option('--json', 'print JSON')
      .action(async (options: ListOptions) => {
        const config = cliConfig();
        const list = await withMongo(config, (conn) =>
          new AlertRepository(conn).list({
            ...(options.all ? {} : { state: 'open' as const }),
            ...(options.project ? { projectId: options.project } : {}),
          }),
        );
        const out = list.map((s) => s.alert);
        io.out(options.json ? `${JSON.stringify(out, null, 2)}\n` : formatAlerts(out, config.timeZone));
      });
    alerts
      .command('ack')
      .description('acknowledge an open alert: its repeats stop until it resolves or its severity changes')
      .argument('<id>', 'alert id')
      .option('--by <name>', 'who acknowledges', defaultActor())
      .action((id: string, options: { by: string }) =>
        act(
          id,
          'ack',
          options.by,
          (repo, now) => repo.acknowledge(id, { now, by: options.by }),
          io,
          (a, tz) => `acknowledged ${a.id} at ${localDateTime(a.acknowledgedAt!, tz)}`,
        ),
      );
    alerts
      .command('silence')
      .description("mute an alert's notices until a date (inclusive, local) or an ISO date-time")
      .argument('<id>', 'alert id')
      .requiredOption('--until <date>', 'YYYY-MM-DD (through that day) or an ISO date-time')
      .option('--by <name>', 'who silences', defaultActor())
      .action((id: string, options: { until: string; by: string }) =>
        act(
          id,
          'silence',
          options.by,
          (repo, now, tz) => repo.silence(id, parseSilenceUntil(options.until, tz), { now, by: options.by }),
          io,
          (a, tz) => `silenced ${a.id} until ${localDateTime(a.silencedUntil!, tz)}`,
        ),
      );
    alerts
      .command('unsilence')
      .description("lift an alert's silence")
      .argument('<id>', 'alert id')
      .option('--by <name>', 'who lifts it', defaultActor())
      .action((id: string, options: { by: string }) =>
        act(
          id,
          'unsilence',
          options.by,
          (repo, now) => repo.unsilence(id, { now, by: options.by }),
          io,
          (a) => `${a.id} is no longer silenced`,
        ),
      );
  },
};
