import * as fs from 'node:fs';
import { InvalidArgumentError } from 'commander';
import { parseClockSpec, SystemClock, WALL_CLOCK } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import {
  COLLECTIONS,
  loadDirectory,
  PeopleRepository,
  SecretRepository,
  SessionRepository,
  type Connection,
} from '@iw/mongo';
import {
  linkSigner,
  normaliseEmail,
  parsePeopleFile,
  peopleFormatOf,
  PeopleFileError,
  recordProblems,
  ROLE_LABELS,
  ROLES,
  safeNext,
  type Person,
  type PersonRecord,
  type Role,
} from '@iw/people';
import { ownersFormatOf, parseOwners, type Owners } from '@iw/targets';
import { CliError } from '../errors';
import { displayWidth } from './alerts';
import { group, type CliCommand } from './command';
import { appendCliAudit, defaultActor } from './audit';
import { cliConfig, withMongo } from './context';

/**
 * `iw people list|add|remove|revoke|import|link`: the people directory (MongoDB), and personal
 * sign-in links. Every address of the owners file is an owner without an entry; an entry names
 * them or gives another role; `remove` shuts an address out even if the owners file names it.
 */

function ownersFile(config: AppConfig): () => Owners | null {
  return () => {
    try {
      return parseOwners(fs.readFileSync(config.files.owners, 'utf8'), ownersFormatOf(config.files.owners));
    } catch {
      return null;
    }
  };
}

export function readPeopleFile(file: string): PersonRecord[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(`cannot read people file ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  try {
    return parsePeopleFile(text, peopleFormatOf(file));
  } catch (e) {
    if (e instanceof PeopleFileError) throw new CliError(`${file}: ${e.message}`);
    throw e;
  }
}

export function formatPeople(people: readonly Person[]): string {
  if (people.length === 0) return 'nobody\n';
  const head = ['EMAIL', 'NAME', 'ROLE', 'AGENCY', 'SOURCE'];
  const rows = people.map((p) => [
    p.email,
    p.name,
    `${p.role} (${ROLE_LABELS[p.role]})`,
    p.role === 'admin' ? '(all)' : p.agencies.join(', '),
    p.source === 'owners' ? 'owners file' : 'directory',
  ]);
  const width = head.map((h, i) => Math.max(displayWidth(h), ...rows.map((r) => displayWidth(r[i]))));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c + ' '.repeat(Math.max(0, width[i] - displayWidth(c)))))
      .join('  ')
      .trimEnd();
  return [line(head), ...rows.map(line)].join('\n') + '\n';
}

/** What the audit log keeps of a person's directory entry (null when there is none). */
async function personState(conn: Connection, email: string): Promise<Record<string, unknown> | null> {
  const doc = await conn.db!.collection(COLLECTIONS.people).findOne({ _id: email as never });
  if (!doc) return null;
  const { _id, ...rest } = doc;
  return { email: _id, ...rest };
}

const domainNow = (config: AppConfig) => new Date(parseClockSpec(config.clock).now());

async function endSessions(conn: Connection, email: string): Promise<number> {
  return new SessionRepository(conn).deleteFor(email);
}

function parseRole(value: string): Role {
  if (!(ROLES as readonly string[]).includes(value)) throw new InvalidArgumentError(`one of ${ROLES.join(', ')}`);
  return value as Role;
}

export const peopleCommand: CliCommand = {
  name: 'people',
  register(program, io) {
    const people = group(program, 'people', 'the people directory and personal sign-in links');

    people
      .command('list')
      .description('everyone who can sign in: directory entries and the owners of the owners file')
      .option('--json', 'print JSON')
      .action(async (options: { json?: boolean }) => {
        const config = cliConfig();
        const list = await withMongo(config, async (conn) => (await loadDirectory(conn, ownersFile(config))).people());
        io.out(
          options.json
            ? `${JSON.stringify(
                list.map((p) => ({
                  email: p.email,
                  name: p.name,
                  role: p.role,
                  agencies: p.agencies,
                  source: p.source,
                })),
                null,
                2,
              )}\n`
            : formatPeople(list),
        );
      });

    people
      .command('add')
      .description('add a person, or change their name, agency or role (their links stay valid)')
      .argument('<email>', 'their address')
      .requiredOption('--name <name>', 'their name as the pages show it')
      .option('--agency <agency>', 'their agency (预算单位); required but for an admin')
      .requiredOption('--role <role>', `${ROLES.join(' | ')}`, parseRole)
      .option('--by <name>', 'who makes the change (audit log)', defaultActor())
      .action(async (email: string, options: { name: string; agency?: string; role: Role; by: string }) => {
        const record: PersonRecord = {
          email: normaliseEmail(email),
          name: options.name.trim(),
          agency: options.agency?.trim() || null,
          role: options.role,
        };
        const problems = recordProblems(record);
        if (problems.length) throw new CliError(`${email}: ${problems.join('; ')}`);
        const config = cliConfig();
        const change = await withMongo(config, async (conn) => {
          const before = await personState(conn, record.email);
          const change = await new PeopleRepository(conn).put(record, 'cli', new Date(WALL_CLOCK.now()));
          if (change !== 'unchanged')
            await appendCliAudit(conn, {
              by: options.by,
              action: 'person_put',
              target: record.email,
              agency: record.agency,
              at: domainNow(config),
              before,
              after: await personState(conn, record.email),
            });
          return change;
        });
        io.out(
          `${change} ${record.email} (${record.name}, ${record.role}${record.agency ? `, ${record.agency}` : ''})\n`,
        );
      });

    people
      .command('remove')
      .description('shut a person out: their links and sessions stop working, even if the owners file names them')
      .argument('<email>', 'their address')
      .option('--by <name>', 'who removes them (audit log)', defaultActor())
      .action(async (email: string, options: { by: string }) => {
        const config = cliConfig();
        const address = normaliseEmail(email);
        const { removed, sessions, stillOwner } = await withMongo(config, async (conn) => {
          const before = (await loadDirectory(conn, ownersFile(config))).person(address);
          const stored = await personState(conn, address);
          const removed = await new PeopleRepository(conn).remove(address, new Date(WALL_CLOCK.now()));
          if (removed)
            await appendCliAudit(conn, {
              by: options.by,
              action: 'person_remove',
              target: address,
              agency: before?.agencies[0] ?? null,
              at: domainNow(config),
              before: stored,
              after: await personState(conn, address),
            });
          return {
            removed,
            sessions: await endSessions(conn, address),
            stillOwner: before?.source === 'owners' || false,
          };
        });
        io.out(
          `${removed ? 'removed' : 'already removed'} ${address}; ${sessions} session(s) ended` +
            `${stillOwner ? ' (the owners file still names them: they keep getting alert mails, but cannot sign in)' : ''}\n`,
        );
      });

    people
      .command('revoke')
      .description('refuse every link issued to a person so far and end their sessions (they stay in the directory)')
      .argument('<email>', 'their address')
      .option('--by <name>', 'who revokes them (audit log)', defaultActor())
      .action(async (email: string, options: { by: string }) => {
        const config = cliConfig();
        const address = normaliseEmail(email);
        const sessions = await withMongo(config, async (conn) => {
          const before = await personState(conn, address);
          await new PeopleRepository(conn).revoke(address, new Date(WALL_CLOCK.now()));
          const ended = await endSessions(conn, address);
          await appendCliAudit(conn, {
            by: options.by,
            action: 'person_revoke',
            target: address,
            at: domainNow(config),
            before,
            after: { ...(await personState(conn, address)), sessionsEnded: ended },
          });
          return ended;
        });
        io.out(`links of ${address} issued until now are refused; ${sessions} session(s) ended\n`);
      });

    people
      .command('import')
      .description('add or update the entries of a people file (entries not in it are kept)')
      .argument('[file]', 'people file (YAML or JSON); default IW_PEOPLE')
      .action(async (file: string | undefined) => {
        const config = cliConfig();
        const path = file ?? config.files.people;
        const records = readPeopleFile(path);
        const counts = await withMongo(config, (conn) =>
          new PeopleRepository(conn).importRecords(records, 'file', new Date(WALL_CLOCK.now())),
        );
        io.out(`${path}: ${counts.added} added, ${counts.updated} updated, ${counts.unchanged} unchanged\n`);
      });

    people
      .command('link')
      .description('print a personal sign-in link for a person (its last line); it expires after IW_LINK_TTL')
      .argument('<email>', 'their address')
      .option('--next <path>', 'the page it opens, e.g. /alerts', '/')
      .option('--by <name>', 'who issues it (audit log)', defaultActor())
      .action(async (email: string, options: { next: string; by: string }) => {
        const config = cliConfig();
        const address = normaliseEmail(email);
        const link = await withMongo(config, async (conn) => {
          const person = (await loadDirectory(conn, ownersFile(config))).person(address);
          if (!person)
            throw new CliError(
              `${address} is not in the people directory (see iw people list; add them with iw people add)`,
            );
          const sign = linkSigner({
            secret: await new SecretRepository(conn).linkSecret(config.people.linkSecret),
            publicUrl: config.http.publicUrl,
            ttlMs: config.people.linkTtlMs,
            now: () => new SystemClock().now(),
          });
          const url = sign(address, safeNext(options.next));
          await appendCliAudit(conn, {
            by: options.by,
            action: 'issue_link',
            target: address,
            agency: person.agencies[0] ?? null,
            at: domainNow(config),
            before: null,
            after: { next: safeNext(options.next), validDays: Math.round(config.people.linkTtlMs / 86_400_000) },
          });
          return { person, url };
        });
        const days = Math.round(config.people.linkTtlMs / 86_400_000);
        io.out(
          `personal link of ${link.person.name} <${address}> (${link.person.role}), valid ${days} days:\n${link.url}\n`,
        );
      });
  },
};
