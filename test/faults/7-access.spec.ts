import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { chromium } from 'playwright-core';
import { toMail, transition } from '@iw/alerts';
import { FixedClock } from '@iw/clock';
import { SmtpSender, SmtpSink } from '@iw/mail';
import { connectMongo } from '@iw/mongo';
import { parseOwners } from '@iw/targets';
import { ensureBuilt, uniqueId, waitFor } from '@iw/testing';
import { evaluation, alertUnit } from '../../libs/alerts/test/fixtures';
import { createWorld, indicatorId as worldIndicatorId } from '../integration/alerting/helpers';
import { TRAFFIC_IDS, startIngest, waitForDrain } from '../integration/ingest/harness';
import { generateTraffic } from '../integration/ingest/traffic';
import {
  EVIL_AGENCY,
  EVIL_INDICATOR,
  EVIL_PROJECT,
  IDS,
  TOKENS,
  startHarness,
  type StatusHarness,
} from '../integration/status/harness';
import { runAlerting, runIngest, runStatus, saveLog, type AppProcess } from './support/apps';
import { SaslKafka, freePort } from './support/dedicated';
import { recordScenario, since } from './support/results';
import { TrafficStream, toRaw } from './support/stream';
import { reconcile } from './support/totals';
import { createIngestWorld, type IngestWorld } from './support/world';

/**
 * Scenario 7 — access and injection.
 *  a) every route the running status app serves, read from its Express router (not listed by
 *     hand), answers 401 without a valid token, except /health/*;
 *  b) query parameters, path ids and bodies carrying MongoDB operators are refused or ignored:
 *     never a 500, never a changed answer, never an operator or its payload in the database;
 *  c) project and indicator names holding markup render as text in the dashboard (in a real
 *     browser too) and in alert emails;
 *  d) CR/LF in owner addresses, names and mail fields cannot add mail headers or recipients;
 *  e) with API tokens, an SMTP password and a Kafka SASL password configured (a dedicated
 *     SASL_PLAINTEXT broker), ingest, alerting and status run, work, fail where they must —
 *     and none of the secrets appears in any of their output;
 *  f) the status app listens on loopback only unless IW_STATUS_HOST says otherwise.
 */

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

describe('status app (in-process, seeded with markup in names)', () => {
  let h: StatusHarness;

  beforeAll(async () => {
    h = await startHarness();
  });

  afterAll(async () => {
    await h?.close();
  });

  interface RouteLayer {
    route?: { path: string; methods: Record<string, boolean> };
  }

  /** Every [METHOD, path] the Express app routes. */
  function routes(): Array<[string, string]> {
    const express = h.app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
    const out: Array<[string, string]> = [];
    for (const layer of express.router.stack) {
      if (!layer.route) continue;
      for (const [method, on] of Object.entries(layer.route.methods))
        if (on && method !== '_all') out.push([method.toUpperCase(), layer.route.path]);
    }
    return out;
  }

  const fill = (p: string, value = 'x') => p.replace(/:(\w+)/g, value);

  it('a) answers 401 on every non-public route without a valid token', async () => {
    const t0 = Date.now();
    const all = routes();
    // Public: /health/* and sign-in (the page, its form, the personal links); the route-by-role
    // test (test/integration/status/roles.spec.ts) proves what each role gets everywhere else.
    const isPublic = (p: string) => p.startsWith('/health/') || /^\/signin(\/|$)/.test(p);
    const guarded = all.filter(([, p]) => !isPublic(p));
    const credentials: Array<Record<string, string>> = [
      {},
      { authorization: 'Bearer not-a-token' },
      { authorization: `Bearer ${TOKENS[0]}x` },
      { authorization: `Bearer ${TOKENS[0].slice(0, -1)}` },
      { authorization: `Basic ${Buffer.from(`admin:${TOKENS[0]}`).toString('base64')}` },
      { authorization: 'Bearer ' },
      { cookie: 'iw_token=not-a-token' },
    ];
    const leaks: string[] = [];
    let requests = 0;
    for (const [method, p] of guarded) {
      for (const headers of credentials) {
        // A cookie never authorises a change; a `?token=` is only a login on GET pages.
        for (const url of [fill(p), `${fill(p)}?token=not-a-token`]) {
          const res = await fetch(h.base + url, {
            method,
            headers: { 'content-type': 'application/json', ...headers },
            body: method === 'GET' || method === 'HEAD' ? undefined : '{}',
            redirect: 'manual',
          });
          await res.arrayBuffer();
          requests++;
          if (res.status !== 401) leaks.push(`${method} ${url} ${JSON.stringify(headers)} → ${res.status}`);
        }
      }
    }
    // A valid cookie must not authorise a change either (no CSRF).
    for (const [method, p] of guarded.filter(([m]) => m !== 'GET' && m !== 'HEAD')) {
      const res = await fetch(h.base + fill(p), {
        method,
        headers: { 'content-type': 'application/json', cookie: `iw_token=${TOKENS[0]}` },
        body: '{}',
        redirect: 'manual',
      });
      await res.arrayBuffer();
      requests++;
      if (res.status !== 401) leaks.push(`${method} ${p} with a valid cookie → ${res.status}`);
    }
    const health = all.filter(([, p]) => p.startsWith('/health/'));
    const healthCodes = await Promise.all(
      health.map(async ([m, p]) => (await fetch(h.base + p, { method: m })).status),
    );
    recordScenario({
      scenario: '7a. 401 on every non-health route',
      published: requests,
      expected: `${guarded.length} routes × 401`,
      observed: leaks.length ? `${leaks.length} not 401` : 'all 401',
      lost: null,
      doubled: null,
      emailsExpected: null,
      emailsReceived: null,
      emailsDuplicated: null,
      notes: `routes from the Express router: ${all.map(([m, p]) => `${m} ${p}`).join(', ')}; /health/* answered ${healthCodes.join('/')} without a token`,
      seconds: since(t0),
    });
    expect(guarded.length).toBeGreaterThan(10);
    expect(guarded.some(([, p]) => p.startsWith('/api/docs'))).toBe(true);
    expect(leaks).toEqual([]);
    expect(health.length).toBeGreaterThanOrEqual(2);
  });

  it('b) query parameters, ids and bodies cannot smuggle MongoDB operators', async () => {
    const t0 = Date.now();
    const CANARY = 987654321;
    const snapshot = async () => {
      const c = await connectMongo(h.mongoUrl);
      try {
        const out: Record<string, unknown[]> = {};
        const names = (await c.db!.listCollections().toArray()).map((x) => x.name).sort();
        for (const name of names) out[name] = await c.collection(name).find({}).sort({ _id: 1 }).toArray();
        return out;
      } finally {
        await c.close();
      }
    };
    const before = await snapshot();
    const gets = routes().filter(
      ([m, p]) => m === 'GET' && (p.startsWith('/api/') || p === '/status') && !p.startsWith('/api/docs'),
    );
    // Each operator query with a control: the same parameter holding a plain value that matches
    // nothing. An operator read literally (or ignored) answers like its control; 400 refuses it.
    const hostileQueries: Array<[string, string]> = [
      ['status[$ne]=x', 'status=zz-none'],
      ['project[$gt]=', 'project=zz-none'],
      ['project[$regex]=.*', 'project=zz-none'],
      ['state[$in][]=open&state[$in][]=closed', 'state=zz-none'],
      ['$where=sleep(2000)', 'where=zz-none'],
      ['asOf[$gt]=2000-01-01', 'asOf=zz-none'],
      [`project=${encodeURIComponent('{"$ne":null}')}`, 'project=zz-none'],
      [`state=${encodeURIComponent('{"$exists":true}')}`, 'state=zz-none'],
      ['format[$ne]=json', 'format=zz-none'],
      ['__proto__[polluted]=1', 'zz-none=1'],
      ['constructor[prototype][polluted]=1', 'zz-none=1'],
    ];
    const hostileIds = [
      '{"$ne":null}',
      '%24ne',
      '[$ne]=1',
      encodeURIComponent('{"$gt":""}'),
      '..%2F..%2Fetc%2Fpasswd',
      encodeURIComponent('a.b.$c'),
    ];
    const problems: string[] = [];
    let requests = 0;
    const byStatus: Record<number, number> = {};
    const real = { project: IDS.inspect, indicator: IDS.gasoline, alert: IDS.gasoline };
    for (const [, p] of gets) {
      const path0 = p.includes(':id')
        ? p.replace(':id', encodeURIComponent(p.startsWith('/api/projects') ? real.project : real.indicator))
        : p;
      for (const [q, control] of hostileQueries) {
        const res = await h.get(`${path0}?${q}`);
        const body = await res.text();
        requests++;
        byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
        // 400 refuses the operator; 404 reads it as a project or agency of that name, which none has.
        if (res.status >= 500) problems.push(`GET ${path0}?${q} → ${res.status} ${body.slice(0, 120)}`);
        else if (res.status === 200 && !p.startsWith('/status')) {
          const c = await h.get(`${path0}?${control}`);
          const cBody = await c.text();
          if (c.status !== 200 || cBody !== body)
            problems.push(
              `GET ${path0}?${q} → 200, but its control ?${control} → ${c.status}${c.status === 200 ? ' with another answer' : ''}`,
            );
        } else if (![200, 400, 404].includes(res.status)) problems.push(`GET ${path0}?${q} → ${res.status}`);
      }
      if (p.includes(':id')) {
        for (const id of hostileIds) {
          const res = await h.get(p.replace(':id', id));
          await res.arrayBuffer();
          requests++;
          byStatus[res.status] = (byStatus[res.status] ?? 0) + 1;
          if (![400, 404].includes(res.status)) problems.push(`GET ${p.replace(':id', id)} → ${res.status}`);
        }
      }
    }
    const writes: Array<[string, string, unknown]> = [
      ['POST', `/api/alerts/${encodeURIComponent(real.alert)}/ack`, { by: { $ne: null } }],
      [
        'POST',
        `/api/alerts/${encodeURIComponent(real.alert)}/ack`,
        { by: 'x', $set: { state: 'closed', canary: CANARY } },
      ],
      ['POST', `/api/alerts/${encodeURIComponent('{"$ne":null}')}/ack`, { by: 'x' }],
      ['POST', `/api/alerts/${encodeURIComponent(real.alert)}/silence`, { until: { $gt: '' } }],
      [
        'POST',
        `/api/alerts/${encodeURIComponent(real.alert)}/silence`,
        { until: '2019-08-01', $inc: { version: CANARY } },
      ],
      ['PUT', `/api/indicators/${encodeURIComponent(real.indicator)}/deviation`, { category: { $in: ['其他'] } }],
      [
        'PUT',
        `/api/indicators/${encodeURIComponent(real.indicator)}/deviation`,
        { category: '其他', remark: { $set: { actual: CANARY } } },
      ],
      [
        'PUT',
        `/api/indicators/${encodeURIComponent(real.indicator)}/deviation`,
        {
          category: '其他',
          remark: 'r',
          'actual.$': CANARY,
          $set: { actual: CANARY },
          __proto__: { polluted: CANARY },
        },
      ],
      ['PUT', `/api/indicators/${encodeURIComponent('{"$gt":""}')}/deviation`, { category: '其他' }],
    ];
    const writeCodes: string[] = [];
    for (const [method, p, body] of writes) {
      const res = await h.get(p, {
        method,
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await res.text();
      requests++;
      writeCodes.push(String(res.status));
      if (res.status >= 500)
        problems.push(`${method} ${p} ${JSON.stringify(body)} → ${res.status} ${text.slice(0, 120)}`);
    }
    const after = await snapshot();
    // What a write may legitimately change (ack, silence, deviation without the operators) is
    // allowed; no stored document may hold a `$` key or the canary the operators carried.
    const found: string[] = [];
    const walk = (v: unknown, at: string) => {
      if (v === CANARY) found.push(`${at} = canary`);
      if (v && typeof v === 'object') {
        for (const [k, x] of Object.entries(v)) {
          if (k.startsWith('$')) found.push(`${at}.${k}`);
          walk(x, `${at}.${k}`);
        }
      }
    };
    walk(after, 'db');
    const changed = Object.keys(after).filter((k) => JSON.stringify(after[k]) !== JSON.stringify(before[k]));
    const polluted = ({} as Record<string, unknown>).polluted !== undefined;
    recordScenario({
      scenario: '7b. no MongoDB operators via query/id/body',
      published: requests,
      expected: 'no 5xx, no changed answers, no operator stored',
      observed:
        problems.length || found.length ? `${problems.length} bad answers, ${found.length} stored` : 'none got through',
      lost: null,
      doubled: null,
      emailsExpected: null,
      emailsReceived: null,
      emailsDuplicated: null,
      notes: `${gets.length} GET routes × ${hostileQueries.length} operator queries + ${hostileIds.length} operator ids; answers by status ${JSON.stringify(byStatus)}; writes answered ${writeCodes.join('/')}; collections changed by the legitimate part of the writes: ${changed.join(', ') || 'none'}; prototype polluted: ${polluted}`,
      seconds: since(t0),
    });
    expect(problems).toEqual([]);
    expect(found).toEqual([]);
    expect(polluted).toBe(false);
  });

  it('c) renders names holding markup as text in the dashboard, also in a real browser', async () => {
    const t0 = Date.now();
    // The home page of a token that reads every agency is the agencies' roll-up (agency names
    // only); the evil project's name is on its agency's page, its project page and the indicator's.
    const pages = [
      '/',
      `/?agency=${encodeURIComponent(EVIL_AGENCY)}`,
      `/projects/${encodeURIComponent(IDS.evilProject)}`,
      `/indicators/${encodeURIComponent(IDS.evilIndicator)}`,
    ];
    const problems: string[] = [];
    for (const p of pages) {
      const res = await h.get(p);
      const html = await res.text();
      if (res.status !== 200) problems.push(`${p} → ${res.status}`);
      if (html.includes('<script>window.__xss') || html.includes('<img src=x onerror'))
        problems.push(`${p}: raw markup from a name`);
      if (p === '/') {
        if (!html.includes(EVIL_AGENCY)) problems.push(`${p}: the agency is not shown`);
      } else if (!html.includes('window.__xss=1') && p !== `/indicators/${encodeURIComponent(IDS.evilIndicator)}`)
        problems.push(`${p}: the project name is not shown`);
      const inline = [...html.matchAll(/<script\b[^>]*>/gi)].filter((m) => !/\bsrc="\/assets\//.test(m[0]));
      if (inline.length) problems.push(`${p}: inline <script>: ${inline.map((m) => m[0]).join(' ')}`);
      if (!/script-src 'self'/.test(res.headers.get('content-security-policy') ?? '')) problems.push(`${p}: no CSP`);
    }
    let browser = 'not run (no chromium)';
    if (fs.existsSync(CHROMIUM)) {
      const b = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
      try {
        const page = await b.newPage();
        await page.goto(`${h.base}/?token=${encodeURIComponent(TOKENS[0])}`);
        const results: string[] = [];
        for (const p of pages) {
          await page.goto(h.base + p);
          const xss = await page.evaluate('window.__xss');
          const text = String(await page.evaluate('document.body.innerText'));
          results.push(`${p}: __xss=${JSON.stringify(xss)}`);
          if (xss !== undefined) problems.push(`${p}: markup ran in the browser (__xss=${JSON.stringify(xss)})`);
          if (p === '/' ? !text.includes(EVIL_AGENCY) : !text.includes(EVIL_PROJECT) && !text.includes(EVIL_INDICATOR))
            problems.push(`${p}: the name is not shown as text`);
        }
        browser = results.join(', ');
      } finally {
        await b.close();
      }
    }
    recordScenario({
      scenario: '7c. markup in names → text (dashboard)',
      published: pages.length,
      expected: 'escaped, no script runs',
      observed: problems.length ? `${problems.length} problems` : 'text only',
      lost: null,
      doubled: null,
      emailsExpected: null,
      emailsReceived: null,
      emailsDuplicated: null,
      notes: `pages ${pages.join(' ')}; chromium: ${browser}`,
      seconds: since(t0),
    });
    expect(problems).toEqual([]);
  });
});

describe('mail', () => {
  it('c) renders names holding markup as text in alert emails (alerting in-process, real SMTP)', async () => {
    const t0 = Date.now();
    const P = "<script>alert('p')</script>恶意项目";
    const I = '<img src=x onerror=alert(1)>检查次数';
    const world = await createWorld(
      [{ name: P, indicators: [[I, '数量指标', '≥700次']] }],
      `fallback: ops@iw.test\nprojects:\n  "${P}": [evil-owner@iw.test]\n`,
    );
    try {
      await world.start(new FixedClock(Date.parse('2019-06-15T12:00:00+08:00')));
      const id =
        (await world.conn.collection('indicators').find({}).toArray()).map((d) => String(d._id))[0] ??
        worldIndicatorId(P, I);
      await world.setProgress(id, 'sum', { actual: 100 });
      const mail = await waitFor(() => world.mailsTo('evil-owner@iw.test')[0], {
        timeoutMs: 60_000,
        message: 'the alert mail',
      });
      const problems: string[] = [];
      if (/<script>alert|<img src=x/i.test(mail.html)) problems.push('raw markup in the HTML part');
      if (!mail.html.includes('&lt;script&gt;') || !mail.html.includes('&lt;img'))
        problems.push('names not shown escaped in the HTML part');
      if (!mail.text.includes(P) || !mail.text.includes(I))
        problems.push('names not shown as written in the text part');
      if (/[\r\n]/.test(mail.subject)) problems.push('line break in the subject');
      recordScenario({
        scenario: '7c. markup in names → text (email)',
        published: 1,
        expected: 'escaped in HTML, verbatim in text',
        observed: problems.length ? problems.join('; ') : 'as expected',
        lost: null,
        doubled: null,
        emailsExpected: 1,
        emailsReceived: world.mailsTo('evil-owner@iw.test').length,
        emailsDuplicated: Math.max(0, world.mailsTo('evil-owner@iw.test').length - 1),
        notes: `subject: ${mail.subject}`,
        seconds: since(t0),
      });
      expect(problems).toEqual([]);
    } finally {
      await world.teardown();
    }
  });

  it('d) CR/LF in owner addresses, names and mail fields cannot inject headers or recipients', async () => {
    const t0 = Date.now();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-faults-mail-'));
    const sink = new SmtpSink({ dir });
    await sink.start();
    const sender = new SmtpSender({ url: sink.url });
    const problems: string[] = [];
    try {
      // 1. Owner addresses are refused at load time.
      const hostileAddresses = [
        'a@iw.test\r\nBcc: victim@evil.test',
        'a@iw.test\nBcc: victim@evil.test',
        'a@iw.test\rX-Injected: 1',
        'Name <a@iw.test>',
        'a@iw.test, victim@evil.test',
        'a@iw.test;victim@evil.test',
        '"a\r\nBcc: v@evil.test"@iw.test',
        'a@iw.test\u2028Bcc: v@evil.test',
      ];
      const acceptedOwners = hostileAddresses.filter((a) => {
        try {
          parseOwners(JSON.stringify({ fallback: 'ops@iw.test', projects: { P: [a] } }), 'json');
          return true;
        } catch {
          return false;
        }
      });
      if (acceptedOwners.length) problems.push(`owners file accepted ${JSON.stringify(acceptedOwners)}`);

      // 2. Names with header lines, through the real render stage and sender.
      const inject = '\r\nBcc: victim@evil.test\r\nX-Injected: yes\r\n\r\nbody';
      const unit = alertUnit({
        projectName: `项目${inject}`,
        indicatorName: `指标\nCc: cc@evil.test`,
        targetText: `≥700${inject}`,
        unit: `批次\rSubject: hacked`,
      });
      const notice = transition(
        null,
        evaluation('at_risk', { unit, reason: `原因${inject}` }),
        Date.parse('2019-06-15T12:00:00+08:00'),
      ).notices[0];
      const digest = {
        id: 'd-crlf',
        recipient: 'owner@iw.test',
        createdAt: new Date().toISOString(),
        notifications: [{ key: 'n-crlf', recipient: 'owner@iw.test', notice, createdAt: new Date().toISOString() }],
      };
      const mail = toMail(digest, {
        publicUrl: 'http://127.0.0.1:3000',
        timeZone: 'Asia/Shanghai',
        from: 'Indicator Watch <noreply@iw.test>',
      });
      await sender.send({
        messageId: mail.messageId,
        from: mail.from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });

      // 3. Mail fields straight to the sender: refused, or sent without effect.
      const direct: Array<[string, Record<string, string>]> = [
        ['from', { from: 'IW\r\nBcc: victim@evil.test <noreply@iw.test>' }],
        ['to', { to: 'owner@iw.test\r\nBcc: victim@evil.test' }],
        ['subject', { subject: 'S\r\nBcc: victim@evil.test' }],
        ['messageId', { messageId: '<x@iw.test>\r\nBcc: victim@evil.test' }],
      ];
      const refused: string[] = [];
      for (const [field, o] of direct) {
        try {
          await sender.send({
            messageId: '<direct@iw.test>',
            from: 'noreply@iw.test',
            to: 'owner@iw.test',
            subject: 's',
            text: 't',
            html: '<p>t</p>',
            ...o,
          });
        } catch {
          refused.push(field);
        }
      }
      await new Promise((r) => setTimeout(r, 500));
      for (const m of sink.messages()) {
        const raw = fs.readFileSync(m.file!, 'utf8');
        const head = raw.split(/\r?\n\r?\n/)[0];
        const names = head
          .split(/\r?\n/)
          .filter((l) => /^\S/.test(l))
          .map((l) => l.split(':')[0].toLowerCase());
        const count = (n: string) => names.filter((x) => x === n).length;
        if (m.envelope.rcptTo.some((r) => r !== 'owner@iw.test'))
          problems.push(`extra recipient ${m.envelope.rcptTo.join(',')}`);
        if (names.some((n) => ['bcc', 'cc', 'x-injected'].includes(n)))
          problems.push(`injected header in ${m.messageId}: ${names.join(',')}`);
        if (count('subject') !== 1 || count('from') !== 1 || count('to') !== 1)
          problems.push(`header counts in ${m.messageId}: ${names.join(',')}`);
      }
      recordScenario({
        scenario: '7d. CR/LF cannot inject mail headers',
        published: hostileAddresses.length + 1 + direct.length,
        expected: 'refused or neutralised',
        observed: problems.length ? problems.join('; ').slice(0, 60) : 'no header, no recipient added',
        lost: null,
        doubled: null,
        emailsExpected: 1 + direct.length - refused.length,
        emailsReceived: sink.count,
        emailsDuplicated: 0,
        notes: `owners file refused ${hostileAddresses.length - acceptedOwners.length}/${hostileAddresses.length} hostile addresses; the sender refused CR/LF in ${refused.join(', ') || 'none'}; rendered subject: ${mail.subject}`,
        seconds: since(t0),
      });
      expect(problems).toEqual([]);
      expect(sink.count).toBe(1 + direct.length - refused.length);
    } finally {
      sender.close();
      await sink.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('network exposure', () => {
  const running: AppProcess[] = [];
  afterAll(async () => {
    await Promise.all(running.map((a) => a.stop('SIGTERM', 15_000)));
  });

  /** HTTP status of GET /health/live at host:port, or the connection error's code. */
  const probe = async (host: string, port: number): Promise<number | string> => {
    try {
      const res = await fetch(`http://${host}:${port}/health/live`, { signal: AbortSignal.timeout(5000) });
      await res.arrayBuffer();
      return res.status;
    } catch (e) {
      return ((e as Error & { cause?: { code?: string } }).cause?.code ?? (e as Error).message).toString();
    }
  };

  it('f) the status app listens on 127.0.0.1 by default; IW_STATUS_HOST=0.0.0.0 opens it to every interface', async () => {
    const t0 = Date.now();
    ensureBuilt();
    // 127.0.0.2 is loopback too (Linux routes 127/8 to lo), but a socket bound to 127.0.0.1 does not answer it.
    const env = {
      IW_API_TOKENS: `read:net-${uniqueId('tok')}`,
      MONGO_URL: `mongodb://127.0.0.1:27017/${uniqueId('iw-net')}`,
      SMTP_URL: 'smtp://127.0.0.1:9',
    };
    const [defPort, allPort] = [await freePort(), await freePort()];
    const def = runStatus({ ...env, IW_STATUS_PORT: String(defPort), IW_STATUS_HOST: '' });
    const all = runStatus({ ...env, IW_STATUS_PORT: String(allPort), IW_STATUS_HOST: '0.0.0.0' });
    running.push(def, all);
    await def.waitForOutput(/listening on port/, 90_000);
    await all.waitForOutput(/listening on port/, 90_000);
    const answers = {
      default: { '127.0.0.1': await probe('127.0.0.1', defPort), '127.0.0.2': await probe('127.0.0.2', defPort) },
      '0.0.0.0': { '127.0.0.1': await probe('127.0.0.1', allPort), '127.0.0.2': await probe('127.0.0.2', allPort) },
    };
    const said = [def, all].map((a) => /listening on port \d+ of (\S+):/.exec(a.output())?.[1] ?? '?');
    recordScenario({
      scenario: '7f. status app bound to loopback by default',
      published: 4,
      expected: 'default: 127.0.0.1 only; 0.0.0.0: all',
      observed: JSON.stringify(answers),
      lost: null,
      doubled: null,
      emailsExpected: null,
      emailsReceived: null,
      emailsDuplicated: null,
      notes: `GET /health/live on 127.0.0.1 and 127.0.0.2 (both loopback addresses); the apps said they listen on ${said.join(' and ')}`,
      seconds: since(t0),
    });
    expect(answers).toEqual({
      default: { '127.0.0.1': 200, '127.0.0.2': 'ECONNREFUSED' },
      '0.0.0.0': { '127.0.0.1': 200, '127.0.0.2': 200 },
    });
    expect(said).toEqual(['127.0.0.1', '0.0.0.0']);
  });
});

describe('secrets', () => {
  const secret = (what: string) => `${what}-${randomBytes(9).toString('hex')}`;
  const SASL_USER = 'iwapp';
  const SASL = secret('sasl');
  const WRONG_SASL = secret('wrongsasl');
  const SMTP = secret('smtppw');
  const TOKEN = secret('apitoken');
  let kafka: SaslKafka;
  let w: IngestWorld;
  let sink: SmtpSink;
  const apps: Array<[string, AppProcess]> = [];

  beforeAll(async () => {
    ensureBuilt();
    kafka = await SaslKafka.create(uniqueId('sasl'), SASL_USER, SASL);
    await kafka.start();
    Object.assign(process.env, {
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: SASL_USER,
      KAFKA_SASL_PASSWORD: SASL,
    });
    w = await createIngestWorld({ brokers: kafka.brokers, partitions: 2 });
    sink = new SmtpSink();
    await sink.start();
  });

  afterAll(async () => {
    await Promise.all(apps.map(([, a]) => a.stop('SIGTERM', 15_000)));
    for (const [name, a] of apps) saveLog(`7e-${name}`, a);
    await sink?.stop();
    await w?.teardown();
    await kafka?.destroy();
  });

  it('e) apps run on SASL and SMTP auth, and never print a token or password', async () => {
    const t0 = Date.now();
    const smtpUrl = `smtp://iwmail:${SMTP}@127.0.0.1:${sink.port}`;
    const common = {
      ...w.env,
      KAFKA_SASL_MECHANISM: 'plain',
      KAFKA_SASL_USERNAME: SASL_USER,
      KAFKA_SASL_PASSWORD: SASL,
      SMTP_URL: smtpUrl,
      IW_API_TOKENS: `admin:${TOKEN},read:second-${TOKEN}`,
      IW_LOG_LEVEL: 'debug',
    };
    const alertingGroup = uniqueId('alerting');
    const [statusPort, badStatusPort, closedPort] = [await freePort(), await freePort(), await freePort()];

    const ingest = await runIngest(common);
    apps.push(['ingest', ingest]);
    const alerting = runAlerting({
      ...common,
      IW_ALERTING_GROUP: alertingGroup,
      IW_CLOCK: 'sim:2019-06-15T12:00:00+08:00@1',
      IW_PENDING_FOR: '0s',
      IW_GROUP_WAIT: '0s',
      IW_GROUP_INTERVAL: '0s',
    });
    apps.push(['alerting', alerting]);
    const status = runStatus({
      ...common,
      IW_STATUS_PORT: String(statusPort),
      IW_INGEST_GROUP: w.group,
      IW_ALERTING_GROUP: alertingGroup,
    });
    apps.push(['status', status]);
    // Failing paths log the most: a wrong SASL password, an SMTP server that is not there.
    const wrong = startIngest({ ...common, KAFKA_SASL_PASSWORD: WRONG_SASL, IW_INGEST_GROUP: uniqueId('wrong') });
    apps.push(['ingest-wrong-sasl', wrong]);
    const badStatus = runStatus({
      ...common,
      SMTP_URL: `smtp://iwmail:${SMTP}@127.0.0.1:${closedPort}`,
      IW_STATUS_PORT: String(badStatusPort),
    });
    apps.push(['status-no-smtp', badStatus]);
    await alerting.waitForOutput(/successfully started/, 90_000);
    await status.waitForOutput(/listening on port/, 90_000);
    await badStatus.waitForOutput(/listening on port/, 90_000);

    // Work: traffic with some bad messages, HTTP with good and bad credentials.
    const events = generateTraffic(1500, 9, uniqueId('sec'), TRAFFIC_IDS);
    const stream = new TrafficStream(w.topics, [...toRaw(events), { role: 'cases', key: 'bad', value: '{not json' }], {
      brokers: w.brokers,
      ratePerSec: 2000,
    });
    const base = `http://127.0.0.1:${statusPort}`;
    const codes: number[] = [];
    const call = async (url: string, headers: Record<string, string> = {}) => {
      const res = await fetch(url, { headers, redirect: 'manual' });
      codes.push(res.status);
      return { status: res.status, body: await res.text() };
    };
    await call(`${base}/status`, { authorization: `Bearer ${TOKEN}` });
    await call(`${base}/api/projects`, { authorization: `Bearer ${TOKEN}` });
    await call(`${base}/?token=${TOKEN}`);
    await call(`${base}/api/projects?token=${TOKEN}`);
    await call(`${base}/api/projects`, { authorization: `Bearer ${TOKEN}-wrong` });
    await call(`${base}/api/indicators`, { cookie: `iw_token=${TOKEN}x` });
    await call(`${base}/metrics`, { authorization: `Bearer ${TOKEN}` });
    const ready = await call(`${base}/health/ready`);
    const badReady = await call(`http://127.0.0.1:${badStatusPort}/health/ready`);
    await stream.done;
    await w.drain(180_000);
    const rec = await reconcile(w.conn, events);
    await waitForDrain(alertingGroup, [w.topics.progress], 120_000);
    const mail = await waitFor(() => sink.messages()[0], {
      timeoutMs: 60_000,
      message: 'an alert mail through SMTP with AUTH',
    });
    const wrongExit = wrong.child.exitCode;
    await Promise.all(apps.map(([, a]) => a.stop('SIGTERM', 15_000)));

    const secrets: Record<string, string> = {
      'SASL password': SASL,
      'wrong SASL password': WRONG_SASL,
      'SMTP password': SMTP,
      'API token': TOKEN,
    };
    const forms = (s: string) => [
      s,
      Buffer.from(s).toString('base64'),
      Buffer.from(`\u0000${SASL_USER}\u0000${s}`).toString('base64'),
      encodeURIComponent(s),
    ];
    const outputs: Array<[string, string]> = [
      ...apps.map(([n, a]): [string, string] => [n, a.output()]),
      ['GET /health/ready body', ready.body],
      ['GET /health/ready body (SMTP down)', badReady.body],
    ];
    const leaks: string[] = [];
    for (const [where, text] of outputs) {
      for (const [what, s] of Object.entries(secrets))
        if (forms(s).some((f) => text.includes(f))) leaks.push(`${what} in ${where}`);
    }
    const bytes = outputs.reduce((n, [, t]) => n + t.length, 0);
    // The scan saw real output of the paths that handle the secrets (else "no leak" means nothing).
    const all = outputs.map(([, t]) => t).join('\n');
    const seen = {
      kafkaAuth: all.includes('SASL PLAIN authentication failed') && all.includes(kafka.brokers),
      mailSent: /sent <iw\./.test(all),
      smtpDown: all.includes('"smtp"'),
    };
    recordScenario({
      scenario: '7e. secrets never in logs',
      published: events.length + 1,
      expected: 'apps work; 0 secrets in output',
      observed: leaks.length ? leaks.join('; ') : `0 leaks in ${(bytes / 1024).toFixed(0)} KiB`,
      lost: rec.lost,
      doubled: rec.doubled,
      emailsExpected: null,
      emailsReceived: sink.count,
      emailsDuplicated: null,
      notes: `dedicated SASL_PLAINTEXT broker ${kafka.brokers} (PLAIN, user ${SASL_USER}); IW_LOG_LEVEL=debug; ingest counted the traffic exactly: ${JSON.stringify(rec.observed) === JSON.stringify(rec.expected)}; alerting drained indicators.progress and mailed with SMTP AUTH as ${mail.authUser}; status answered ${codes.join('/')}; wrong SASL password → ingest ${wrongExit === null ? 'still retrying' : `exited ${wrongExit}`}; readiness with SMTP down ${badReady.status}; scanned ${outputs.map(([n]) => n).join(', ')} for raw, base64, SASL-PLAIN and URL-encoded forms`,
      seconds: since(t0),
    });
    expect(leaks).toEqual([]);
    expect(rec.observed).toEqual(rec.expected);
    expect(mail.authUser).toBe('iwmail');
    expect(ready.status).toBe(200);
    expect(badReady.status).toBe(503);
    expect(bytes).toBeGreaterThan(10_000);
    expect(seen).toEqual({ kafkaAuth: true, mailSent: true, smtpDown: true });
  });
});
