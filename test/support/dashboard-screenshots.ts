/**
 * The README's screenshots of the dashboard, taken from a running replay (`npm start`), never
 * from test fixtures:
 *
 *   node --require ./test/support/ts-register.js test/support/dashboard-screenshots.ts \
 *     <dashboard link printed by npm start> [out dir]
 *
 * It opens the dashboard link (the token becomes a cookie) in Chromium, waits until the replay's
 * clock has reached SHOTS_AT (default 2019-07-01: mid-year) with at least one open alert, then
 * shoots, within a few seconds of replay, the agency page with the most indicators
 * (docs/dashboard.png), the page of an indicator with data behind its pace — a floor target
 * 有可能 if there is one — (docs/dashboard-indicator.png: the chart with its target line, the
 * daily table) and /ops (docs/dashboard-ops.png).
 */
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { localDate } from '@iw/clock';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const AT = process.env.SHOTS_AT || '2019-07-01';
const TZ = process.env.IW_TIMEZONE || 'Asia/Shanghai';
const WIDTH = 1360;

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

interface Listed {
  id: string;
  name: string;
  status: string;
  parts: unknown[] | null;
  target: { kind: string; op?: string };
  lastEventAt: string | null;
  expected: number | null;
}

async function getJson<T>(page: Page, base: string, p: string): Promise<T> {
  const res = await page.request.get(new URL(p, base).toString());
  if (!res.ok()) throw new Error(`GET ${p} → ${res.status()}`);
  return (await res.json()) as T;
}

/** Waits until the replay's domain time (the API's `now`, local date) reached `AT` and an alert is open. */
async function waitForReplay(page: Page, base: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  let seen = '';
  while (Date.now() < deadline) {
    const list = await getJson<{ now: string; fiscalYear: number | null }>(page, base, '/api/agencies').catch(
      () => null,
    );
    if (list) {
      seen = localDate(Date.parse(list.now), TZ);
      if (seen >= AT) {
        const alerts = await getJson<{ alerts: unknown[] }>(page, base, '/api/alerts?state=open');
        if (alerts.alerts.length > 0) return seen;
      }
    }
    await sleep(2000);
  }
  throw new Error(`the replay did not reach ${AT} with an open alert within ${timeoutMs / 1000} s (last seen ${seen})`);
}

/** Shoots the page from its top down to `bottom` px at most (the whole page when shorter). */
async function shoot(page: Page, file: string, bottom: number): Promise<void> {
  const height = await page.evaluate('document.documentElement.scrollHeight');
  await page.screenshot({
    path: file,
    fullPage: true,
    clip: { x: 0, y: 0, width: WIDTH, height: Math.min(bottom, Number(height)) },
  });
}

async function main(): Promise<void> {
  const [link, outDir = path.resolve(__dirname, '../../docs')] = process.argv.slice(2);
  if (!link) throw new Error('usage: dashboard-screenshots.ts <dashboard link> [out dir]');
  const base = new URL(link).origin;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const page = await browser.newPage({ viewport: { width: WIDTH, height: 900 }, locale: 'zh-CN' });
    await page.goto(link);
    const date = await waitForReplay(page, base, 600_000);

    // The agency page: counts on top, projects riskiest first.
    const agencies = await getJson<{ agencies: Array<{ agency: string; indicatorCount: number }> }>(
      page,
      base,
      '/api/agencies',
    );
    const agency = [...agencies.agencies].sort((a, b) => b.indicatorCount - a.indicatorCount)[0];
    if (!agency) throw new Error('no agency in the catalogue');
    await page.goto(new URL(`/?agency=${encodeURIComponent(agency.agency)}`, base).toString());
    await shoot(page, path.join(outDir, 'dashboard.png'), 1100);

    // An indicator with data and a numeric target on a pace (expected known): behind it if one is
    // (a floor first, 有可能 before 不可能), then the one reported longest ago. One list read, so
    // the three pages show the same days of the replay.
    const list = await getJson<{ indicators: Listed[] }>(page, base, '/api/indicators');
    const rank = (i: Listed) =>
      (i.status === 'at_risk' ? 0 : i.status === 'off_track' ? 2 : 4) + (i.target.op === '>=' ? 0 : 1);
    const best = list.indicators
      .filter((i) => i.parts === null && i.target.kind === 'numeric' && i.lastEventAt !== null && i.expected !== null)
      .sort((a, b) => rank(a) - rank(b) || a.id.localeCompare(b.id))[0];
    if (!best) throw new Error('no indicator with data and a numeric target yet');
    await page.goto(new URL(`/indicators/${encodeURIComponent(best.id)}`, base).toString());
    await page.locator('svg.chart').first().waitFor();
    await shoot(page, path.join(outDir, 'dashboard-indicator.png'), 1300);

    // /ops: the pipeline's figures.
    await page.goto(new URL('/ops', base).toString());
    await shoot(page, path.join(outDir, 'dashboard-ops.png'), 240);
    console.log(
      `screenshots in ${outDir} as of ${date}: dashboard.png (${agency.agency}), dashboard-indicator.png (${best.id}, ${best.status}), dashboard-ops.png`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
