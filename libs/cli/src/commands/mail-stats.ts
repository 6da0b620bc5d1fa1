/**
 * `iw mail stats <dir>`: how many mails each person received in a folder of `.eml` files (the
 * local catcher's `.local/mail`, or any mail client's export), split by kind — change mails,
 * weekly reminder digests, escalations to the office people (预警未确认), 缺报提醒 — read back
 * from the plain-text part with the renderer's own words (@iw/alerts read-mail).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { simpleParser, type AddressObject } from 'mailparser';
import { MAIL_KINDS, mailKindOf, noticeKindsOfMail, type MailKind } from '@iw/alerts';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import { group, type CliCommand } from './command';

export interface PersonMailStats {
  person: string;
  mails: number;
  /** Mails per kind. */
  kinds: Record<MailKind, number>;
  /** Notices in those mails. */
  notices: number;
}

export interface MailStats {
  dir: string;
  files: number;
  people: PersonMailStats[];
  total: PersonMailStats;
  /** .eml files that carry no notice (not written by Indicator Watch). */
  other: string[];
}

const LABELS: Record<MailKind, string> = {
  change: '变更',
  reminder: '每周提醒',
  escalation: '预警未确认',
  no_data: '缺报提醒',
};

const empty = (person: string): PersonMailStats => ({
  person,
  mails: 0,
  kinds: { change: 0, reminder: 0, escalation: 0, no_data: 0 },
  notices: 0,
});

function addressesOf(to: AddressObject | AddressObject[] | undefined): string[] {
  return (Array.isArray(to) ? to : to ? [to] : []).flatMap((a) =>
    a.value.map((v) => (v.address ?? '').toLowerCase()).filter(Boolean),
  );
}

export async function mailStats(dir: string): Promise<MailStats> {
  let names: string[];
  try {
    names = fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.eml'))
      .sort();
  } catch (e) {
    throw new CliError(`${dir}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  const byPerson = new Map<string, PersonMailStats>();
  const total = empty('total');
  const other: string[] = [];
  for (const name of names) {
    const parsed = await simpleParser(fs.readFileSync(path.join(dir, name)), { skipImageLinks: true });
    const kinds = noticeKindsOfMail(parsed.text ?? '');
    const kind = mailKindOf(kinds);
    if (kind === null) {
      other.push(name);
      continue;
    }
    for (const person of addressesOf(parsed.to)) {
      const s = byPerson.get(person) ?? empty(person);
      for (const row of [s, total]) {
        row.mails += 1;
        row.kinds[kind] += 1;
        row.notices += kinds.length;
      }
      byPerson.set(person, s);
    }
  }
  const people = [...byPerson.values()].sort((a, b) => b.mails - a.mails || a.person.localeCompare(b.person));
  return { dir, files: names.length, people, total, other };
}

export function formatMailStats(s: MailStats): string {
  const head = ['person', 'mails', ...MAIL_KINDS.map((k) => `${LABELS[k]} (${k})`), 'notices'];
  const row = (p: PersonMailStats) => [p.person, p.mails, ...MAIL_KINDS.map((k) => p.kinds[k]), p.notices].map(String);
  const lines = [head, ...s.people.map(row), row(s.total)].map((cells) => `| ${cells.join(' | ')} |`);
  lines.splice(1, 0, `|${head.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`);
  const notes = [
    `${s.dir}: ${s.files} .eml file(s), ${s.total.mails} mail(s) to ${s.people.length} person(s)`,
    ...(s.other.length
      ? [
          `${s.other.length} file(s) carry no notice and are not counted: ${s.other.slice(0, 5).join(', ')}${s.other.length > 5 ? ' …' : ''}`,
        ]
      : []),
  ];
  return `${notes.join('\n')}\n${lines.join('\n')}\n`;
}

export const mailStatsCommand: CliCommand = {
  name: 'mail stats',
  register(program, io: CliIo) {
    group(program, 'mail', 'the mails sent (a folder of .eml files)')
      .command('stats')
      .description(
        'mails per person in a folder of .eml files, by kind: 变更 (change), 每周提醒 (reminder digest), 预警未确认 (escalation), 缺报提醒 (no data)',
      )
      .argument('<dir>', 'folder of .eml files, e.g. .local/mail')
      .option('--json', 'print JSON')
      .action(async (dir: string, options: { json?: boolean }) => {
        const stats = await mailStats(dir);
        io.out(options.json ? `${JSON.stringify(stats, null, 2)}\n` : formatMailStats(stats));
      });
  },
};
