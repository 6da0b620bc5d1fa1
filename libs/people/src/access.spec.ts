import {
  actorOf,
  decide,
  homePage,
  homePageName,
  mayEver,
  readableAgencies,
  type Permission,
  type Principal,
  type Resource,
} from './access';
import type { Person, Role } from './person';

const A = '新疆维吾尔自治区市场监督管理局';
const B = '其他单位';

function person(role: Role, email: string, agencies: string[]): Principal {
  const p: Person = { email, name: email, role, agencies, source: 'directory', linksValidFrom: 0 };
  return { kind: 'person', person: p, sessionId: 's' };
}

const P = {
  admin: person('admin', 'admin@x.cn', []),
  office: person('office', 'office@x.cn', [A]),
  owner: person('owner', 'owner@x.cn', [A]),
  viewer: person('viewer', 'viewer@x.cn', [A]),
  ownerB: person('owner', 'owner.b@x.cn', [B]),
  officeB: person('office', 'office.b@x.cn', [B]),
  read: { kind: 'token', scope: 'read', id: 'token:read:1' },
  write: { kind: 'token', scope: 'write', id: 'token:write:1' },
  tokenAdmin: { kind: 'token', scope: 'admin', id: 'token:admin:1' },
} satisfies Record<string, Principal>;

type Who = keyof typeof P;

/** Resources of agency A: an indicator owned by owner@, one owned by someone else, a sign-in. */
const R = {
  mine: { agency: A, owners: ['owner@x.cn'] },
  theirs: { agency: A, owners: ['else@x.cn'] },
  inB: { agency: B, owners: ['owner.b@x.cn'] },
  none: { agency: null },
  signInOfOwner: { agency: A, actor: 'owner@x.cn', action: 'sign_in' },
  signInOfElse: { agency: A, actor: 'else@x.cn', action: 'sign_in' },
  ackByElse: { agency: A, actor: 'else@x.cn', action: 'ack' },
} satisfies Record<string, Resource>;

type Row = [Who, Permission, keyof typeof R, boolean];

const rows: Row[] = [
  // read: own agency, admins and tokens everywhere
  ['admin', 'read', 'inB', true],
  ['admin', 'read', 'none', true],
  ['office', 'read', 'mine', true],
  ['office', 'read', 'inB', false],
  ['owner', 'read', 'theirs', true],
  ['owner', 'read', 'inB', false],
  ['viewer', 'read', 'mine', true],
  ['viewer', 'read', 'inB', false],
  ['viewer', 'read', 'none', false],
  ['ownerB', 'read', 'mine', false],
  ['ownerB', 'read', 'inB', true],
  ['read', 'read', 'inB', true],
  ['write', 'read', 'mine', true],
  // act: owners on what they own, the office on its agency, never viewers or read tokens
  ['admin', 'act', 'inB', true],
  ['office', 'act', 'theirs', true],
  ['office', 'act', 'inB', false],
  ['officeB', 'act', 'inB', true],
  ['owner', 'act', 'mine', true],
  ['owner', 'act', 'theirs', false],
  ['owner', 'act', 'inB', false],
  ['ownerB', 'act', 'inB', true],
  ['ownerB', 'act', 'mine', false],
  ['viewer', 'act', 'mine', false],
  ['read', 'act', 'mine', false],
  ['write', 'act', 'inB', true],
  ['tokenAdmin', 'act', 'none', true],
  // audit: agency entries; others' sign-ins for the office only
  ['owner', 'audit', 'ackByElse', true],
  ['owner', 'audit', 'signInOfOwner', true],
  ['owner', 'audit', 'signInOfElse', false],
  ['viewer', 'audit', 'signInOfElse', false],
  ['office', 'audit', 'signInOfElse', true],
  ['officeB', 'audit', 'ackByElse', false],
  ['read', 'audit', 'signInOfElse', true],
  // people: the office of its agency, admins
  ['office', 'people', 'mine', true],
  ['office', 'people', 'inB', false],
  ['owner', 'people', 'mine', false],
  ['viewer', 'people', 'mine', false],
  ['write', 'people', 'mine', false],
  ['tokenAdmin', 'people', 'inB', true],
  // ops and mail: not about an agency
  ['office', 'ops', 'none', true],
  ['owner', 'ops', 'none', false],
  ['viewer', 'ops', 'none', false],
  ['read', 'ops', 'none', true],
  ['admin', 'mail', 'none', true],
  ['office', 'mail', 'none', false],
  ['owner', 'mail', 'none', false],
  ['write', 'mail', 'none', false],
  ['tokenAdmin', 'mail', 'none', true],
];

describe('decide', () => {
  it.each(rows)('%s %s %s → %p', (who, permission, resource, allowed) => {
    const d = decide(P[who], permission, R[resource]);
    expect(d.ok).toBe(allowed);
    if (!d.ok) expect(d.message).toMatch(/^无权(访问|操作)：/);
  });

  it('names the agencies in a refusal', () => {
    const d = decide(P.ownerB, 'read', R.mine);
    expect(d).toEqual({ ok: false, message: `无权访问：该内容属于「${A}」，您只能访问「${B}」的内容。` });
  });
});

describe('mayEver (the route-level check)', () => {
  const table: Array<[Who, Permission, boolean]> = [
    ['viewer', 'act', false],
    ['owner', 'act', true],
    ['owner', 'people', false],
    ['office', 'people', true],
    ['office', 'ops', true],
    ['viewer', 'ops', false],
    ['office', 'mail', false],
    ['admin', 'mail', true],
    ['read', 'act', false],
    ['read', 'people', false],
    ['write', 'act', true],
    ['write', 'mail', false],
    ['tokenAdmin', 'people', true],
  ];
  it.each(table)('%s may ever %s → %p', (who, permission, allowed) => {
    expect(mayEver(P[who], permission).ok).toBe(allowed);
  });

  it('is never more permissive than decide on some resource', () => {
    for (const who of Object.keys(P) as Who[])
      for (const permission of ['read', 'act', 'audit', 'people', 'ops', 'mail'] as Permission[]) {
        const any = Object.values(R).some((r) => decide(P[who], permission, r).ok);
        if (any) expect(mayEver(P[who], permission).ok).toBe(true);
      }
  });
});

describe('actors and scopes', () => {
  it('names a person by address and a token by its id', () => {
    expect(actorOf(P.owner)).toBe('owner@x.cn');
    expect(actorOf(P.write)).toBe('token:write:1');
  });
  it('reads every agency as admin or token, else its own', () => {
    expect(readableAgencies(P.admin)).toBeNull();
    expect(readableAgencies(P.read)).toBeNull();
    expect(readableAgencies(P.office)).toEqual([A]);
  });
  it.each<[keyof typeof P | 'both', ReturnType<typeof homePage>, string]>([
    ['admin', { kind: 'roll-up' }, '预算单位总览'],
    ['read', { kind: 'roll-up' }, '预算单位总览'],
    ['office', { kind: 'agency', agency: A }, '本单位总览'],
    ['ownerB', { kind: 'agency', agency: B }, '本单位总览'],
    ['both', { kind: 'roll-up' }, '预算单位总览'],
  ])('home page of %s: %p, named %p', (who, want, name) => {
    const p = who === 'both' ? person('viewer', 'finance@x.cn', [A, B]) : P[who];
    expect(homePage(p)).toEqual(want);
    expect(homePageName(p)).toBe(name);
  });
});
