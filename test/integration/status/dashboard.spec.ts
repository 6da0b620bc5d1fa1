import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SmtpSender } from '@iw/mail';
import { ProjectListSchema } from '../../../apps/status/src/dtos/project.dto';
import { EVIL_INDICATOR, EVIL_PROJECT, IDS, TOKENS, startHarness, type StatusHarness } from './harness';

/**
 * The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * it logs in with ?token= once, shows each project's traffic lights and budget bar, an
 * indicator's chart with the deadline marked, and renders names holding markup as text.
 * Saves docs/dashboard.png.
 */

jest.setTimeout(180_000);

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const SCREENSHOT = path.resolve(__dirname, '../../../docs/dashboard.png');

let h: StatusHarness;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  h = await startHarness();
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && pageErrors.push(m.text()));
});

afterAll(async () => {
  await browser?.close();
  await h?.close();
});

it('logs in with ?token= once and keeps the token out of the address bar', async () => {
  const res = await page.goto(`${h.base}/?token=${encodeURIComponent(TOKENS[0])}`);
  expect(res?.status()).toBe(200);
  expect(page.url()).toBe(`${h.base}/`);
  const cookies = await page.context().cookies();
  expect(cookies.find((c) => c.name === 'iw_token')).toMatchObject({ httpOnly: true, sameSite: 'Strict' });
  expect(await page.evaluate('document.cookie')).not.toContain('iw_token');
});

it('keeps the pipeline figures off the home page, on /ops linked in the header', async () => {
  await page.goto(`${h.base}/`);
  expect(await page.locator('#pipeline').count()).toBe(0);
  await page.locator('header.top a[href="/ops"]').click();
  await page.waitForURL('**/ops');
  await expect(page.locator('#pipeline .tile').count()).resolves.toBeGreaterThanOrEqual(6);
  expect(await page.locator('[data-tile="dlq"] .v').innerText()).toBe('1');
  expect(await page.locator('[data-tile="dlq"] a').getAttribute('href')).toBe('/dlq');
});

it('shows every project with its traffic lights and budget against time', async () => {
  await page.goto(`${h.base}/`);

  const api = ProjectListSchema.parse(await (await h.get('/api/projects')).json());
  const rows = page.locator('tr.project');
  expect(await rows.count()).toBe(api.projects.length);
  const row = page.locator(`tr.project[data-project="${IDS.inspect}"]`);
  const counts = await row
    .locator('.lights .light')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  const lights = api.projects.find((p) => p.id === IDS.inspect)!.lights;
  expect(counts).toEqual([lights.确定能, lights.有可能, lights.不可能, lights.无]);
  // Runs in the page (no DOM types in this project's TS lib).
  const colours = await row
    .locator('.lights .light')
    .evaluateAll((els) =>
      els.map(
        (e) =>
          (globalThis as unknown as { getComputedStyle(e: unknown): { backgroundColor: string } }).getComputedStyle(e)
            .backgroundColor,
      ),
    );
  expect(new Set(colours).size).toBe(4);
  // Budget: 32 % executed with half the year gone.
  expect(await row.locator('.bar .fill').getAttribute('style')).toBe('width:32%');
  expect(await row.locator('.bar .elapsed').count()).toBe(1);
  fs.mkdirSync(path.dirname(SCREENSHOT), { recursive: true });
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  expect(fs.statSync(SCREENSHOT).size).toBeGreaterThan(10_000);
});

it('goes from a project to an indicator and draws its chart with actual, pace, forecast and the deadline', async () => {
  await page.locator(`tr.project[data-project="${IDS.inspect}"] a`).click();
  await page.waitForURL(`**/projects/**`);
  expect(await page.locator('tr.indicator').count()).toBeGreaterThan(5);
  await page.locator(`tr.indicator[data-indicator="${IDS.gasoline}"] a`).click();
  await page.waitForURL(`**/indicators/**`);
  const chart = page.locator('svg.chart').first();
  await chart.waitFor();
  expect(await chart.getAttribute('data-unit')).toBe(IDS.gasoline);
  const d = await chart.locator('path.actual').getAttribute('d');
  expect(d).toMatch(/^M[\d.]+,[\d.]+(H[\d.]+V[\d.]+){2}H[\d.]+$/); // three days with events, the last held to today
  expect(await chart.locator('circle.point').count()).toBe(3);
  expect(await chart.locator('line.pace').count()).toBe(1);
  expect(await chart.locator('line.forecast').count()).toBe(1);
  expect(await chart.locator('.deadline text').textContent()).toBe('截止 2019-12-31');
  expect(await chart.locator('.today').count()).toBe(1);
  const box = await chart.boundingBox();
  expect(box!.width).toBeGreaterThan(300);
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-indicator.png') });
});

it('renders names holding markup as text, runs none of it', async () => {
  await page.goto(`${h.base}/`);
  const cell = page.locator(`tr.project[data-project="${IDS.evilProject}"] td a`);
  expect(await cell.innerText()).toBe(EVIL_PROJECT);
  await cell.click();
  await page.waitForURL('**/projects/**');
  expect(await page.locator('h1').innerText()).toBe(EVIL_PROJECT);
  expect(await page.locator(`tr.indicator[data-indicator="${IDS.evilIndicator}"] td a`).innerText()).toBe(
    EVIL_INDICATOR,
  );
  expect(await page.locator('main img').count()).toBe(0);
  expect(await page.locator('main script').count()).toBe(0);
  await page.locator(`tr.indicator[data-indicator="${IDS.evilIndicator}"] a`).click();
  await page.waitForURL('**/indicators/**');
  expect(await page.locator('h1').innerText()).toBe(EVIL_INDICATOR);
  expect(await page.title()).toContain(EVIL_INDICATOR);
  expect(await page.evaluate('window.__xss')).toBeUndefined();
  expect(pageErrors).toEqual([]);
});

it('lists the mails the local SMTP sink caught', async () => {
  const sender = new SmtpSender({ url: h.sink.url, ignoreTls: true });
  try {
    await sender.send({
      from: 'Indicator Watch <noreply@localhost>',
      to: 'choujian@example.gov.cn',
      subject: '【有可能】<汽油抽检批次>',
      text: '进度落后',
      html: '<p>进度落后</p>',
      messageId: '<t1@localhost>',
    });
  } finally {
    sender.close();
  }
  await page.goto(`${h.base}/mail`);
  const link = page.locator('table.mails a').first();
  expect(await link.innerText()).toBe('【有可能】<汽油抽检批次>');
  await link.click();
  await page.waitForURL('**/mail/**');
  expect(await page.locator('pre.mail').innerText()).toContain('进度落后');
});
