import { transition } from '@iw/alerts';
import { AlertRepository, PeopleRepository, WritesLater } from '@iw/mongo';
import { ownersFor, parseOwners } from '@iw/targets';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AlertList } from '../../../apps/status/src/dtos/alert.dto';
import type { AuditList } from '../../../apps/status/src/dtos/audit.dto';
import type { ProjectList } from '../../../apps/status/src/dtos/project.dto';
import type { ReportResult } from '../../../apps/status/src/dtos/report.dto';
import { waitFor } from '@iw/testing';
import { consumeExactly, text } from '../simulator/consume';
import { IDS, NOW, P_INSPECT, startHarness, type StatusHarness } from './harness';
import { AGENCY_A, PEOPLE, atRisk, createPeopleWorld, sessionCookie, type PeopleWorld } from './people-world';

/**
 * People in the status app, over HTTP against the real MongoDB, Kafka and SMTP: personal links
 * open sessions (HttpOnly, SameSite=Lax); tampered, expired, revoked and unknown links are
 * refused with a page; changes need the session's CSRF token; actions land in the audit log,
 * which is only ever appended to; 填报 goes to Kafka as an actuals.measurements event; the
 * sign-in page mails links to known addresses only, saying the same thing to everyone.
 */

jest.setTimeout(180_000);

let h: StatusHarness;
let w: PeopleWorld;

beforeAll(async () => {
  h = await startHarness();
  w = await createPeopleWorld(h);
});

afterAll(async () => {
  await w?.close();
  await h?.close();
});

const json = async <T>(res: Response | Promise<Response>): Promise<T> => (await (await res).json()) as T;

const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  fetch(h.base + path, { redirect: 'manual', headers: { ...(cookie ? { cookie } : {}), ...headers } });

function form(path: string, cookie: string, fields: Record<string, string>) {
  return fetch(h.base + path, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
  });
}

describe('personal links', () => {
  it('open a session: HttpOnly, SameSite=Lax, then the page the link names', async () => {
    const res = await get(`/signin/${w.token(PEOPLE.owner.email)}?next=${encodeURIComponent('/alerts?status=all')}`);
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/alerts?status=all');
    const set = res.headers.getSetCookie().find((c) => c.startsWith('iw_session='))!;
    expect(set).toMatch(/HttpOnly/i);
    expect(set).toMatch(/SameSite=Lax/i);
    expect(set).not.toMatch(/Secure/i); // http:// public URL
    const page = await get('/alerts', sessionCookie(res));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(`data-signed-in="${PEOPLE.owner.email}"`);
  });

  it('never redirect off the site', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const res = await get(`/signin/${w.token(PEOPLE.owner.email)}?next=${encodeURIComponent(next)}`);
      expect([res.status, res.headers.get('location')]).toEqual([303, '/']);
    }
  });

  it.each<[string, () => string, string]>([
    [
      'tampered',
      () => w.token(PEOPLE.owner.email).replace(/.(?=\.)/, (c) => (c === 'A' ? 'B' : 'A')),
      '链接内容已被修改',
    ],
    [
      'expired',
      () => w.token(PEOPLE.owner.email, { issuedAt: Date.now() - 20 * 86_400_000, expiresAt: Date.now() - 1000 }),
      '登录链接已过期',
    ],
    ['for nobody known', () => w.token('stranger@example.gov.cn'), '不在名单中'],
    ['truncated', () => w.token(PEOPLE.owner.email).slice(0, 40), '不完整'],
  ])('refuse a %s link with a page, never a session or a stack trace', async (_, token, message) => {
    const res = await get(`/signin/${token()}`);
    expect(res.status).toBe(403);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.headers.getSetCookie().some((c) => c.startsWith('iw_session='))).toBe(false);
    const body = await res.text();
    expect(body).toContain(message);
    expect(body).toContain('/signin');
    expect(body).not.toMatch(/at .*\.ts:\d+|Error:/);
  });

  it('stop working when revoked, and take the sessions with them', async () => {
    const email = PEOPLE.viewer.email;
    const before = w.token(email, { issuedAt: Date.now() - 60_000 });
    const s = await w.signIn(email);
    await new PeopleRepository(w.conn).revoke(email, new Date());
    await new Promise((r) => setTimeout(r, 3500)); // the directory is reloaded every 3 s
    const refused = await get(`/signin/${before}`);
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('已被撤销');
    expect((await get('/alerts', s.cookie)).status).toBe(401);
    // A link issued after the revocation works.
    expect((await get(`/signin/${w.token(email)}`)).status).toBe(303);
  });
});

describe('the indicator page', () => {
  it('shows an alert alerting has claimed but not yet written: the owner may open its mail first', async () => {
    // Alerting claims a progress batch's alerts, sends their mails, then writes the alerts.
    const owners = parseOwners(
      fs.readFileSync(path.resolve(__dirname, '../../../samples/owners.yaml'), 'utf8'),
      'yaml',
    );
    const unit = [...h.units.values()].find(
      (u) =>
        u.projectId === IDS.inspect &&
        u.kind === 'indicator' &&
        u.id !== w.target.id &&
        ownersFor(owners, P_INSPECT, u.id).includes(PEOPLE.owner.email),
    )!;
    const opened = transition(null, atRisk(unit), NOW - 3_600_000).alert!;
    const later = new WritesLater();
    const alerts = new AlertRepository(w.conn);
    expect(await alerts.save([{ alert: opened, expectedRev: null }], later)).toEqual([]);
    expect((await alerts.list({ indicatorId: unit.id })).length).toBe(0);

    const s = await w.signIn(PEOPLE.owner.email);
    const page = await (await get(`/indicators/${encodeURIComponent(unit.id)}`, s.cookie)).text();
    const at = page.indexOf(`data-alert="${unit.id}"`);
    expect(at).toBeGreaterThan(0);
    expect(page.slice(at, page.indexOf('</tr>', at))).toContain('确认告警');
    await later.flush();
  });
});

describe('changes', () => {
  it('need the session’s CSRF token; with it they are done and recorded in the audit log', async () => {
    const s = await w.signIn(PEOPLE.owner.email);
    const path = `/alerts/${encodeURIComponent(w.alertId)}/silence`;
    const without = await form(path, s.cookie, { until: '2019-07-20' });
    expect(without.status).toBe(403);
    expect(await without.text()).toContain('CSRF');
    const wrong = await form(path, s.cookie, { until: '2019-07-20', _csrf: `${s.csrf}x` });
    expect(wrong.status).toBe(403);
    // The API takes the token as a header.
    const apiWithout = await fetch(`${h.base}/api/alerts/${encodeURIComponent(w.alertId)}/silence`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json' },
      body: JSON.stringify({ until: '2019-07-20' }),
    });
    expect(apiWithout.status).toBe(403);
    let audit = await json<AuditList>(get(`/api/audit?indicator=${encodeURIComponent(w.target.id)}`, s.cookie));
    expect(audit.entries.filter((e) => e.action === 'silence')).toEqual([]);

    const ok = await form(path, s.cookie, { until: '2019-07-20', _csrf: s.csrf, back: `/indicators/${w.target.id}` });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe(`/indicators/${encodeURIComponent(w.target.id)}?done=silence`);
    audit = await json<AuditList>(get(`/api/audit?indicator=${encodeURIComponent(w.target.id)}`, s.cookie));
    const entry = audit.entries.find((e) => e.action === 'silence');
    expect(entry).toMatchObject({
      actor: PEOPLE.owner.email,
      actorName: PEOPLE.owner.name,
      role: 'owner',
      target: w.alertId,
      indicatorId: w.target.id,
      agency: AGENCY_A,
      at: '2019-07-01T04:00:00.000Z',
      before: { silencedUntil: null },
      after: { silencedUntil: '2019-07-20T16:00:00.000Z', silencedBy: PEOPLE.owner.email },
    });
    expect(Math.abs(Date.parse(entry!.recordedAt) - Date.now())).toBeLessThan(60_000);
    expect(entry!.address).toMatch(/127\.0\.0\.1/);
  });

  it('are never taken on a GET', async () => {
    const s = await w.signIn(PEOPLE.owner.email);
    for (const p of [
      `/alerts/${encodeURIComponent(w.alertId)}/ack`,
      `/indicators/${encodeURIComponent(w.target.id)}/report`,
    ])
      expect((await get(p, s.cookie)).status).toBe(404);
    const page = await get(`/alerts/${encodeURIComponent(w.alertId)}`, s.cookie);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('确认告警');
    expect(html).toMatch(/<form class="inline" method="post" action="\/alerts\/[^"]+\/ack">/);
    // The unit's figures as judged now, not those the alert stored when it opened (进度落后).
    const detail = await json<{ reason: string }>(get(`/api/indicators/${encodeURIComponent(w.target.id)}`, s.cookie));
    expect(detail.reason).not.toBe('进度落后');
    expect(html).toContain(`<tr><th>原因</th><td>${detail.reason}</td></tr>`);
    const stored = await json<AlertList>(get('/api/alerts?state=open', s.cookie));
    expect(stored.alerts.find((a) => a.id === w.alertId)!.acknowledgedAt).toBeNull();
  });

  it('publish a 填报 as an actuals.measurements event with the person as its source, and audit it', async () => {
    const s = await w.signIn(PEOPLE.owner.email);
    const res = await fetch(`${h.base}/api/indicators/${encodeURIComponent(w.target.id)}/report`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': s.csrf },
      body: JSON.stringify({ form: 'increment', value: 3, note: '第三季度补报' }),
    });
    expect(res.status).toBe(202);
    const r = await json<ReportResult>(res);
    expect(r.unit).toBe(w.target.id);
    expect(r.summary).toMatch(/^新增 3/);
    const messages = await consumeExactly([h.topics.measurements], 1);
    const event = JSON.parse(text(messages[0].value));
    expect(event).toMatchObject({
      eventId: r.eventId,
      source: PEOPLE.owner.email,
      schemaVersion: 1,
      indicatorId: w.target.id,
      kind: 'increment',
      value: 3,
      note: '第三季度补报',
      occurredAt: '2019-07-01T12:00:00+08:00',
    });
    expect(r.eventId).toMatch(/^report-[0-9a-f-]{36}$/);
    const audit = await json<AuditList>(get(`/api/audit?actor=${encodeURIComponent(PEOPLE.owner.email)}`, s.cookie));
    expect(audit.entries.find((e) => e.action === 'report')).toMatchObject({
      target: w.target.id,
      after: { eventId: r.eventId },
    });
    const bad = await fetch(`${h.base}/api/indicators/${encodeURIComponent(w.target.id)}/report`, {
      method: 'POST',
      headers: { cookie: s.cookie, 'content-type': 'application/json', 'x-csrf-token': s.csrf },
      body: JSON.stringify({ form: 'assessment', likelihood: '确定能', text: 'x' }),
    });
    expect(bad.status).toBe(400);
    expect((await json<{ message: string }>(bad)).message).toContain('只能按以下方式填报');
  });

  it('leave earlier audit entries exactly as they were', async () => {
    const s = await w.signIn(PEOPLE.office.email);
    const before = (await json<AuditList>(get('/api/audit?limit=5000', s.cookie))).entries;
    expect(before.length).toBeGreaterThan(3);
    const ok = await form(`/indicators/${encodeURIComponent(w.target.id)}/deviation`, s.cookie, {
      _csrf: s.csrf,
      category: '经费保障',
      remark: '资金到位晚',
      measures: '加快支付',
    });
    expect(ok.status).toBe(303);
    const after = (await json<AuditList>(get('/api/audit?limit=5000', s.cookie))).entries;
    expect(after.length).toBe(before.length + 1);
    expect(after.slice(1)).toEqual(before);
    expect(after[0]).toMatchObject({
      action: 'deviation',
      actor: PEOPLE.office.email,
      after: { category: '经费保障' },
    });
  });
});

describe('agencies', () => {
  it('a person of another agency gets 403 in Chinese on the page and the API', async () => {
    const s = await w.signIn(PEOPLE.ownerB.email);
    const page = await get(`/indicators/${encodeURIComponent(w.target.id)}`, s.cookie);
    expect(page.status).toBe(403);
    expect(await page.text()).toContain(`该内容属于「${AGENCY_A}」`);
    const api = await get(`/api/indicators/${encodeURIComponent(w.target.id)}`, s.cookie);
    expect(api.status).toBe(403);
    expect((await json<{ message: string }>(api)).message).toMatch(/^无权访问：/);
    // Lists hold only their agency's content.
    const projects = await json<ProjectList>(get('/api/projects', s.cookie));
    expect(projects.projects.map((p) => p.id)).toEqual([IDS.evilProject]);
    const alerts = await json<AlertList>(get('/api/alerts', s.cookie));
    expect(alerts.alerts).toEqual([]);
  });
});

describe('the sign-in page', () => {
  async function request(email: string): Promise<{ status: number; body: string }> {
    const page = await get('/signin');
    const nonce = page.headers
      .getSetCookie()
      .find((c) => c.startsWith('iw_signin='))!
      .split(';')[0];
    const token = /name="_form" value="([^"]+)"/.exec(await page.text())![1];
    const res = await fetch(`${h.base}/signin`, {
      method: 'POST',
      headers: { cookie: nonce, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email, next: '/alerts', _form: token }).toString(),
    });
    return { status: res.status, body: await res.text() };
  }

  it('mails a working link to a known address and says the same for an unknown one', async () => {
    const known = await request(PEOPLE.office.email.toUpperCase());
    const unknown = await request('nobody@example.gov.cn');
    expect(known.status).toBe(200);
    expect(unknown.status).toBe(200);
    expect(known.body).toBe(unknown.body);
    const mail = await waitFor(
      () => h.sink.messages().find((m) => m.to.includes(PEOPLE.office.email) && m.subject.includes('登录链接')),
      { timeoutMs: 30_000, message: 'the sign-in mail' },
    );
    expect(h.sink.messages().some((m) => m.to.includes('nobody@example.gov.cn'))).toBe(false);
    const link = /http:\/\/\S+\/signin\/(\S+)/.exec(mail.text)!;
    const res = await get(`/signin/${link[1]}`);
    expect([res.status, res.headers.get('location')]).toEqual([303, '/alerts']);
  });

  it('refuses a post without its form token', async () => {
    const res = await fetch(`${h.base}/signin`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: PEOPLE.office.email }).toString(),
    });
    expect(res.status).toBe(403);
  });

  it('signing out ends the session', async () => {
    const s = await w.signIn(PEOPLE.viewer.email);
    const out = await form('/signout', s.cookie, { _csrf: s.csrf });
    expect(out.status).toBe(303);
    expect((await get('/alerts', s.cookie)).status).toBe(401);
    const page = await get('/alerts', s.cookie);
    expect(await page.text()).toContain('请先登录');
  });
});
