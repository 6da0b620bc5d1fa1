/**
 * People on top of the status harness: a directory with every role (two agencies), an open
 * alert on an indicator people can report on, and a signed-in session per person obtained the
 * way a person gets one — by opening a personal link.
 */
import { transition, type UnitEvaluation } from '@iw/alerts';
import {
  AlertRepository,
  PeopleRepository,
  SecretRepository,
  closeMongo,
  connectMongo,
  type Connection,
} from '@iw/mongo';
import { signLink, type PersonRecord } from '@iw/people';
import { ownersFor, parseOwners } from '@iw/targets';
import type { TrackedUnit } from '@iw/measures';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IDS, NOW, P_INSPECT, type StatusHarness } from './harness';

export const AGENCY_A = '新疆维吾尔自治区市场监督管理局';
/** The harness's markup project belongs to this agency. */
export const AGENCY_B = '测试单位';

export const PEOPLE = {
  owner: { email: 'choujian@example.gov.cn', name: '李强', agency: AGENCY_A, role: 'owner' },
  otherOwner: { email: 'chengpinyou@example.gov.cn', name: '张伟', agency: AGENCY_A, role: 'owner' },
  office: { email: 'jixiao@example.gov.cn', name: '李敏', agency: AGENCY_A, role: 'office' },
  viewer: { email: 'caiwu.chakan@example.gov.cn', name: '赵磊', agency: AGENCY_A, role: 'viewer' },
  admin: { email: 'root@example.gov.cn', name: '管理员', agency: null, role: 'admin' },
  ownerB: { email: 'b.owner@example.gov.cn', name: '外单位负责人', agency: AGENCY_B, role: 'owner' },
  officeB: { email: 'b.office@example.gov.cn', name: '外单位绩效', agency: AGENCY_B, role: 'office' },
} satisfies Record<string, PersonRecord>;
export type PersonName = keyof typeof PEOPLE;

export interface Session {
  cookie: string;
  csrf: string;
}

export interface PeopleWorld {
  conn: Connection;
  secret: Buffer;
  /** An indicator of P_INSPECT that people report on (unbound running sum) and its owners. */
  target: { id: string; unit: TrackedUnit; owners: string[] };
  /** The open alert on `target`. */
  alertId: string;
  /** A fresh personal link token for a person (wall clock now, 14 days). */
  token(email: string, o?: { issuedAt?: number; expiresAt?: number }): string;
  /** Opens a personal link and returns the session (cookie and CSRF token). */
  signIn(email: string): Promise<Session>;
  close(): Promise<void>;
}

const ROOT = path.resolve(__dirname, '../../..');

export function csrfOf(page: string): string {
  const m = /name="_csrf" value="([^"]+)"/.exec(page);
  if (!m) throw new Error('no CSRF token on the page');
  return m[1];
}

export function sessionCookie(res: Response): string {
  const set = res.headers.getSetCookie().find((c) => c.startsWith('iw_session='));
  if (!set) throw new Error(`no session cookie (status ${res.status})`);
  return set.split(';')[0];
}

/** An evaluation that opens an alert on `unit` (at risk: behind its pace), as alerting would judge it. */
export function atRisk(unit: TrackedUnit): UnitEvaluation {
  return {
    unit: {
      id: unit.id,
      indicatorId: unit.id,
      projectId: unit.projectId,
      projectName: P_INSPECT,
      indicatorName: unit.name,
      targetText: '≥10',
      unit: '',
    },
    status: 'at_risk',
    likelihood: '有可能',
    actual: 1,
    expected: 5,
    forecast: 2,
    reason: '进度落后',
    daysLeft: 183,
    deadline: '2019-12-31',
  };
}

export async function createPeopleWorld(h: StatusHarness): Promise<PeopleWorld> {
  const conn = await connectMongo(h.mongoUrl);
  await new PeopleRepository(conn).importRecords(Object.values(PEOPLE), 'file', new Date());
  const secret = await new SecretRepository(conn).linkSecret(null);

  // The target: the first unbound running sum of the inspection project, owned by its project owner.
  const owners = parseOwners(fs.readFileSync(path.join(ROOT, 'samples/owners.yaml'), 'utf8'), 'yaml');
  const unit = [...h.units.values()].find(
    (u) =>
      u.projectId === IDS.inspect &&
      u.kind === 'indicator' &&
      u.measure === 'sum' &&
      u.bindingLine === undefined &&
      u.period.from <= '2019-07-01' &&
      u.period.to >= '2019-07-01',
  );
  if (!unit) throw new Error('no unbound sum in the inspection project');
  const targetOwners = ownersFor(owners, P_INSPECT, unit.id);
  if (!targetOwners.includes(PEOPLE.owner.email) || targetOwners.includes(PEOPLE.otherOwner.email))
    throw new Error(`unexpected owners of ${unit.id}: ${targetOwners.join(', ')}`);

  const opened = transition(null, atRisk(unit), NOW - 2 * 86_400_000).alert!;
  await new AlertRepository(conn).save([{ alert: opened, expectedRev: null }]);

  const token = (email: string, o: { issuedAt?: number; expiresAt?: number } = {}) => {
    const issuedAt = o.issuedAt ?? Date.now();
    return signLink(secret, { email, issuedAt, expiresAt: o.expiresAt ?? issuedAt + 14 * 86_400_000 });
  };
  const signIn = async (email: string): Promise<Session> => {
    const res = await fetch(`${h.base}/signin/${token(email)}?next=/alerts`, { redirect: 'manual' });
    if (res.status !== 303) throw new Error(`sign-in of ${email}: ${res.status} ${await res.text()}`);
    const cookie = sessionCookie(res);
    const page = await fetch(`${h.base}/alerts`, { headers: { cookie } });
    return { cookie, csrf: csrfOf(await page.text()) };
  };
  return {
    conn,
    secret,
    target: { id: unit.id, unit, owners: targetOwners },
    alertId: opened.id,
    token,
    signIn,
    close: () => closeMongo(conn),
  };
}
