import { isEmailAddress } from '@iw/targets';

/**
 * People and roles. A person signs in with a personal link and acts within their agency
 * (预算单位): `owner` acts on the indicators they own and reads their agency; `office`
 * (绩效管理 staff) reads and acts on the whole agency; `viewer` reads one agency; `admin`
 * reads and acts everywhere.
 */
export const ROLES = ['owner', 'office', 'viewer', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The roles as the Chinese UI names them. */
export const ROLE_LABELS: Readonly<Record<Role, string>> = {
  owner: '指标负责人',
  office: '绩效管理',
  viewer: '查看',
  admin: '管理员',
};

export function isRole(value: string): value is Role {
  return (ROLES as readonly string[]).includes(value);
}

/** What the directory keeps about one person (people.yaml entry, or `iw people add`). */
export interface PersonRecord {
  email: string;
  name: string;
  /** 预算单位; null only for an admin (who is not bound to one). */
  agency: string | null;
  role: Role;
}

/** A person as authorization sees them. */
export interface Person {
  /** Normalised (lower case). */
  email: string;
  name: string;
  role: Role;
  /** Agencies the person reads (owner, viewer, office: one, or, for an owner known only from the owners file, those of what they own); empty for an admin, who reads all. */
  agencies: readonly string[];
  /** `directory`: listed in people.yaml / `iw people add`; `owners`: an owner by the owners file alone. */
  source: 'directory' | 'owners';
  /** Links issued and sessions opened before this instant (epoch ms) are refused (`iw people revoke`). */
  linksValidFrom: number;
}

/** Addresses compare case-insensitively; stored and signed in lower case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function isEmail(value: string): boolean {
  return isEmailAddress(value);
}

/** Checks one record; returns the problems in English for the CLI and the file loader. */
export function recordProblems(r: { email: string; name: string; agency: string | null; role: string }): string[] {
  const out: string[] = [];
  if (!isEmail(r.email)) out.push(`not an email address: ${JSON.stringify(r.email)}`);
  if (!r.name.trim()) out.push('name is empty');
  else if (/[\u0000-\u001f\u007f]/.test(r.name)) out.push('name contains control characters');
  if (!isRole(r.role)) out.push(`role must be one of ${ROLES.join(', ')} (got ${JSON.stringify(r.role)})`);
  if (r.role !== 'admin' && !r.agency?.trim()) out.push(`an ${r.role} needs an agency (预算单位)`);
  if (r.agency && /[\u0000-\u001f\u007f]/.test(r.agency)) out.push('agency contains control characters');
  return out;
}
