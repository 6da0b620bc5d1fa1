/**
 * `iw policy check [file]`: reads a notification policy file (default IW_POLICY) and prints
 * what it says, or each problem as `<file>:<line>: <key>: <message>` (exit 1).
 */
import * as fs from 'node:fs';
import { formatDuration } from '@iw/config';
import { parsePolicy, policyBase, type NotificationPolicy, type RouteSettings } from '@iw/alerts';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import { cliConfig } from './context';
import { group, type CliCommand } from './command';

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];

function describe(s: Partial<RouteSettings>): string {
  const parts: string[] = [];
  if (s.receivers) parts.push(`receivers ${s.receivers.join(', ')}`);
  if (s.groupWaitMs !== undefined) parts.push(`group_wait ${formatDuration(s.groupWaitMs)}`);
  if (s.groupIntervalMs !== undefined) parts.push(`group_interval ${formatDuration(s.groupIntervalMs)}`);
  if (s.repeatIntervalMs !== undefined) parts.push(`repeat_interval ${formatDuration(s.repeatIntervalMs)}`);
  if (s.escalateAfterMs !== undefined) parts.push(`escalate_after ${formatDuration(s.escalateAfterMs)}`);
  if (s.noDataReminder !== undefined) parts.push(`no_data_reminder ${s.noDataReminder}`);
  return parts.join(' · ');
}

export function policySummary(file: string, policy: NotificationPolicy): string {
  const d = policy.digest;
  const lines = [
    `${file}: ok`,
    `  defaults: ${describe(policy.defaults)}`,
    `  weekly digest: ${WEEKDAYS[d.weekday]} ${String(d.hour).padStart(2, '0')}:${String(d.minute).padStart(2, '0')} local time`,
  ];
  policy.routes.forEach((r, i) => {
    const match = Object.entries(r.match)
      .map(([k, v]) => `${k}=${(v as string[]).join('|')}`)
      .join(' ');
    lines.push(`  route ${i + 1} (line ${r.line}): ${match} → ${describe(r.settings)}`);
  });
  return `${lines.join('\n')}\n`;
}

export function checkPolicyFile(file: string, base?: RouteSettings): NotificationPolicy {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const { policy, problems } = parsePolicy(text, base);
  if (!policy)
    throw new CliError(
      `${file}: invalid notification policy\n${problems.map((p) => `  ${file}:${p.line}: ${p.message}`).join('\n')}`,
    );
  return policy;
}

export const policyCheckCommand: CliCommand = {
  name: 'policy check',
  register(program, io: CliIo) {
    group(program, 'policy', 'the notification policy (routes, reminders, escalation)')
      .command('check')
      .description('validate a notification policy file (default: IW_POLICY)')
      .argument('[file]', 'policy file')
      .action((file?: string) => {
        const config = cliConfig();
        const path = file ?? config.files.policy;
        const policy = checkPolicyFile(path, policyBase(config.alerting));
        io.out(policySummary(path, policy));
      });
  },
};
