import * as os from 'node:os';
import * as path from 'node:path';
import { memoryIo, runCli } from '@iw/cli';
import { startHarness, type StatusHarness } from './harness';
import { AGENCY_A, sessionCookie } from './people-world';

/**
 * `iw people list|add|remove|revoke|import|link` against the real FerretDB, with the status app
 * running on the same database: what the CLI changes is what the app lets in or shuts out.
 */

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../..');
const NEWCOMER = 'xin.ren@example.gov.cn';
/** The status app reads the directory again after this long (PeopleService). */
const DIRECTORY_RELOAD_MS = 3500;

let h: StatusHarness;

beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

/** Runs `iw …` in memory against the harness's database, links pointing at its app. */
async function iw(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const env = {
    MONGO_URL: h.mongoUrl,
    IW_PUBLIC_URL: h.base,
    IW_PEOPLE: path.join(ROOT, 'samples/people.yaml'),
    IW_OWNERS: path.join(ROOT, 'samples/owners.yaml'),
  };
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  try {
    const io = memoryIo();
    const code = await runCli(['node', 'iw', ...args], io);
    return { code, out: io.stdout(), err: io.stderr() };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

interface Listed {
  email: string;
  name: string;
  role: string;
  agencies: string[];
  source: string;
}

async function list(): Promise<Listed[]> {
  const r = await iw('people', 'list', '--json');
  expect(r).toMatchObject({ code: 0, err: '' });
  return JSON.parse(r.out) as Listed[];
}

/** The link `iw people link` printed as its last line. */
async function link(email: string, next?: string): Promise<string> {
  const r = await iw('people', 'link', email, ...(next ? ['--next', next] : []));
  expect(r.code).toBe(0);
  const last = r.out.trimEnd().split('\n').pop()!;
  expect(last.startsWith(`${h.base}/signin/`)).toBe(true);
  return last;
}

const open = (url: string, cookie?: string) => fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('import loads the people file; list shows its entries and the owners of the owners file', async () => {
  const first = await iw('people', 'import');
  expect(first.code).toBe(0);
  expect(first.out).toMatch(/people\.yaml: 5 added, 0 updated, 0 unchanged/);
  expect((await iw('people', 'import')).out).toMatch(/0 added, 0 updated, 5 unchanged/);

  const people = await list();
  expect(people.find((p) => p.email === 'jixiao@example.gov.cn')).toMatchObject({
    name: '李敏',
    role: 'office',
    agencies: [AGENCY_A],
    source: 'directory',
  });
  expect(people.find((p) => p.email === 'caiwu.chakan@example.gov.cn')).toMatchObject({ role: 'viewer' });
  // An address only the owners file names is an owner without further setup.
  const fromOwners = people.filter((p) => p.source === 'owners');
  expect(fromOwners.length).toBeGreaterThan(0);
  expect(fromOwners.every((p) => p.role === 'owner')).toBe(true);

  const table = await iw('people', 'list');
  expect(table.out.split('\n')[0]).toMatch(/^EMAIL\s+NAME\s+ROLE\s+AGENCY\s+SOURCE$/);
  expect(table.out).toContain('李敏');
});

it('add refuses an unknown role or a missing agency, and changes nothing then', async () => {
  const role = await iw('people', 'add', NEWCOMER, '--name', '新人', '--agency', AGENCY_A, '--role', 'boss');
  expect(role.code).not.toBe(0);
  expect(role.err).toMatch(/owner.*office.*viewer.*admin/);
  const agency = await iw('people', 'add', NEWCOMER, '--name', '新人', '--role', 'viewer');
  expect(agency.code).not.toBe(0);
  expect(agency.err).toMatch(/agency/);
  expect((await list()).some((p) => p.email === NEWCOMER)).toBe(false);
  const unknown = await iw('people', 'link', NEWCOMER);
  expect(unknown.code).not.toBe(0);
  expect(unknown.err).toContain('not in the people directory');
});

it('a person added, then their printed link signs them in to the page it names', async () => {
  const added = await iw('people', 'add', NEWCOMER, '--name', '新人', '--agency', AGENCY_A, '--role', 'viewer');
  expect(added).toMatchObject({ code: 0, out: `added ${NEWCOMER} (新人, viewer, ${AGENCY_A})\n` });
  expect((await list()).find((p) => p.email === NEWCOMER)).toMatchObject({ role: 'viewer', source: 'directory' });

  await wait(DIRECTORY_RELOAD_MS);
  const res = await open(await link(NEWCOMER, '/alerts'));
  expect(res.status).toBe(303);
  expect(res.headers.get('location')).toBe('/alerts');
  const cookie = sessionCookie(res);
  const page = await open(`${h.base}/alerts`, cookie);
  expect(page.status).toBe(200);
  expect(await page.text()).toContain('新人');

  const audit = (await (await h.get(`/api/audit?actor=${encodeURIComponent(NEWCOMER)}`)).json()) as {
    entries: Array<{ actor: string; action: string }>;
  };
  expect(audit.entries.map((e) => e.action)).toEqual(['sign_in']);
});

it('revoke refuses the links printed before it and ends the sessions; a new link works', async () => {
  const before = await link(NEWCOMER);
  const cookie = sessionCookie(await open(before));
  await wait(5); // a later millisecond than the link's issue time
  const r = await iw('people', 'revoke', NEWCOMER);
  expect(r).toMatchObject({ code: 0 });
  expect(r.out).toMatch(/issued until now are refused; [12] session\(s\) ended/);
  await wait(DIRECTORY_RELOAD_MS);

  const refused = await open(before);
  expect(refused.status).toBe(403);
  expect(await refused.text()).toContain('已被撤销');
  expect((await open(`${h.base}/alerts`, cookie)).status).toBe(401);
  await wait(5);
  expect((await open(await link(NEWCOMER))).status).toBe(303);
});

it('remove shuts the person out: links refused, sessions ended, gone from the list', async () => {
  const printed = await link(NEWCOMER);
  const cookie = sessionCookie(await open(printed));
  const r = await iw('people', 'remove', NEWCOMER);
  expect(r.code).toBe(0);
  expect(r.out).toMatch(new RegExp(`^removed ${NEWCOMER.replace(/\./g, '\\.')}; [12] session\\(s\\) ended\\n$`));
  await wait(DIRECTORY_RELOAD_MS);

  const refused = await open(printed);
  expect(refused.status).toBe(403);
  expect(await refused.text()).toContain('不在名单中');
  expect((await open(`${h.base}/alerts`, cookie)).status).toBe(401);
  expect((await list()).some((p) => p.email === NEWCOMER)).toBe(false);
  expect((await iw('people', 'link', NEWCOMER)).code).not.toBe(0);
  expect((await iw('people', 'remove', NEWCOMER)).out).toMatch(/^already removed/);
});

it('every change the CLI made to the directory, and every link it printed, is in the audit log', async () => {
  const actor = `cli:${os.userInfo().username}`;
  const audit = (await (await h.get(`/api/audit?actor=${encodeURIComponent(actor)}`)).json()) as {
    entries: Array<{ actor: string; action: string; target: string; role: string; before: unknown; after: unknown }>;
  };
  const mine = audit.entries.filter((e) => e.target === NEWCOMER);
  const actions = mine.map((e) => e.action);
  // Newest first: the last remove, the revoke and links between, the first add.
  expect(actions[0]).toBe('person_remove');
  expect(actions.at(-1)).toBe('person_put');
  expect(actions).toContain('person_revoke');
  expect(actions.filter((a) => a === 'issue_link').length).toBeGreaterThanOrEqual(4);
  // A refused add, a refused link and the second remove changed nothing and left no entry.
  expect(actions.filter((a) => a === 'person_remove')).toHaveLength(1);
  expect(actions.filter((a) => a === 'person_put')).toHaveLength(1);
  expect(mine.every((e) => e.role === 'cli')).toBe(true);
  const put = mine.find((e) => e.action === 'person_put')!;
  expect(put.before).toBeNull();
  expect(put.after).toMatchObject({ email: NEWCOMER, name: '新人', role: 'viewer', agency: AGENCY_A });
});
