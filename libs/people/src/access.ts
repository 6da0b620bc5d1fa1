import { ROLE_LABELS, type Person } from './person';
import type { TokenScope } from './tokens';

/**
 * Who may do what — the one place the rules live (the status app asks before every read and
 * action, like immich's access repository + requireAccess).
 *
 *   permission │ admin │ office        │ owner                     │ viewer        │ token read │ write │ admin
 *   read       │ all   │ own agency    │ own agency                │ own agency    │ all        │ all   │ all
 *   act        │ all   │ own agency    │ what they own (in agency) │ —             │ —          │ all   │ all
 *   audit      │ all   │ own agency    │ own agency, sign-ins: own │ same as owner │ all        │ all   │ all
 *   people     │ all   │ own agency    │ —                         │ —             │ —          │ —     │ all
 *   ops        │ yes   │ yes           │ —                         │ —             │ yes        │ yes   │ yes
 *   mail       │ yes   │ —             │ —                         │ —             │ —          │ —     │ yes
 *
 * `act` is acknowledging, silencing and un-silencing alerts, 填报 and 偏差原因/整改措施. `ops` is
 * the pipeline figures (/status, /metrics). `mail` is the local mail catcher, whose messages
 * carry everyone's personal links.
 */

export type Principal =
  { kind: 'person'; person: Person; sessionId: string | null } | { kind: 'token'; scope: TokenScope; id: string };

export const PERMISSIONS = ['read', 'act', 'audit', 'people', 'ops', 'mail'] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What a permission is asked about. */
export interface Resource {
  /** The agency (预算单位) it belongs to; null when it belongs to none (only admins and tokens then). */
  agency: string | null;
  /** act: the owners of the indicator (lower case). */
  owners?: readonly string[];
  /** audit: the entry's actor and action (others' sign-ins are the office's business). */
  actor?: string;
  action?: string;
}

export type Decision = { ok: true } | { ok: false; message: string };

const OK: Decision = { ok: true };
const no = (message: string): Decision => ({ ok: false, message });

/** The actor named in the audit log and on alerts: a person's address, or a token's id. */
export function actorOf(p: Principal): string {
  return p.kind === 'person' ? p.person.email : p.id;
}

export function describePrincipal(p: Principal): string {
  return p.kind === 'person' ? `${p.person.name}（${ROLE_LABELS[p.person.role]}）` : `API 令牌（${p.scope}）`;
}

const TOKEN_PERMISSIONS: Readonly<Record<TokenScope, readonly Permission[]>> = {
  read: ['read', 'audit', 'ops'],
  write: ['read', 'act', 'audit', 'ops'],
  admin: PERMISSIONS,
};

/** Whether the principal can have the permission on anything at all (the route-level check). */
export function mayEver(p: Principal, permission: Permission): Decision {
  if (p.kind === 'token') {
    return TOKEN_PERMISSIONS[p.scope].includes(permission)
      ? OK
      : no(`无权操作：该 API 令牌的权限范围为 ${p.scope}，不包括此操作。`);
  }
  const role = p.person.role;
  if (role === 'admin') return OK;
  switch (permission) {
    case 'read':
    case 'audit':
      return OK;
    case 'act':
      return role === 'viewer' ? no('无权操作：查看人员不能确认告警、填报或填写偏差原因。') : OK;
    case 'people':
      return role === 'office' ? OK : no('无权访问：人员名单仅对绩效管理人员和管理员开放。');
    case 'ops':
      return role === 'office' ? OK : no('无权访问：数据管道状态仅对绩效管理人员和管理员开放。');
    case 'mail':
      return no('无权访问：本地邮件仅管理员可查看（邮件中含有个人登录链接）。');
  }
}

/** Whether the principal has the permission on this resource. */
export function decide(p: Principal, permission: Permission, r: Resource): Decision {
  const ever = mayEver(p, permission);
  if (!ever.ok) return ever;
  if (p.kind === 'token' || p.person.role === 'admin') return OK;
  if (permission === 'ops' || permission === 'mail') return OK;
  const person = p.person;
  if (r.agency === null || !person.agencies.includes(r.agency))
    return no(
      r.agency === null
        ? '无权访问：该内容不属于任何预算单位，仅管理员可以访问。'
        : `无权访问：该内容属于「${r.agency}」，您只能访问「${person.agencies.join('、') || '（无）'}」的内容。`,
    );
  if (permission === 'act' && person.role === 'owner' && !(r.owners ?? []).includes(person.email))
    return no('无权操作：只有该指标的负责人或本单位绩效管理人员可以操作。');
  if (permission === 'audit' && r.action === 'sign_in' && person.role !== 'office' && r.actor !== person.email)
    return no('无权访问：他人的登录记录仅对绩效管理人员开放。');
  return OK;
}

/** The agencies whose content the principal reads; null: all of them. */
export function readableAgencies(p: Principal): readonly string[] | null {
  if (p.kind === 'token' || p.person.role === 'admin') return null;
  return p.person.agencies;
}

/**
 * What the dashboard's home page (`/`) opens for the principal: the agency page of the one agency
 * they read (本单位总览), or the roll-up of every agency they read (预算单位总览: admins, tokens,
 * whoever reads several). The header's link is named after it.
 */
export function homePage(p: Principal): { kind: 'agency'; agency: string } | { kind: 'roll-up' } {
  const agencies = readableAgencies(p);
  return agencies !== null && agencies.length === 1 ? { kind: 'agency', agency: agencies[0] } : { kind: 'roll-up' };
}

/** The home page's name in the header: 本单位总览 (one agency) or 预算单位总览 (several). */
export function homePageName(p: Principal): string {
  return homePage(p).kind === 'agency' ? '本单位总览' : '预算单位总览';
}
