import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { SmtpSender } from '@iw/mail';
import { IndicatorDetailSchema, IndicatorListSchema } from '../../../apps/status/src/dtos/indicator.dto';
import { AgencyListSchema, ProjectListSchema } from '../../../apps/status/src/dtos/project.dto';
import { EVIL_INDICATOR, EVIL_PROJECT, IDS, SEED_AGENCY, TOKENS, startHarness, type StatusHarness } from './harness';

/**
 * The dashboard in a real headless Chromium (Debian's `chromium`, driven by playwright-core):
 * it logs in with ?token= once, shows each project's traffic lights and budget bar, an
 * indicator's chart with the deadline marked, and renders names holding markup as text.
 */

jest.setTimeout(180_000);

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
/** The test's own screenshots (the README's come from a replay: test/support/dashboard-screenshots.ts). */
const SHOTS = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-dashboard-shots-'));

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
  fs.rmSync(SHOTS, { recursive: true, force: true });
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
  // One heading: the page's own.
  expect(await page.locator('main').getByRole('heading').allInnerTexts()).toEqual(['数据管道']);
  expect(await page.locator('[data-tile="dlq"] .v').innerText()).toBe('1');
  expect(await page.locator('[data-tile="dlq"] a').getAttribute('href')).toBe('/dlq');
  // How old the DLQ, parked and outbox figures are: said on the page, and said again by the
  // script's refresh from /status (every 15 s) in the same words.
  const snapshot = page.locator('#snapshot');
  const said = /^死信、暂停计数与待发邮件：\d+ 秒前的读数（(至多每 \d+ 秒读一次|每次请求时读)）$/;
  expect(await snapshot.innerText()).toMatch(said);
  await snapshot.evaluate((e) => ((e as { textContent: string }).textContent = '—'));
  await page.waitForFunction(
    () =>
      (
        globalThis as unknown as { document: { getElementById(id: string): { textContent: string } } }
      ).document.getElementById('snapshot').textContent !== '—',
    undefined,
    { timeout: 25_000 },
  );
  expect(await snapshot.innerText()).toMatch(said);
  expect(pageErrors).toEqual([]);
});

const colourOf = (loc: ReturnType<Page['locator']>, prop: 'backgroundColor' | 'color') =>
  loc.evaluateAll(
    (els, k) =>
      els.map(
        (e) =>
          // Runs in the page (no DOM types in this project's TS lib).
          (globalThis as unknown as { getComputedStyle(e: unknown): Record<string, string> }).getComputedStyle(e)[k],
      ),
    prop,
  );
const RED = 'rgb(194, 48, 48)';

it('opens on the roll-up of agencies for the finance department: counts, execution against 序时进度, links', async () => {
  await page.goto(`${h.base}/ops`);
  // The header's link is named for what it opens.
  const home = page.locator('header.top a[data-nav="home"]');
  expect([await home.innerText(), await home.getAttribute('href')]).toEqual(['预算单位总览', '/']);
  expect(await page.locator('header.top').innerText()).not.toContain('项目总览');
  await home.click();
  await page.waitForURL(`${h.base}/`);
  expect(await page.locator('h1').innerText()).toBe('预算单位总览（2019年度）');
  const api = AgencyListSchema.parse(await (await h.get('/api/agencies')).json());
  const rows = page.locator('tr.agency');
  expect(await rows.count()).toBe(api.agencies.length);
  expect(api.agencies.length).toBe(2);
  for (const a of api.agencies) {
    const row = page.locator(`tr.agency[data-agency="${a.agency}"]`);
    const counts = await row
      .locator('td[data-likelihood]')
      .evaluateAll((els) => els.map((e) => [e.getAttribute('data-likelihood'), Number(e.textContent)]));
    expect(Object.fromEntries(counts)).toEqual(a.likelihoods);
    // 落后 as the API says it: below 序时进度 by more than the pace tolerance (10 % of it, samples/pace.yaml).
    expect(a.behind).toBe(a.executionRate !== null && a.executionRate < Math.round(api.timeElapsed! * 90) / 100);
    expect(await row.locator('.budget').getAttribute('data-behind')).toBe(String(a.behind));
  }
  expect(await page.locator('#behind-rule').innerText()).toContain('预算执行率低于序时进度的 90%（容差 10%）即为落后');
  // The seed agency spent 60 万 of its funds by mid-year: behind 序时进度, drawn red and tagged.
  const seed = page.locator(`tr.agency[data-agency="${SEED_AGENCY}"]`);
  expect(await seed.locator('.budget.behind .behind-tag').innerText()).toBe('落后');
  expect(await colourOf(seed.locator('.bar .fill'), 'backgroundColor')).toEqual([RED]);
  await seed.locator('a').first().click();
  await page.waitForURL((u) => u.searchParams.get('agency') === SEED_AGENCY);
  expect(await page.locator('h1').innerText()).toBe(`${SEED_AGENCY}（2019年度）`);
});

it('lists an agency’s projects under its counts, riskiest first, budget execution red when behind 序时进度', async () => {
  await page.goto(`${h.base}/?agency=${encodeURIComponent(SEED_AGENCY)}`);
  const all = ProjectListSchema.parse(
    await (await h.get(`/api/projects?agency=${encodeURIComponent(SEED_AGENCY)}`)).json(),
  ).projects;
  const agency = AgencyListSchema.parse(await (await h.get('/api/agencies')).json()).agencies.find(
    (a) => a.agency === SEED_AGENCY,
  )!;
  const top = await page
    .locator('#agency-summary .count[data-likelihood]')
    .evaluateAll((els) =>
      els.map((e) => [e.getAttribute('data-likelihood'), Number(e.querySelector('.v')!.textContent)]),
    );
  expect(Object.fromEntries(top)).toEqual(agency.likelihoods);
  const rows = page.locator('tr.project');
  expect(await rows.count()).toBe(all.length);
  expect(all.length).toBe(18);
  // Riskiest first: 不可能 counts never rise down the list.
  const order = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('data-project')!));
  const nots = order.map((id) => all.find((p) => p.id === id)!.lights.不可能);
  expect(nots).toEqual([...nots].sort((x, y) => y - x));

  const row = page.locator(`tr.project[data-project="${IDS.inspect}"]`);
  const counts = await row
    .locator('.lights .light')
    .evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-count'))));
  const lights = all.find((p) => p.id === IDS.inspect)!.lights;
  expect(counts).toEqual([lights.确定能, lights.有可能, lights.不可能, lights.无]);
  expect(new Set(await colourOf(row.locator('.lights .light'), 'backgroundColor')).size).toBe(4);
  // Budget: 32 % executed with half the year gone: red, tagged 落后; a project with no spending tracked is not.
  expect(await row.locator('.bar .fill').getAttribute('style')).toBe('width:32%');
  expect(await row.locator('.bar .elapsed').count()).toBe(1);
  expect(await colourOf(row.locator('.bar .fill'), 'backgroundColor')).toEqual([RED]);
  expect(await colourOf(row.locator('.budget .rate'), 'color')).toEqual([RED]);
  expect(all.find((p) => p.id === IDS.inspect)!.behind).toBe(true);
  for (const p of all) {
    const behind = p.executionRate !== null && p.executionRate < Math.round(p.timeElapsed * 90) / 100;
    expect(p.behind).toBe(behind);
    expect([
      p.id,
      await page.locator(`tr.project[data-project="${p.id}"] .budget`).getAttribute('data-behind'),
    ]).toEqual([p.id, String(behind)]);
  }
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-agency.png'), fullPage: true });
});

it('filters by risk and sorts by a column with plain links and a GET form (no script needed)', async () => {
  const base = `${h.base}/?agency=${encodeURIComponent(SEED_AGENCY)}`;
  const all = ProjectListSchema.parse(
    await (await h.get(`/api/projects?agency=${encodeURIComponent(SEED_AGENCY)}`)).json(),
  ).projects;
  const worst = (l: (typeof all)[number]['lights']) =>
    l.不可能 ? '不可能' : l.有可能 ? '有可能' : l.确定能 ? '确定能' : '暂无';
  const noScript = await browser.newContext({ javaScriptEnabled: false, locale: 'zh-CN' });
  try {
    await noScript.addCookies(await page.context().cookies());
    const p = await noScript.newPage();
    await p.goto(base);
    await p.locator('form.filters select[name="risk"]').selectOption('有可能');
    await p.locator('form.filters button[type="submit"]').click();
    await p.waitForURL((u) => u.searchParams.get('risk') === '有可能');
    const shown = await p.locator('tr.project').evaluateAll((els) => els.map((e) => e.getAttribute('data-project')));
    const want = all.filter((x) => worst(x.lights) === '有可能').map((x) => x.id);
    expect(want.length).toBeGreaterThan(0);
    expect([...shown].sort()).toEqual([...want].sort());
    expect(await p.locator('#shown').innerText()).toBe(`显示 ${want.length} / ${all.length} 个项目`);
    // The counts on top stay the agency's.
    expect(Number(await p.locator('#agency-summary .count[data-likelihood="确定能"] .v').innerText())).toBe(
      all.reduce((n, x) => n + x.lights.确定能, 0),
    );

    // Sorting by 预算执行率 keeps the filter; furthest behind 序时进度 first.
    await p.locator('th[data-sort="execution"] a').click();
    await p.waitForURL((u) => u.searchParams.get('sort') === 'execution' && u.searchParams.get('risk') === '有可能');
    const ids = await p.locator('tr.project').evaluateAll((els) => els.map((e) => e.getAttribute('data-project')!));
    const gaps = ids.map((id) => {
      const x = all.find((y) => y.id === id)!;
      return x.executionRate === null ? Infinity : x.executionRate - x.timeElapsed;
    });
    expect(gaps).toEqual([...gaps].sort((x, y) => x - y));
    expect(await p.locator('th.sorted').getAttribute('data-sort')).toBe('execution');
  } finally {
    await noScript.close();
  }
});

it('keeps ?year= and answers an unknown agency or year with a Chinese 404', async () => {
  const res = await page.goto(`${h.base}/?year=2019&agency=${encodeURIComponent(SEED_AGENCY)}&sort=name`);
  expect(res?.status()).toBe(200);
  expect(await page.locator('th[data-sort="funds"] a').getAttribute('href')).toBe(
    `/?agency=${encodeURIComponent(SEED_AGENCY)}&year=2019&sort=funds`,
  );
  const names = await page.locator('tr.project td:first-child a').allInnerTexts();
  expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b, 'zh')));
  const unknown = await page.goto(`${h.base}/?agency=${encodeURIComponent('没有这个单位')}`);
  expect(unknown?.status()).toBe(404);
  expect(await page.locator('main').innerText()).toContain('找不到预算单位：没有这个单位');
  const year = await page.goto(`${h.base}/?year=2031`);
  expect(year?.status()).toBe(404);
  expect(await page.locator('main').innerText()).toContain('目标表目录中没有 2031 年度');
  expect((await page.goto(`${h.base}/?risk=${encodeURIComponent('很高')}`))?.status()).toBe(400);
  // Chromium logs each refused page as a failed load; nothing else went wrong.
  expect(pageErrors.splice(0)).toEqual(
    Array(3)
      .fill('Failed to load resource: the server responded with a status of 404 (Not Found)')
      .fill('Failed to load resource: the server responded with a status of 400 (Bad Request)', 2),
  );
});

it('goes from a project to an indicator and draws its chart with actual, pace, forecast and the deadline', async () => {
  await page.goto(`${h.base}/?agency=${encodeURIComponent(SEED_AGENCY)}`);
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
  await page.screenshot({ path: path.join(SHOTS, 'dashboard-indicator.png') });
});

it('shows on the indicator page the target line, the daily table with increment and expected, the owners and the alert history', async () => {
  await page.goto(`${h.base}/indicators/${encodeURIComponent(IDS.gasoline)}`);
  const api = IndicatorDetailSchema.parse(
    await (await h.get(`/api/indicators/${encodeURIComponent(IDS.gasoline)}`)).json(),
  );
  // The target (≥700) as a labelled level; the axis reaches above it (data 300 is below).
  const chart = page.locator('svg.chart').first();
  expect(await chart.locator('g.target').getAttribute('data-value')).toBe('700');
  expect(await chart.locator('g.target text').textContent()).toBe('目标 700批次');
  const targetY = Number(await chart.locator('g.target line').getAttribute('y1'));
  expect(targetY).toBeGreaterThan(24); // below the plot's top edge: headroom above the target
  // The daily table: three days with events, newest first; increments 80/120/100 summing to the
  // value; the pace's expected value beside each (rising, below the 700 target).
  const rows = page.locator('table.history tbody tr');
  expect(await rows.count()).toBe(3);
  const cells = await rows.evaluateAll((trs) =>
    trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')),
  );
  expect(cells.map((c) => c.slice(0, 3))).toEqual([
    ['2019-06-28', '300批次', '+80批次'],
    ['2019-05-20', '220批次', '+120批次'],
    ['2019-03-10', '100批次', '+100批次'],
  ]);
  const expected = cells.map((c) => parseFloat(c[3]));
  expect(expected.every((x) => x > 0 && x < 700)).toBe(true);
  expect(expected).toEqual([...expected].sort((a, b) => b - a));
  expect(api.history.map((p) => [p.date, p.increment])).toEqual([
    ['2019-03-10', 100],
    ['2019-05-20', 120],
    ['2019-06-28', 80],
  ]);
  expect(api.history.map((p) => Math.round(p.expected! * 100) / 100)).toEqual(expected.slice().reverse());
  // 28 June's expected is about 700 × 179/365 (linear pace to the end of that day).
  expect(expected[0]).toBeGreaterThan(340);
  expect(expected[0]).toBeLessThan(350);
  // The owners, from the owners file.
  expect(
    await page.locator('#owners [data-owner]').evaluateAll((els) => els.map((e) => e.getAttribute('data-owner'))),
  ).toEqual(['chengpinyou@example.gov.cn']);
  // The alert history: the open alert's opening.
  const history = page.locator('#alert-history table.alert-history tbody tr');
  expect(await history.count()).toBeGreaterThanOrEqual(1);
  expect(await history.first().getAttribute('data-change')).toBe('opened');
  expect(await history.first().locator('td').nth(2).innerText()).toBe('告警开始');

  // The diesel indicator's alert opened and resolved: both changes, newest first.
  await page.goto(`${h.base}/indicators/${encodeURIComponent(IDS.diesel)}`);
  expect(
    await page.locator('#alert-history tbody tr').evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-change'))),
  ).toEqual(['resolved', 'opened']);
});

it('never shows an indicator without data as 确定能 or 预计能完成, nor on_track: page, API and 监控表 say no_data', async () => {
  const list = IndicatorListSchema.parse(await (await h.get('/api/indicators')).json()).indicators;
  const deadlines = list.filter((i) => i.target.kind === 'deadline' && i.lastEventAt === null && i.parts === null);
  expect(deadlines.length).toBeGreaterThan(0);
  // Not yet due: 暂无 (a passed deadline is 不可能, a near one 有可能, without data too).
  for (const i of deadlines) expect([i.id, i.likelihood]).not.toEqual([i.id, '确定能']);
  // A deadline far off (alerting keeps it on_track: no alert, no 缺报提醒) is no_data wherever it is shown.
  const d = deadlines.find((i) => i.daysLeft !== null && i.daysLeft > 30)!;
  expect(d).toBeDefined();
  expect([d.status, d.statusLabel, d.likelihood]).toEqual(['no_data', '暂无数据', null]);
  const detail = IndicatorDetailSchema.parse(await (await h.get(`/api/indicators/${encodeURIComponent(d.id)}`)).json());
  expect([detail.status, detail.likelihood]).toEqual(['no_data', null]);
  const byStatus = async (s: string) =>
    IndicatorListSchema.parse(await (await h.get(`/api/indicators?status=${s}`)).json()).indicators.map((i) => i.id);
  expect(await byStatus('no_data')).toContain(d.id);
  expect(await byStatus('on_track')).not.toContain(d.id);
  await page.goto(`${h.base}/indicators/${encodeURIComponent(d.id)}`);
  expect(await page.locator('h1 + p .badge').getAttribute('data-status')).toBe('no_data');
  expect(await page.locator('h1 + p .badge').innerText()).toBe('暂无数据');
  await page.goto(`${h.base}/projects/${encodeURIComponent(d.project.id)}`);
  expect(await page.locator(`tr.indicator[data-indicator="${d.id}"] .badge`).innerText()).toBe('暂无数据');
  const report = (await (
    await h.get(`/api/projects/${encodeURIComponent(d.project.id)}/monitoring-report?format=json`)
  ).json()) as {
    indicators: Array<{ indicatorId: string; likelihood: string | null; forecast: string; status: string }>;
  };
  const row = report.indicators.find((r) => r.indicatorId === d.id)!;
  expect([row.status, row.likelihood, row.forecast]).toEqual(['no_data', null, '暂无数据']);
  // No 确定能 and no on_track anywhere for an indicator that has no data; the project's counts agree.
  const noData = list.filter((i) => i.lastEventAt === null && i.parts === null);
  expect(noData.filter((i) => i.likelihood === '确定能' || i.status === 'on_track').map((i) => i.id)).toEqual([]);
  const project = ProjectListSchema.parse(await (await h.get('/api/projects')).json()).projects.find(
    (p) => p.id === d.project.id,
  )!;
  const mine = list.filter((i) => i.project.id === d.project.id);
  expect(project.statusCounts.no_data).toBe(mine.filter((i) => i.status === 'no_data').length);
  expect(project.statusCounts.on_track).toBe(
    mine.filter((i) => i.likelihood === '确定能' && i.status === 'on_track').length,
  );
});

it('renders names holding markup as text, runs none of it', async () => {
  await page.goto(`${h.base}/?agency=${encodeURIComponent('测试单位')}`);
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
