import { parseOwners } from '@iw/targets';
import { Directory, Ownership, type CatalogueFacts, type DirectoryEntry } from './directory';

const A = '甲单位';
const B = '乙单位';
const facts: CatalogueFacts = {
  projects: [
    { id: '2019.项目一', name: '项目一', agency: A },
    { id: '2019.项目二', name: '项目二', agency: B },
  ],
  indicators: [
    { id: '2019.项目一.指标甲', projectId: '2019.项目一' },
    { id: '2019.项目一.指标乙', projectId: '2019.项目一' },
    { id: '2019.项目二.指标丙', projectId: '2019.项目二' },
  ],
};
const owners = parseOwners(
  [
    'fallback: ops@x.cn',
    'projects:',
    '  项目一: [one@x.cn]',
    '  项目二: [Two@X.cn, one@x.cn]',
    'indicators:',
    '  项目一/指标乙: [special@x.cn]',
  ].join('\n'),
  'yaml',
);
const entry = (e: Partial<DirectoryEntry> & { email: string }): DirectoryEntry => ({
  name: e.email,
  agency: A,
  role: 'owner',
  linksValidFrom: 0,
  removed: false,
  ...e,
});

describe('Directory', () => {
  it('makes every owners-file address an owner of the agencies of what they own', () => {
    const d = new Directory([], new Ownership(owners, facts));
    expect(d.person('one@x.cn')).toMatchObject({ role: 'owner', agencies: [B, A], source: 'owners' });
    expect(d.person('TWO@x.cn')).toMatchObject({ email: 'two@x.cn', agencies: [B] });
    expect(d.person('special@x.cn')).toMatchObject({ agencies: [A] });
    // The fallback owns nothing here: every indicator has an owner.
    expect(d.person('ops@x.cn')).toBeNull();
    expect(d.person('stranger@x.cn')).toBeNull();
  });

  it('resolves owners as alerting routes mail: indicator override, then project; parts follow their indicator', () => {
    const d = new Directory([], new Ownership(owners, facts));
    expect(d.ownersOf('2019.项目一.指标甲', '2019.项目一')).toEqual(['one@x.cn']);
    expect(d.ownersOf('2019.项目一.指标乙', '2019.项目一')).toEqual(['special@x.cn']);
    expect(d.ownersOf('2019.项目一.指标乙~期', '2019.项目一')).toEqual(['special@x.cn']);
    expect(d.ownersOf('2019.项目二.指标丙', '2019.项目二')).toEqual(['two@x.cn', 'one@x.cn']);
    expect(d.ownersOf('2019.项目九.x', '2019.项目九')).toEqual([]);
    expect(d.agencyOfProject('2019.项目二')).toBe(B);
    expect(d.knowsAgency(B)).toBe(true);
    expect(d.knowsAgency(` ${A} `)).toBe(true);
    expect(d.knowsAgency('没有这个单位')).toBe(false);
  });

  it('lets an entry name a person, change their role and agency, or shut them out', () => {
    const d = new Directory(
      [
        entry({ email: 'one@x.cn', name: '王一', role: 'owner', agency: A, linksValidFrom: 5 }),
        entry({ email: 'office@x.cn', name: '李敏', role: 'office', agency: B }),
        entry({ email: 'root@x.cn', name: '管理员', role: 'admin', agency: null }),
        entry({ email: 'two@x.cn', removed: true }),
      ],
      new Ownership(owners, facts),
    );
    expect(d.person('one@x.cn')).toMatchObject({ name: '王一', agencies: [A], source: 'directory', linksValidFrom: 5 });
    expect(d.person('office@x.cn')).toMatchObject({ role: 'office', agencies: [B] });
    expect(d.person('root@x.cn')).toMatchObject({ role: 'admin', agencies: [] });
    expect(d.person('two@x.cn')).toBeNull();
    expect(d.people().map((p) => p.email)).toEqual(['office@x.cn', 'one@x.cn', 'root@x.cn', 'special@x.cn']);
  });

  it('keeps the revocation of an owners-file address without making it a directory entry', () => {
    const d = new Directory(
      [entry({ email: 'one@x.cn', linkStateOnly: true, linksValidFrom: 9, agency: null })],
      new Ownership(owners, facts),
    );
    expect(d.person('one@x.cn')).toMatchObject({ source: 'owners', agencies: [B, A], linksValidFrom: 9 });
    const unknown = new Directory([entry({ email: 'nobody@x.cn', linkStateOnly: true })], new Ownership(owners, facts));
    expect(unknown.person('nobody@x.cn')).toBeNull();
  });

  it('works without an owners file', () => {
    const d = new Directory([entry({ email: 'v@x.cn', role: 'viewer' })], new Ownership(null, facts));
    expect(d.person('v@x.cn')).toMatchObject({ role: 'viewer' });
    expect(d.ownersOf('2019.项目一.指标甲', '2019.项目一')).toEqual([]);
  });
});
