/**
 * The README's screenshots of the people's pages, taken from a running replay (`npm start`),
 * never from test fixtures:
 *
 *   node --require ./test/support/ts-register.js test/support/people-screenshots.ts \
 *     <mail folder of the replay> <the office person's personal link printed by npm start> [out dir]
 *
 * It waits for an alert mail to an owner of the directory, opens its personal link in Chromium
 * (the owner's view of the indicator page), clicks 确认告警 and shoots the page with its
 * 操作记录; then opens the office person's link and shoots the 告警 page.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** The first .eml of `to` with a 确认告警 link: its 详情 link (quoted-printable undone). */
async function alertLink(mailDir: string, to: RegExp, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const files = fs.existsSync(mailDir)
      ? fs
          .readdirSync(mailDir)
          .filter((f) => f.endsWith('.eml'))
          .sort()
      : [];
    for (const f of files) {
      const raw = fs.readFileSync(path.join(mailDir, f), 'utf8');
      const text = raw
        .replace(/=\r?\n/g, '')
        .replace(/=([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
      if (!to.test(/^To: (.*)$/m.exec(text)?.[1] ?? '')) continue;
      const link = /(https?:\/\/\S+\/signin\/[A-Za-z0-9_.-]+\?next=%2Findicators%2F[^\s"<]+)/.exec(text)?.[1];
      if (link && text.includes('/alerts%2F')) return link;
    }
    await sleep(1000);
  }
  throw new Error(`no alert mail to ${String(to)} in ${mailDir} within ${timeoutMs / 1000} s`);
}

async function main(): Promise<void> {
  const [mailDir, officeLink, outDir = path.resolve(__dirname, '../../docs')] = process.argv.slice(2);
  if (!mailDir || !officeLink) throw new Error('usage: people-screenshots.ts <mail folder> <office link> [out dir]');
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu'] });
  try {
    const owner = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
    const link = await alertLink(mailDir, /choujian@/, 180_000);
    await owner.goto(link);
    await owner.locator('#actions').scrollIntoViewIfNeeded();
    await owner.screenshot({ path: path.join(outDir, 'people-indicator.png'), fullPage: false });
    const ack = owner.getByRole('button', { name: '确认告警' }).first();
    if (await ack.count()) {
      await ack.click();
      await owner.waitForURL(/done=ack/);
    }
    await owner.locator('#audit').scrollIntoViewIfNeeded();
    await owner.screenshot({ path: path.join(outDir, 'people-audit.png'), fullPage: false });

    const office = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
    await office.goto(officeLink);
    await office.goto(new URL('/alerts', officeLink).toString());
    await office.screenshot({ path: path.join(outDir, 'people-alerts.png'), fullPage: false });
    console.log(
      `screenshots in ${outDir}: people-indicator.png, people-audit.png, people-alerts.png (owner link ${link.slice(0, 60)}…)`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
