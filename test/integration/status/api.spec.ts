import ExcelJS from 'exceljs';
import { AlertListSchema, AlertSchema } from '../../../apps/status/src/dtos/alert.dto';
import { IndicatorDetailSchema, IndicatorListSchema } from '../../../apps/status/src/dtos/indicator.dto';
import {
  MonitoringReportSchema,
  ProjectDetailSchema,
  ProjectListSchema,
} from '../../../apps/status/src/dtos/project.dto';
import { IDS, SEEDED, TOKENS, startHarness, type StatusHarness } from './harness';

/**
 * The status API against real MongoDB (FerretDB) and Kafka: every route answers with its
 * documented shape (the zod schemas that also feed /api/docs), 401 without a token on every
 * route the router knows except /health/*, deviations reach the 绩效监控表, and the .xlsx opens.
 */

jest.setTimeout(120_000);

let h: StatusHarness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

async function json(path: string, init?: RequestInit): Promise<{ status: number; body: any }> {
  const res = await h.get(path, init);
  return { status: res.status, body: await res.json() };
}

interface RouteLayer {
  route?: { path: string; methods: Record<string, boolean> };
}

/** Every route the running Express app serves, as [METHOD, path with params filled]. */
function routes(): Array<[string, string]> {
  const express = h.app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  const out: Array<[string, string]> = [];
  for (const layer of express.router.stack) {
    if (!layer.route) continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') out.push([method.toUpperCase(), layer.route.path.replace(/:(\w+)/g, 'x')]);
    }
  }
  return out;
}

describe('authentication', () => {
  it('the router serves every route the issue names (and docs)', () => {
    const list = routes().map(([m, p]) => `${m} ${p}`);
    expect(list).toEqual(
      expect.arrayContaining([
        'GET /',
        'GET /status',
        'GET /metrics',
        'GET /health/live',
        'GET /health/ready',
        'GET /api/projects',
        'GET /api/projects/x',
        'GET /api/projects/x/monitoring-report',
        'GET /api/agencies/x/monitoring-report',
        'GET /api/indicators',
        'GET /api/indicators/x',
        'PUT /api/indicators/x/deviation',
        'GET /api/alerts',
        'POST /api/alerts/x/ack',
        'POST /api/alerts/x/silence',
        'GET /api/docs',
      ]),
    );
  });

  it('answers 401 without a token, and with a wrong one, on every route but /health/* and sign-in', async () => {
    const guarded = routes().filter(([, p]) => !p.startsWith('/health/') && !/^\/signin(\/|$)/.test(p));
    expect(guarded.length).toBeGreaterThan(15);
    const seen: string[] = [];
    for (const [method, path] of guarded) {
      const variants: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer not-a-token' },
        { authorization: `Bearer ${TOKENS[0]}x` },
      ];
      for (const headers of variants) {
        const res = await fetch(h.base + path, {
          method,
          headers: { 'content-type': 'application/json', ...headers },
          body: method === 'GET' || method === 'HEAD' ? undefined : '{}',
          redirect: 'manual',
        });
        await res.arrayBuffer();
        if (res.status !== 401) seen.push(`${method} ${path} ${JSON.stringify(headers)} → ${res.status}`);
      }
    }
    expect(seen).toEqual([]);
  });

  it('serves /health/* without a token', async () => {
    expect((await fetch(`${h.base}/health/live`)).status).toBe(200);
  });

  it.each(TOKENS)('accepts each configured token (%#)', async (token) => {
    const res = await fetch(`${h.base}/api/projects`, { headers: { authorization: `Bearer ${token}` } });
    expect(res.status).toBe(200);
  });

  it('logs the dashboard in with ?token= once: HttpOnly cookie, redirect without the token; the cookie never authorises a change', async () => {
    const login = await fetch(`${h.base}/projects/${encodeURIComponent(IDS.inspect)}?token=${TOKENS[1]}&x=1`, {
      redirect: 'manual',
    });
    expect(login.status).toBe(303);
    expect(login.headers.get('location')).toBe(`/projects/${encodeURIComponent(IDS.inspect)}?x=1`);
    const setCookie = login.headers.get('set-cookie') ?? '';
    expect(setCookie).toMatch(/^iw_token=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = setCookie.split(';')[0];
    expect((await fetch(`${h.base}/`, { headers: { cookie } })).status).toBe(200);
    expect((await fetch(`${h.base}/api/projects`, { headers: { cookie } })).status).toBe(200);
    const put = await fetch(`${h.base}/api/indicators/${encodeURIComponent(IDS.gasoline)}/deviation`, {
      method: 'PUT',
      headers: { cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ category: '其他' }),
    });
    expect(put.status).toBe(401);
    expect((await fetch(`${h.base}/?token=wrong`, { redirect: 'manual' })).status).toBe(401);
  });

  it('protects the OpenAPI document and serves it with a token', async () => {
    expect((await fetch(`${h.base}/api/docs/openapi.json`)).status).toBe(401);
    const doc = (await (await h.get('/api/docs/openapi.json')).json()) as {
      paths: Record<string, unknown>;
      components: { securitySchemes: Record<string, unknown> };
    };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/projects',
        '/api/projects/{id}/monitoring-report',
        '/api/agencies/{id}/monitoring-report',
        '/api/indicators/{id}/deviation',
        '/api/alerts/{id}/silence',
        '/status',
      ]),
    );
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('projects', () => {
  it('lists projects with funds, spent, 预算执行率, time elapsed, status counts and lights', async () => {
    const { status, body } = await json('/api/projects');
    expect(status).toBe(200);
    const list = ProjectListSchema.parse(body);
    expect(list.fiscalYear).toBe(2019);
    expect(list.projects).toHaveLength(19);
    const p = list.projects.find((x) => x.id === IDS.inspect)!;
    expect(p).toMatchObject({ funds: { total: 187.5, unit: '万元' }, spent: 60, executionRate: 32 });
    expect(p.timeElapsed).toBeCloseTo(49.7, 0);
    const total = Object.values(p.statusCounts).reduce((a, b) => a + b, 0);
    expect(total).toBe(p.indicatorCount);
    expect(p.lights.确定能 + p.lights.有可能 + p.lights.不可能 + p.lights.无).toBe(p.indicatorCount);
    expect(p.lights.有可能).toBeGreaterThanOrEqual(2); // gasoline behind pace, diesel settled at_risk
  });

  it('shows one project with its indicators; 404 for an unknown one', async () => {
    const { status, body } = await json(`/api/projects/${encodeURIComponent(IDS.inspect)}`);
    expect(status).toBe(200);
    const p = ProjectDetailSchema.parse(body);
    expect(p.indicators.map((i) => i.id)).toEqual(expect.arrayContaining([IDS.gasoline, IDS.diesel]));
    expect((await h.get('/api/projects/2019.nope')).status).toBe(404);
  });
});

describe('indicators', () => {
  it('carries id, project, levels, name, value, target, actual, expected, forecast, status, likelihood, reason, lastEventAt', async () => {
    const { body } = await json(`/api/indicators?project=${encodeURIComponent(IDS.inspect)}`);
    const list = IndicatorListSchema.parse(body);
    expect(new Set(list.indicators.map((i) => i.project.id))).toEqual(new Set([IDS.inspect]));
    const gas = list.indicators.find((i) => i.id === IDS.gasoline)!;
    expect(gas).toMatchObject({
      project: { id: IDS.inspect },
      level2: '数量指标',
      name: '汽油抽检批次',
      target: { kind: 'numeric', op: '>=', value: 700 },
      unit: '批次',
      actual: SEEDED.gasolineBatches,
      status: 'at_risk',
      likelihood: '有可能',
      settled: false,
      lastEventAt: '2019-06-28T10:00:00+08:00',
    });
    // Linear pace: 700 × (181.5 / 365) by noon on 1 July.
    expect(gas.expected).toBeCloseTo((700 * 181.5) / 365, 0);
    expect(gas.forecast).toBeCloseTo(SEEDED.gasolineBatches / (181.5 / 365), 0);
    expect(gas.reason).toMatch(/\S/);
  });

  it('prefers alerting’s settled status and says so', async () => {
    const { body } = await json(`/api/indicators/${encodeURIComponent(IDS.diesel)}`);
    const d = IndicatorDetailSchema.parse(body);
    expect(d).toMatchObject({ status: 'at_risk', settled: true, actual: SEEDED.dieselBatches });
    // The day's increment (from 0: a count), and the linear pace's value at that day's end (300 × 152/365).
    expect(d.history).toEqual([
      { date: '2019-06-01', actual: SEEDED.dieselBatches, increment: SEEDED.dieselBatches, expected: 124.9315 },
    ]);
  });

  it('shows a compound indicator part by part, with each part’s history', async () => {
    const d = IndicatorDetailSchema.parse((await json(`/api/indicators/${encodeURIComponent(IDS.training)}`)).body);
    expect(d.actual).toBeNull();
    expect(d.parts!.map((p) => p.label)).toEqual(['期', '天', '人']);
    expect(d.parts![0]).toMatchObject({ actual: 12, history: [{ date: '2019-04-01', actual: 12 }] });
    expect(d.history).toEqual([]);
  });

  it.each([
    ['on_track,no_data', (s: string) => s === 'on_track' || s === 'no_data'],
    ['at_risk,off_track', (s: string) => s === 'at_risk' || s === 'off_track'],
  ])('filters by status=%s', async (status, ok) => {
    const list = IndicatorListSchema.parse((await json(`/api/indicators?status=${status}`)).body);
    expect(list.indicators.length).toBeGreaterThan(0);
    expect(list.indicators.every((i) => ok(i.status))).toBe(true);
  });

  it('filters by the status as shown: on_track only with data (确定能), none without', async () => {
    const onTrack = IndicatorListSchema.parse((await json('/api/indicators?status=on_track')).body).indicators;
    expect(onTrack.filter((i) => i.likelihood !== '确定能').map((i) => i.id)).toEqual([]);
    const noData = IndicatorListSchema.parse((await json('/api/indicators?status=no_data')).body).indicators;
    expect(noData.length).toBeGreaterThan(0);
    // A compound indicator shows its worst part's status; its likelihood is the worst of the parts that have one.
    const own = noData.filter((i) => i.parts === null);
    expect(own.length).toBeGreaterThan(0);
    expect(own.filter((i) => i.likelihood !== null || i.statusLabel !== '暂无数据').map((i) => i.id)).toEqual([]);
  });

  it.each([
    ['/api/indicators?status=sideways', 400],
    ['/api/indicators?project[$ne]=x', 400],
    ['/api/indicators?projekt=x', 400],
    ['/api/alerts?state[$gt]=', 400],
    ['/api/indicators?project=a&project=b', 400],
    ['/api/indicators/2019.nope', 404],
  ])('%s → %i', async (path, code) => {
    expect((await h.get(path)).status).toBe(code);
  });
});

describe('deviation', () => {
  const put = (id: string, body: unknown) =>
    h.get(`/api/indicators/${encodeURIComponent(id)}/deviation`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });

  it.each([
    [{ category: '天气' }],
    [{ category: { $gt: '' } }],
    [{ category: '其他', remark: { $set: { archived: true } } }],
    [{ category: '其他', $where: '1' }],
    [{ remark: 'no category' }],
    [{ category: '其他', remark: 'x'.repeat(2001) }],
  ])('refuses %j with 400', async (body) => {
    const res = await put(IDS.gasoline, body);
    expect(res.status).toBe(400);
  });

  it('stores the reason and measures; they show on the indicator and in the 绩效监控表 (JSON and .xlsx)', async () => {
    const res = await put(IDS.gasoline, {
      category: '人员保障',
      remark: '抽检人员不足',
      measures: '下半年增派人员',
      by: '<i>张三</i>',
    });
    expect(res.status).toBe(200);
    const d = IndicatorDetailSchema.parse(await res.json());
    expect(d.deviation).toMatchObject({
      category: '人员保障',
      remark: '抽检人员不足',
      measures: '下半年增派人员',
      updatedBy: '<i>张三</i>',
    });
    expect((await put('2019.nope', { category: '其他' })).status).toBe(404);

    // Recorded on 1 July (the clock's today): in the report as of 1 July, not in one as of 30 June.
    const before = MonitoringReportSchema.parse(
      (await json(`/api/projects/${encodeURIComponent(IDS.inspect)}/monitoring-report?asOf=2019-06-30`)).body,
    );
    expect(before.indicators.find((r) => r.indicatorId === IDS.gasoline)).toMatchObject({
      deviation: null,
      measures: '',
    });
    const report = MonitoringReportSchema.parse(
      (await json(`/api/projects/${encodeURIComponent(IDS.inspect)}/monitoring-report?asOf=2019-07-01`)).body,
    );
    expect(report).toMatchObject({ asOf: '2019-07-01', month: 6, projectId: IDS.inspect });
    expect(report.funding[0]).toMatchObject({ label: '年度资金总额', budget: 187.5, executed: 60, executionRate: 32 });
    const gas = report.indicators.find((r) => r.indicatorId === IDS.gasoline)!;
    expect(gas).toMatchObject({
      value: '≥ 700 批次',
      execution: '300批次',
      likelihood: '有可能',
      deviation: { category: '人员保障', remark: '抽检人员不足' },
      measures: '下半年增派人员',
    });

    const xlsx = await h.get(
      `/api/projects/${encodeURIComponent(IDS.inspect)}/monitoring-report?asOf=2019-07-01&format=xlsx`,
    );
    expect(xlsx.status).toBe(200);
    expect(xlsx.headers.get('content-type')).toMatch(/spreadsheetml/);
    expect(xlsx.headers.get('content-disposition')).toMatch(/attachment; filename="monitoring-report-2019-07-01.xlsx"/);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(await xlsx.arrayBuffer());
    const ws = wb.worksheets[0];
    const rows: string[][] = [];
    ws.eachRow((row) =>
      rows.push((row.values as unknown[]).slice(1).map((v) => (v == null ? '' : String(v as string)))),
    );
    const gasRow = rows.find((r) => r[3] === '汽油抽检批次')!;
    expect(gasRow.slice(4, 6)).toEqual(['≥ 700 批次', '300批次']);
    expect(gasRow[8]).toBe('✓'); // 有可能
    expect(gasRow[12]).toBe('抽检人员不足'); // 人员保障
    expect(gasRow[15]).toBe('下半年增派人员');
    // Every indicator of the project has its row, under the two-row header.
    expect(rows.filter((r) => r[3] && report.indicators.some((i) => i.name === r[3]))).toHaveLength(
      report.indicators.length,
    );
    expect(
      rows.some((r) => r.includes('1-6月执行情况') && r.includes('完成目标可能性') && r.includes('偏差原因分析')),
    ).toBe(true);
    expect(rows.find((r) => r[1] === '年度资金总额')!.slice(4, 9)).toEqual(['187.5', '187.5', '60', '60', '32']);
  });

  it.each(['2019-02-30', '2018-12-31', 'today'])('refuses asOf=%s with 400', async (asOf) => {
    expect(
      (await h.get(`/api/projects/${encodeURIComponent(IDS.inspect)}/monitoring-report?asOf=${asOf}`)).status,
    ).toBe(400);
  });
});

describe('alerts', () => {
  it('lists alerts, filters by state and project', async () => {
    const all = AlertListSchema.parse((await json('/api/alerts')).body);
    expect(all.alerts.map((a) => a.id).sort()).toEqual([IDS.diesel, IDS.gasoline].sort());
    const open = AlertListSchema.parse((await json('/api/alerts?state=open')).body);
    expect(open.alerts.map((a) => a.id)).toEqual([IDS.gasoline]);
    expect((await json(`/api/alerts?project=${encodeURIComponent(IDS.gongshang)}`)).body.alerts).toEqual([]);
    expect((await h.get('/api/alerts?state=maybe')).status).toBe(400);
  });

  const post = (path: string, body?: unknown) =>
    h.get(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('acknowledges an open alert (409 when it is not open, 404 when unknown)', async () => {
    const res = await post(`/api/alerts/${encodeURIComponent(IDS.gasoline)}/ack`, { by: 'choujian' });
    expect(res.status).toBe(200);
    const a = AlertSchema.parse(await res.json());
    expect(a).toMatchObject({
      id: IDS.gasoline,
      acknowledgedBy: 'choujian',
      acknowledgedAt: new Date(h.clock.now()).toISOString(),
    });
    expect((await post(`/api/alerts/${encodeURIComponent(IDS.diesel)}/ack`)).status).toBe(409);
    expect((await post('/api/alerts/nope/ack')).status).toBe(404);
  });

  it('silences until a date (through its end, local time); refuses a past or malformed date', async () => {
    const res = await post(`/api/alerts/${encodeURIComponent(IDS.gasoline)}/silence`, { until: '2019-07-15' });
    expect(res.status).toBe(200);
    const a = AlertSchema.parse(await res.json());
    expect(a).toMatchObject({ silencedUntil: '2019-07-15T16:00:00.000Z', silenced: true });
    const listed = AlertListSchema.parse((await json('/api/alerts?state=open')).body).alerts[0];
    expect(listed.silenced).toBe(true);
    expect(
      (await post(`/api/alerts/${encodeURIComponent(IDS.gasoline)}/silence`, { until: '2019-01-01' })).status,
    ).toBe(409);
    expect((await post(`/api/alerts/${encodeURIComponent(IDS.gasoline)}/silence`, { until: 'soon' })).status).toBe(409);
    expect((await post(`/api/alerts/${encodeURIComponent(IDS.gasoline)}/silence`, {})).status).toBe(400);
    expect((await post(`/api/alerts/${encodeURIComponent(IDS.gasoline)}/silence`, { until: { $gt: '' } })).status).toBe(
      400,
    );
  });
});
