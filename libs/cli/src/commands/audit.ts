import * as os from 'node:os';
import { WALL_CLOCK } from '@iw/clock';
import { AuditRepository, type AuditAction, type Connection } from '@iw/mongo';

/** Who a CLI action is recorded as when `--by` is not given: `cli:<login name>`. */
export function defaultActor(): string {
  try {
    return `cli:${os.userInfo().username}`;
  } catch {
    return 'cli';
  }
}

export interface CliAuditEntry {
  by: string;
  action: AuditAction;
  target: string;
  /** Domain time (IW_CLOCK) of the action. */
  at: Date;
  before: unknown;
  after: unknown;
  indicatorId?: string | null;
  projectId?: string | null;
  agency?: string | null;
}

/** A CLI action appended to the audit log like one taken on a page: role `cli`, address `cli@<host>`. */
export async function appendCliAudit(conn: Connection, e: CliAuditEntry): Promise<void> {
  await new AuditRepository(conn).append({
    actor: e.by,
    actorName: e.by,
    role: 'cli',
    action: e.action,
    target: e.target,
    indicatorId: e.indicatorId ?? null,
    projectId: e.projectId ?? null,
    agency: e.agency ?? null,
    at: e.at,
    recordedAt: new Date(WALL_CLOCK.now()),
    before: e.before,
    after: e.after,
    address: `cli@${os.hostname()}`,
  });
}
