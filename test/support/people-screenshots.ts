/**
 * The README's screenshots of the people's pages, taken from a running replay (`npm start`),
 * never from test fixtures:
 *
 *   node --require ./test/support/ts-register.js test/support/people-screenshots.ts \
 *     <mail folder of the replay> <the office person's personal link printed by npm start> [out dir]
 *
 * It waits for an alert mail to an owner of the directory, opens its personal link in Chromium
 * (the owner's view of the indicator page), clicks 确认告警 and shoots the page and its
 * 操作记录; then opens the office person's link, reports an assessment (填报) of a qualitative
 * indicator, shoots the page once ingest has applied it, and shoots the 告警 page.
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
      if (link && text.includes('%2Falerts%2F')) return link;
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
    await owner.screenshot({ path: path.join(outDir, 'people-indicator.png'), fullPage: false });
    const ack = owner.getByRole('button', { name: '确认告警' }).first();
    if (await ack.count()) {
      await ack.click();
      await owner.waitForURL(/done=ack/);
    }
    await owner.locator('#audit').screenshot({ path: path.join(outDir, 'people-audit.png') });

    // The office person: a 填报 (assessment) of a qualitative indicator of the agency, then the 告警 page.
    const office = await browser.newPage({ viewport: { width: 1360, height: 900 }, locale: 'zh-CN' });
    await office.goto(officeLink);
    const list = (await (await office.request.get(new URL('/api/indicators', officeLink).toString())).json()) as {
      indicators: Array<{ id: string; status: string; target: { kind: string } }>;
    };
    // The last one not yet assessed (the replay's story assesses an early one itself, later than now).
    const qualitative = [...list.indicators]
      .reverse()
      .find((i) => i.target.kind === 'qualitative' && i.status === 'manual');
    if (!qualitative) throw new Error('no qualitative indicator in the catalogue');
    await office.goto(new URL(`/indicators/${encodeURIComponent(qualitative.id)}`, officeLink).toString());
    const form = office.locator('form[data-form="assessment"]').first();
    await form.getByLabel('有可能').check();
    await form.locator('textarea[name="text"]').fill('下半年集中开展，进度偏慢，已调整工作计划');
    await form.getByRole('button', { name: '提交填报' }).click();
    await office.waitForURL(/done=report/);
    const deadline = Date.now() + 60_000;
    // Shown once ingest applied it and alerting settled the new status (IW_PENDING_FOR).
    const shown = async () =>
      (await office.locator('[data-assessment="有可能"]').count()) > 0 &&
      (await office.locator('.badge[data-status="manual"]').count()) === 0;
    while (Date.now() < deadline && !(await shown())) {
      await sleep(1000);
      await office.reload();
    }
    // From the top of the page (name, status) down to the 填报 section.
    const end = await office.locator('#deviation').boundingBox();
    await office.screenshot({
      path: path.join(outDir, 'people-report.png'),
      fullPage: true,
      clip: { x: 0, y: 0, width: 1360, height: Math.min(1400, Math.ceil(end?.y ?? 900)) },
    });
    await office.goto(new URL('/alerts', officeLink).toString());
    await office.screenshot({ path: path.join(outDir, 'people-alerts.png'), fullPage: false });
    console.log(
      `screenshots in ${outDir}: people-indicator.png, people-audit.png, people-report.png, people-alerts.png (owner link ${link.slice(0, 60)}…)`,
    );
  } finally {
    await browser.close();
  }
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});
