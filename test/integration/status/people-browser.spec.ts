import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication, INestMicroservice } from '@nestjs/common';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { FixedClock } from '@iw/clock';
import { loadConfig, type AppConfig } from '@iw/config';
import { keyFor } from '@iw/events';
import { KafkaClient, KafkaProducer } from '@iw/kafka';
import { SmtpSink, type SinkMessage } from '@iw/mail';
import { loadBindings, type TrackedUnit } from '@iw/measures';
import { PeopleRepository, SecretRepository, closeMongo, connectMongo, importCatalogue } from '@iw/mongo';
import { parsePeopleFile, signLink } from '@iw/people';
import { ownersFor, parseOwners, parseTargetTable } from '@iw/targets';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  freePort,
  testKafkaConfig,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
  waitFor,
  type AppProcess,
} from '@iw/testing';
import { createAlertingApp } from '../../../apps/alerting/src/app';
import { createStatusApp } from '../../../apps/status/src/app';
import { startIngest } from '../ingest/harness';

/**
 * The people's path end to end, in Debian's Chromium: ingest, alerting and status run on the
 * real Kafka, FerretDB and SMTP sink with the sample catalogue, owners and people. An event
 * puts an indicator behind its pace; alerting mails its owner; the owner opens the personal
 * link from that mail, lands signed in on the indicator page, clicks 确认告警 — and the alert
 * is acknowledged with them as the actor, in GET /api/audit and in the page's 操作记录. The
 * same owner reports an assessment for a qualitative indicator (a form, not an API call),
 * ingest applies it and the page shows the new status. A person of another agency gets 403 on
 * the page and the API; a POST without the CSRF token, a tampered link and an expired link are
 * refused.
 */

jest.setTimeout(300_000);

const ROOT = path.resolve(__dirname, '../../..');
const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const TZ = 'Asia/Shanghai';
const NOW = Date.parse('2019-07-01T12:00:00+08:00');
const ADMIN_TOKEN = `admin-${uniqueId('tok')}-0123456789`;
const OWNER = 'choujian@example.gov.cn';
const OUTSIDER = 'waidanwei@example.gov.cn';
const P_INSPECT = '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费';

const mongoUrl = testMongoUrl();
const prefix = testTopicPrefix();
let topics: AppConfig['kafka']['topics'];
let dir: string;
let sink: SmtpSink;
let ingest: AppProcess;
let alerting: INestMicroservice;
let status: INestApplication;
let base: string;
let browser: Browser;
let owner: BrowserContext;
let page: Page;
let behind: TrackedUnit;
let qualitative: TrackedUnit;
let secret: Buffer;
const pageErrors: string[] = [];

function config(env: Record<string, string>): AppConfig {
  return loadConfig(
    {
      ...process.env,
      MONGO_URL: mongoUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      SMTP_URL: sink.url,
      IW_API_TOKENS: `admin:${ADMIN_TOKEN}`,
      IW_TIMEZONE: TZ,
      IW_PENDING_FOR: '0s',
      IW_GROUP_WAIT: '0s',
      IW_GROUP_INTERVAL: '0s',
      IW_LOG_LEVEL: 'warn',
      IW_LOCAL_DIR: dir,
      ...env,
    },
    '/nonexistent/.env',
  );
}

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  ensureBuilt();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-people-'));
  topics = await createTestTopics(prefix, 2);
  sink = new SmtpSink({ dir: path.join(dir, 'mail') });
  await sink.start();

  // The sample catalogue, owners and people, and one person of another agency.
  const seed = fs.readFileSync(path.join(ROOT, 'samples/targets-2019-xinjiang-market-supervision.txt'), 'utf8');
  const catalogue = parseTargetTable(seed);
  const owners = parseOwners(fs.readFileSync(path.join(ROOT, 'samples/owners.yaml'), 'utf8'), 'yaml');
  const conn = await connectMongo(mongoUrl);
  try {
    await importCatalogue(conn, catalogue, { sourceFile: 'seed', owners, now: new Date() });
    const people = new PeopleRepository(conn);
    await people.importRecords(
      parsePeopleFile(fs.readFileSync(path.join(ROOT, 'samples/people.yaml'), 'utf8')),
      'file',
      new Date(),
    );
    await people.put({ email: OUTSIDER, name: '外单位人员', agency: '其他单位', role: 'office' }, 'cli', new Date());
    secret = await new SecretRepository(conn).linkSecret(null);
  } finally {
    await closeMongo(conn);
  }

  // The owner's indicators: an unbound running sum (the largest) and a qualitative one.
  const units = [
    ...loadBindings(fs.readFileSync(path.join(ROOT, 'samples/bindings.yaml'), 'utf8'), catalogue, {
      timeZone: TZ,
      satisfiedShare: 0.8,
    }).units.values(),
  ].filter((u) => u.kind === 'indicator' && u.bindingLine === undefined && u.projectName === P_INSPECT);
  const owned = units.filter((u) => ownersFor(owners, u.projectName, u.id).includes(OWNER));
  const goal = (u: TrackedUnit) => (u.target.kind === 'numeric' ? u.target.value : 0);
  behind = owned.filter((u) => u.measure === 'sum').sort((a, b) => goal(b) - goal(a))[0];
  qualitative = owned.find((u) => u.measure === 'assessment')!;
  expect(goal(behind)).toBeGreaterThan(100);

  // Status on a known port (alerting's links point at it), alerting in-process, ingest as in production.
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const clock = new FixedClock(NOW);
  status = await createStatusApp(config({ IW_STATUS_PORT: String(port), IW_PUBLIC_URL: base }), {
    clock,
    logger: ['error'],
  });
  await status.listen(port, '127.0.0.1');
  expect((status.getHttpServer().address() as net.AddressInfo).port).toBe(port);
  alerting = await createAlertingApp(
    config({ IW_ALERTING_GROUP: uniqueId('alerting'), IW_PUBLIC_URL: base }),
    { clock, pollMs: 100, tickMs: 50, leaseRenewMs: 500, leaseTtlMs: 3000, metricsPort: null },
    { heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000 },
  );
  await alerting.listen();
  ingest = startIngest({
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    IW_INGEST_GROUP: uniqueId('ingest'),
    IW_TIMEZONE: TZ,
  });
  await ingest.waitForOutput(/successfully started/, 120_000);

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  owner = await browser.newContext({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
  page = await owner.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

afterAll(async () => {
  await browser?.close();
  await ingest?.stop();
  await alerting?.close();
  await status?.close();
  await sink?.stop();
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

/** The owner's alert mail: an event puts their indicator far behind its pace. */
async function alertMail(): Promise<SinkMessage> {
  const producer = new KafkaProducer(new KafkaClient(testKafkaConfig()));
  await producer.connect();
  try {
    const event = {
      eventId: uniqueId('ops'),
      occurredAt: '2019-06-01T10:00:00+08:00',
      source: 'ops-portal',
      schemaVersion: 1 as const,
      indicatorId: behind.id,
      kind: 'increment' as const,
      value: 10,
    };
    await producer.send(topics.measurements, [{ key: keyFor('measurements', event), value: JSON.stringify(event) }]);
  } finally {
    await producer.disconnect();
  }
  return waitFor(() => sink.messages().find((m) => m.to.includes(OWNER) && m.subject.includes(behind.name)), {
    timeoutMs: 120_000,
    message: `the alert mail to ${OWNER} about ${behind.name}`,
  });
}

const api = (p: string, init: RequestInit = {}) =>
  fetch(base + p, { ...init, headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...init.headers } });

it('the owner opens the personal link of a real alert mail and acknowledges the alert on the page', async () => {
  const mail = await alertMail();
  expect(mail.subject).toMatch(/^【绩效预警】/);
  const detail = /^详情：(\S+)$/m.exec(mail.text)![1];
  expect(detail.startsWith(`${base}/signin/`)).toBe(true);
  expect(/^确认告警：(\S+)$/m.exec(mail.text)).not.toBeNull();

  await page.goto(detail);
  expect(page.url()).toBe(`${base}/indicators/${encodeURIComponent(behind.id)}`);
  await expect(page.locator(`[data-signed-in="${OWNER}"]`).count()).resolves.toBe(1);
  // A person of one agency: the header's home link opens their agency's page and says so.
  expect(await page.locator('header.top a[data-nav="home"]').innerText()).toBe('本单位总览');
  const cookie = (await owner.cookies()).find((c) => c.name === 'iw_session')!;
  expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });

  const row = page.locator(`tr.alert[data-alert="${behind.id}"]`);
  await row.getByRole('button', { name: '确认告警' }).click();
  await page.waitForURL(/done=ack/);
  await expect(page.locator('.flash').innerText()).resolves.toContain('已确认告警');
  await expect(row.locator('[data-acknowledged]').count()).resolves.toBe(1);

  const audit = (await (await api(`/api/audit?indicator=${encodeURIComponent(behind.id)}`)).json()) as {
    entries: Array<{ action: string; actor: string; target: string; after: { acknowledgedBy: string } }>;
  };
  const ack = audit.entries.find((e) => e.action === 'ack');
  expect(ack).toMatchObject({ actor: OWNER, target: behind.id, after: { acknowledgedBy: OWNER } });
  await expect(page.locator(`tr.audit-entry[data-action="ack"][data-actor="${OWNER}"]`).count()).resolves.toBe(1);
  const alerts = (await (await api('/api/alerts?state=open')).json()) as {
    alerts: Array<{ id: string; acknowledgedBy: string | null }>;
  };
  expect(alerts.alerts.find((a) => a.id === behind.id)?.acknowledgedBy).toBe(OWNER);
});

it('the same owner reports an assessment of a qualitative indicator and the page shows the new status', async () => {
  await page.goto(`${base}/indicators/${encodeURIComponent(qualitative.id)}`);
  const shows = (status: string) => page.locator(`.badge[data-status="${status}"]`).count();
  expect(await shows('on_track')).toBe(0);
  const form = page.locator(`form[data-form="assessment"][data-unit="${qualitative.id}"]`);
  await form.getByLabel('确定能').check();
  await form.locator('textarea[name="text"]').fill('专项整治按计划推进，预计可以实现');
  await form.getByRole('button', { name: '提交填报' }).click();
  await page.waitForURL(/done=report/);
  await expect(page.locator('.flash').innerText()).resolves.toContain('已提交填报');
  // Ingest applies the event; the page shows it on the next load (within seconds).
  await waitFor(
    async () => {
      await page.reload();
      return (await shows('on_track')) > 0 && (await shows('manual')) === 0;
    },
    { timeoutMs: 60_000, intervalMs: 1000, message: 'the 确定能 status on the page' },
  );
  await expect(page.locator('.badge[data-status="on_track"]').first().innerText()).resolves.toBe('确定能');
  await expect(page.locator('[data-assessment="确定能"]').count()).resolves.toBe(1);
  await expect(page.locator(`tr.audit-entry[data-action="report"][data-actor="${OWNER}"]`).count()).resolves.toBe(1);
});

it('a POST without the CSRF token is refused', async () => {
  const res = await page.request.post(`${base}/alerts/${encodeURIComponent(behind.id)}/silence`, {
    form: { until: '2019-07-31' },
    maxRedirects: 0,
  });
  expect(res.status()).toBe(403);
  expect(await res.text()).toContain('CSRF');
});

it('a person of another agency gets 403 on the page and on the API', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  try {
    const p = await ctx.newPage();
    const issuedAt = Date.now();
    const link = signLink(secret, { email: OUTSIDER, issuedAt, expiresAt: issuedAt + 86_400_000 });
    await p.goto(`${base}/signin/${link}`);
    const res = await p.goto(`${base}/indicators/${encodeURIComponent(behind.id)}`);
    expect(res?.status()).toBe(403);
    await expect(p.locator('body').innerText()).resolves.toContain('无权访问');
    const apiRes = await p.request.get(`${base}/api/indicators/${encodeURIComponent(behind.id)}`);
    expect(apiRes.status()).toBe(403);
    expect(((await apiRes.json()) as { message: string }).message).toMatch(/^无权访问：/);
  } finally {
    await ctx.close();
  }
});

it('a tampered link and an expired link are refused with a page', async () => {
  const ctx = await browser.newContext({ locale: 'zh-CN' });
  try {
    const p = await ctx.newPage();
    const issuedAt = Date.now();
    const good = signLink(secret, { email: OWNER, issuedAt, expiresAt: issuedAt + 86_400_000 });
    const tampered = good.replace(/^(.)/, (c) => (c === 'e' ? 'f' : 'e'));
    let res = await p.goto(`${base}/signin/${tampered}`);
    expect(res?.status()).toBe(403);
    await expect(p.locator('body').innerText()).resolves.toContain('链接内容已被修改');
    const expired = signLink(secret, { email: OWNER, issuedAt: issuedAt - 15 * 86_400_000, expiresAt: issuedAt - 1 });
    res = await p.goto(`${base}/signin/${expired}`);
    expect(res?.status()).toBe(403);
    await expect(p.locator('body').innerText()).resolves.toContain('登录链接已过期');
    expect((await ctx.cookies()).some((c) => c.name === 'iw_session')).toBe(false);
  } finally {
    await ctx.close();
  }
  expect(pageErrors).toEqual([]);
});
