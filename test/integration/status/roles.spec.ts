import { IDS, TOKENS, startHarness, type StatusHarness } from './harness';
import {
  AGENCY_A,
  AGENCY_B,
  PEOPLE,
  createPeopleWorld,
  type PeopleWorld,
  type PersonName,
  type Session,
} from './people-world';

/**
 * Route by role: every route the status app registers (read from its Express router, as the
 * fault suite's 401 check does) is called as every kind of caller — nobody, each role of the
 * agency, an owner who does not own the indicator, people of another agency, and machine
 * tokens of each scope — and the answer must be the one the access rules give: served, 401 or
 * 403. A route missing from the table below fails the test: a new route needs its line here.
 */

jest.setTimeout(240_000);

let h: StatusHarness;
let w: PeopleWorld;
const sessions = new Map<string, Session>();

type Caller = 'nobody' | PersonName | 'tokenRead' | 'tokenWrite' | 'tokenAdmin';
const PERSONS = Object.keys(PEOPLE) as PersonName[];
const CALLERS: Caller[] = ['nobody', ...PERSONS, 'tokenRead', 'tokenWrite', 'tokenAdmin'];
const TOKEN = { tokenRead: 'role-read-0123456789abcdef', tokenWrite: 'role-write-0123456789abcde' };

beforeAll(async () => {
  h = await startHarness({
    IW_API_TOKENS: [`admin:${TOKENS[0]}`, `read:${TOKEN.tokenRead}`, `write:${TOKEN.tokenWrite}`].join(','),
  });
  w = await createPeopleWorld(h);
  for (const p of PERSONS) sessions.set(p, await w.signIn(PEOPLE[p].email));
});

afterAll(async () => {
  await w?.close();
  await h?.close();
});

type Answer = 'ok' | 401 | 403;

/** Who gets what, by rule (libs/people access table). */
const everyone = (): Answer => 'ok';
const agencyA = (c: Caller): Answer => (c === 'ownerB' || c === 'officeB' ? 403 : 'ok');
const actOnTarget = (c: Caller): Answer =>
  ['owner', 'office', 'admin', 'tokenWrite', 'tokenAdmin'].includes(c) ? 'ok' : 403;
const actAtAll = (c: Caller): Answer => (c === 'viewer' || c === 'tokenRead' ? 403 : 'ok');
const ops = (c: Caller): Answer =>
  ['office', 'officeB', 'admin', 'tokenRead', 'tokenWrite', 'tokenAdmin'].includes(c) ? 'ok' : 403;
const mail = (c: Caller): Answer => (c === 'admin' || c === 'tokenAdmin' ? 'ok' : 403);
const people = (c: Caller): Answer => (['office', 'officeB', 'admin', 'tokenAdmin'].includes(c) ? 'ok' : 403);

interface RouteCase {
  /** Filled path (and query). */
  url: () => string;
  body?: Record<string, unknown> | (() => Record<string, unknown>);
  /** An HTML form post (urlencoded) rather than JSON. */
  form?: boolean;
  /** Codes that mean "served" for this route. */
  ok: number[];
  rule: (c: Caller) => Answer;
}

const enc = encodeURIComponent;
const target = () => enc(w.target.id);
const alert = () => enc(w.alertId);

/** Every route, by `METHOD path` as the router holds it. */
const TABLE: Record<string, RouteCase> = {
  'GET /': { url: () => '/', ok: [200], rule: everyone },
  'GET /projects/:id': { url: () => `/projects/${enc(IDS.inspect)}`, ok: [200], rule: agencyA },
  'GET /indicators/:id': { url: () => `/indicators/${target()}`, ok: [200], rule: agencyA },
  'GET /mail': { url: () => '/mail', ok: [200], rule: mail },
  'GET /mail/:file': { url: () => '/mail/none.eml', ok: [404], rule: mail },
  'GET /assets/dashboard.js': { url: () => '/assets/dashboard.js', ok: [200], rule: everyone },
  'GET /status': { url: () => '/status', ok: [200], rule: ops },
  'GET /metrics': { url: () => '/metrics', ok: [200], rule: ops },
  'GET /api/dlq': { url: () => '/api/dlq', ok: [200], rule: ops },
  'GET /dlq': { url: () => '/dlq', ok: [200], rule: ops },
  'GET /ops': { url: () => '/ops', ok: [200], rule: ops },
  'GET /api/projects': { url: () => '/api/projects', ok: [200], rule: everyone },
  'GET /api/projects/:id': { url: () => `/api/projects/${enc(IDS.inspect)}`, ok: [200], rule: agencyA },
  'GET /api/projects/:id/monitoring-report': {
    url: () => `/api/projects/${enc(IDS.inspect)}/monitoring-report?format=json`,
    ok: [200],
    rule: agencyA,
  },
  'GET /api/agencies/:id/monitoring-report': {
    url: () => `/api/agencies/${enc(AGENCY_A)}/monitoring-report?format=json`,
    ok: [200],
    rule: agencyA,
  },
  'GET /api/agencies': { url: () => '/api/agencies', ok: [200], rule: everyone },
  'GET /api/indicators': { url: () => '/api/indicators', ok: [200], rule: everyone },
  'GET /api/indicators/:id': { url: () => `/api/indicators/${target()}`, ok: [200], rule: agencyA },
  'PUT /api/indicators/:id/deviation': {
    url: () => `/api/indicators/${target()}/deviation`,
    body: { category: '其他', remark: '说明', measures: '措施' },
    ok: [200],
    rule: actOnTarget,
  },
  'POST /api/indicators/:id/report': {
    url: () => `/api/indicators/${target()}/report`,
    body: { form: 'increment', value: 1 },
    ok: [202],
    rule: actOnTarget,
  },
  'GET /api/alerts': { url: () => '/api/alerts', ok: [200], rule: everyone },
  'POST /api/alerts/:id/ack': { url: () => `/api/alerts/${alert()}/ack`, body: {}, ok: [200], rule: actOnTarget },
  'POST /api/alerts/:id/silence': {
    url: () => `/api/alerts/${alert()}/silence`,
    body: { until: '2019-07-10' },
    ok: [200],
    rule: actOnTarget,
  },
  'POST /api/alerts/:id/unsilence': {
    url: () => `/api/alerts/${alert()}/unsilence`,
    body: {},
    ok: [200],
    rule: actOnTarget,
  },
  'GET /api/audit': { url: () => '/api/audit', ok: [200], rule: everyone },
  'GET /api/people': { url: () => '/api/people', ok: [200], rule: people },
  'GET /alerts': { url: () => '/alerts?status=all', ok: [200], rule: everyone },
  'GET /alerts/:id': { url: () => `/alerts/${alert()}`, ok: [200], rule: agencyA },
  // Bulk 确认: anyone who may act at all is served; what they may not act on is skipped.
  'POST /alerts/ack': {
    url: () => '/alerts/ack',
    body: () => ({ ids: w.alertId }),
    form: true,
    ok: [303],
    rule: actAtAll,
  },
  'POST /alerts/:id/ack': { url: () => `/alerts/${alert()}/ack`, body: {}, form: true, ok: [303], rule: actOnTarget },
  'POST /alerts/:id/silence': {
    url: () => `/alerts/${alert()}/silence`,
    body: { until: '2019-07-12' },
    form: true,
    ok: [303],
    rule: actOnTarget,
  },
  'POST /alerts/:id/unsilence': {
    url: () => `/alerts/${alert()}/unsilence`,
    body: {},
    form: true,
    ok: [303],
    rule: actOnTarget,
  },
  'POST /indicators/:id/report': {
    url: () => `/indicators/${target()}/report`,
    body: { form: 'increment', value: '1' },
    form: true,
    ok: [303],
    rule: actOnTarget,
  },
  'POST /indicators/:id/deviation': {
    url: () => `/indicators/${target()}/deviation`,
    body: { category: '其他', remark: '说明', measures: '措施' },
    form: true,
    ok: [303],
    rule: actOnTarget,
  },
  // Swagger UI (served by its own middleware, behind the same sign-in check).
  'GET /api/docs': { url: () => '/api/docs', ok: [200, 301], rule: everyone },
  'GET /api/docs/': { url: () => '/api/docs/', ok: [200], rule: everyone },
  'GET /api/docs/index.html': { url: () => '/api/docs/index.html', ok: [200], rule: everyone },
  'GET /api/docs/LICENSE': { url: () => '/api/docs/LICENSE', ok: [200, 404], rule: everyone },
  'GET /api/docs/docs/swagger-ui-init.js': {
    url: () => '/api/docs/docs/swagger-ui-init.js',
    ok: [200, 404],
    rule: everyone,
  },
  'GET /api/docs/openapi.json': { url: () => '/api/docs/openapi.json', ok: [200], rule: everyone },
  'GET /api/docs/openapi.yaml': { url: () => '/api/docs/openapi.yaml', ok: [200], rule: everyone },
  'GET /api/docs/swagger-ui-init.js': { url: () => '/api/docs/swagger-ui-init.js', ok: [200], rule: everyone },
};

/** Served to everyone alike, signed in or not (the same answer for every caller). */
const PUBLIC: Record<string, { url: () => string; body?: Record<string, string>; status: number[] }> = {
  'GET /health/live': { url: () => '/health/live', status: [200] },
  'GET /health/ready': { url: () => '/health/ready', status: [200, 503] },
  'GET /signin': { url: () => '/signin', status: [200] },
  // Without the sign-in form's token: refused alike.
  'POST /signin': { url: () => '/signin', body: { email: PEOPLE.office.email }, status: [403] },
  'GET /signin/:token': { url: () => '/signin/not-a-link', status: [403] },
};

/** Last, with sessions of their own: ends the session it is called with. */
const SIGN_OUT = 'POST /signout';

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

function routes(): string[] {
  const express = h.app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  const out: string[] = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods))
      if (on && method !== '_all') out.push(`${method.toUpperCase()} ${layer.route.path}`);
  }
  return out;
}

async function call(
  caller: Caller,
  method: string,
  url: string,
  body: Record<string, unknown> | undefined,
  form: boolean,
  session?: Session,
): Promise<number> {
  const headers: Record<string, string> = {};
  let payload: Record<string, unknown> | undefined = body;
  const s = session ?? sessions.get(caller);
  if (caller === 'tokenAdmin') headers.authorization = `Bearer ${TOKENS[0]}`;
  else if (caller === 'tokenRead' || caller === 'tokenWrite') headers.authorization = `Bearer ${TOKEN[caller]}`;
  else if (s) {
    headers.cookie = s.cookie;
    if (method !== 'GET') {
      if (form) payload = { ...(body ?? {}), _csrf: s.csrf };
      else headers['x-csrf-token'] = s.csrf;
    }
  }
  let data: string | undefined;
  if (method !== 'GET' && payload !== undefined) {
    headers['content-type'] = form ? 'application/x-www-form-urlencoded' : 'application/json';
    data = form
      ? new URLSearchParams(Object.entries(payload).map(([k, v]): [string, string] => [k, String(v)])).toString()
      : JSON.stringify(payload);
  }
  const res = await fetch(h.base + url, { method, headers, body: data, redirect: 'manual' });
  await res.arrayBuffer();
  return res.status;
}

it('every registered route is in the table', () => {
  const known = new Set([...Object.keys(TABLE), ...Object.keys(PUBLIC), SIGN_OUT]);
  const registered = routes();
  expect(registered.filter((r) => !known.has(r))).toEqual([]);
  // …and the table names no route that is not there.
  expect([...known].filter((r) => !registered.includes(r))).toEqual([]);
  expect(registered.length).toBeGreaterThan(35);
});

// One test per route (each with its own time bound: the machine may be loaded).
it.each(Object.keys(TABLE))('%s: each caller gets the answer its role gives', async (route) => {
  const c = TABLE[route];
  const method = route.split(' ')[0];
  const wrong: string[] = [];
  for (const caller of CALLERS) {
    const want = caller === 'nobody' ? 401 : c.rule(caller);
    const body = typeof c.body === 'function' ? c.body() : c.body;
    const status = await call(caller, method, c.url(), body, !!c.form);
    const got: 'ok' | number = status === 401 || status === 403 ? status : c.ok.includes(status) ? 'ok' : status;
    if (got !== want) wrong.push(`${route} as ${caller}: ${status}, expected ${want === 'ok' ? c.ok.join('/') : want}`);
  }
  expect(wrong).toEqual([]);
});

async function getJson<T>(caller: Caller, url: string): Promise<{ status: number; body: T }> {
  const headers: Record<string, string> = {};
  if (caller === 'tokenAdmin') headers.authorization = `Bearer ${TOKENS[0]}`;
  else if (caller === 'tokenRead' || caller === 'tokenWrite') headers.authorization = `Bearer ${TOKEN[caller]}`;
  else headers.cookie = sessions.get(caller)!.cookie;
  const res = await fetch(h.base + url, { headers, redirect: 'manual' });
  return { status: res.status, body: (await res.json()) as T };
}

interface AgencyRows {
  agencies: Array<{
    agency: string;
    projectCount: number;
    indicatorCount: number;
    likelihoods: Record<string, number>;
  }>;
}

it('GET /api/agencies rolls up per agency: a person sees their agency, admin and read tokens all', async () => {
  const all = await getJson<AgencyRows>('admin', '/api/agencies');
  expect(all.status).toBe(200);
  expect(all.body.agencies.map((a) => a.agency).sort()).toEqual([AGENCY_A, AGENCY_B].sort());
  const a = all.body.agencies.find((x) => x.agency === AGENCY_A)!;
  expect(a.projectCount).toBe(18);
  const counted = Object.values(a.likelihoods).reduce((x, y) => x + y, 0);
  expect(counted).toBe(a.indicatorCount);
  expect(Object.keys(a.likelihoods).sort()).toEqual(['不可能', '有可能', '暂无', '确定能'].sort());
  expect((await getJson<AgencyRows>('tokenRead', '/api/agencies')).body.agencies).toHaveLength(2);
  expect((await getJson<AgencyRows>('officeB', '/api/agencies')).body.agencies.map((x) => x.agency)).toEqual([
    AGENCY_B,
  ]);
  expect((await getJson<AgencyRows>('viewer', '/api/agencies')).body.agencies.map((x) => x.agency)).toEqual([AGENCY_A]);
});

it('?agency= narrows the project, indicator and alert lists, never beyond what the caller reads', async () => {
  type Projects = { projects: Array<{ budgetUnit: string }> };
  type Indicators = { indicators: Array<{ project: { id: string } }> };
  const q = (path: string, agency: string) => `${path}?agency=${enc(agency)}`;
  const onlyB = await getJson<Projects>('admin', q('/api/projects', AGENCY_B));
  expect(onlyB.body.projects.map((x) => x.budgetUnit)).toEqual([AGENCY_B]);
  expect((await getJson<Projects>('admin', q('/api/projects', ` ${AGENCY_A} `))).body.projects).toHaveLength(18);
  // Another agency's list, asked for by name, is empty for a person of agency A.
  expect((await getJson<Projects>('viewer', q('/api/projects', AGENCY_B))).body.projects).toEqual([]);
  const ind = await getJson<Indicators>('admin', q('/api/indicators', AGENCY_B));
  expect(ind.body.indicators.length).toBeGreaterThan(0);
  expect(ind.body.indicators.every((i) => i.project.id === IDS.evilProject)).toBe(true);
  // A person of agency A, asking for no agency, gets what the admin gets asking for A: only
  // those projects are judged for them, in the catalogue's order, with the same figures.
  const mine = await getJson<Indicators>('viewer', '/api/indicators');
  const asked = await getJson<Indicators>('admin', q('/api/indicators', AGENCY_A));
  expect(mine.body.indicators.length).toBeGreaterThan(0);
  expect(mine.body.indicators).toEqual(asked.body.indicators);
  expect(mine.body.indicators.some((i) => i.project.id === IDS.evilProject)).toBe(false);
  const alertsA = await getJson<{ alerts: unknown[] }>('admin', q('/api/alerts', AGENCY_A));
  expect(alertsA.status).toBe(200);
  expect(alertsA.body.alerts.length).toBeGreaterThan(0);
  expect((await getJson<unknown>('admin', q('/api/projects', ''))).status).toBe(400);
});

it('an agency the catalogue does not hold is a Chinese 404 on every list (to those who could read it)', async () => {
  const q = (path: string) => `${path}?agency=${enc('没有这个单位')}`;
  for (const path of ['/api/projects', '/api/indicators', '/api/alerts'])
    for (const caller of ['admin', 'tokenRead'] as const) {
      const res = await getJson<{ message: string }>(caller, q(path));
      expect([path, caller, res.status, res.body.message]).toEqual([
        path,
        caller,
        404,
        '找不到预算单位：没有这个单位（目标表目录中没有它的项目）',
      ]);
    }
  // A person of agency A learns nothing of other names: an empty list, as for agency B.
  expect((await getJson<{ projects: unknown[] }>('viewer', q('/api/projects'))).body.projects).toEqual([]);
});

it('GET /api/audit answers an unknown indicator with a 404 and an unknown filter with a 400 naming it', async () => {
  const unknown = await getJson<{ message: string }>('admin', `/api/audit?indicator=${enc('2019.没有.这个')}`);
  expect([unknown.status, unknown.body.message]).toEqual([404, '找不到指标：2019.没有.这个']);
  const known = await getJson<{ entries: unknown[] }>('admin', `/api/audit?indicator=${enc(w.target.id)}`);
  expect(known.status).toBe(200);
  const filter = await getJson<{ message: string[] }>('admin', '/api/audit?project=x');
  expect(filter.status).toBe(400);
  expect(filter.body.message.join(' ')).toMatch(/project/);
});

it('the home page: the roll-up for whoever reads several agencies, straight to the agency for a person of one', async () => {
  const home = async (caller: Caller, url = '/') => {
    const headers: Record<string, string> =
      caller === 'tokenRead'
        ? { authorization: `Bearer ${TOKEN.tokenRead}` }
        : { cookie: sessions.get(caller)!.cookie };
    const res = await fetch(h.base + url, { headers, redirect: 'manual' });
    return { status: res.status, text: await res.text() };
  };
  for (const caller of ['admin', 'tokenRead'] as const) {
    const r = await home(caller);
    expect(r.text).toContain('<h1>预算单位总览（2019年度）</h1>');
    expect(r.text).toContain(`data-agency="${AGENCY_B}"`);
  }
  for (const caller of ['viewer', 'owner', 'office'] as const) {
    const r = await home(caller);
    expect([caller, r.status]).toEqual([caller, 200]);
    expect(r.text).toContain(`<h1>${AGENCY_A}（2019年度）</h1>`);
    expect(r.text).not.toContain('预算单位总览');
    expect(r.text).not.toContain(`data-project="${IDS.evilProject}"`);
  }
  expect((await home('officeB')).text).toContain(`data-project="${IDS.evilProject}"`);
  // Another agency by name: refused; an unknown one: 404.
  expect((await home('viewer', `/?agency=${enc(AGENCY_B)}`)).status).toBe(403);
  const unknown = await home('admin', `/?agency=${enc('没有这个单位')}`);
  expect(unknown.status).toBe(404);
  expect(unknown.text).toContain('找不到预算单位：没有这个单位');
});

it('public routes answer everyone alike', async () => {
  const wrong: string[] = [];
  for (const [route, c] of Object.entries(PUBLIC)) {
    const method = route.split(' ')[0];
    for (const caller of CALLERS) {
      const status = await call(caller, method, c.url(), c.body, true);
      if (!c.status.includes(status)) wrong.push(`${route} as ${caller}: ${status}, expected ${c.status.join('/')}`);
    }
  }
  expect(wrong).toEqual([]);
});

it('signing out is for anyone signed in, and ends that session', async () => {
  const wrong: string[] = [];
  for (const caller of CALLERS) {
    const s = PERSONS.includes(caller as PersonName) ? await w.signIn(PEOPLE[caller as PersonName].email) : undefined;
    const status = await call(caller, 'POST', '/signout', {}, true, s);
    const want = caller === 'nobody' ? 401 : 303;
    if (status !== want) wrong.push(`${SIGN_OUT} as ${caller}: ${status}, expected ${want}`);
    if (s && (await fetch(`${h.base}/alerts`, { headers: { cookie: s.cookie }, redirect: 'manual' })).status !== 401)
      wrong.push(`${caller}'s session still works after signing out`);
  }
  expect(wrong).toEqual([]);
});
