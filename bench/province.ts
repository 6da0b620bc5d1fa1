import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '@iw/testing';
import type { BenchOptions } from './options';
import { startPrivateFerret, usesLocalFerret, type PrivateFerret } from './private-ferret';
import type { ProvinceResult } from './report';
import { PeakRss } from './rss';
import { spawnBenchApp, type BenchApp } from './spawn';
import { BUILD_DIR, ROOT, type BenchWorld } from './world';

/** The domain time the apps run at (the generated province is of 2019). */
const SIM_START = '2019-08-15T12:00:00+08:00';
const TZ = 'Asia/Shanghai';

const round = (v: number, d = 2) => Math.round(v * 10 ** d) / 10 ** d;

/** The `iw` CLI of the bench's build, in a process of its own; resolves with its exit code and output. */
function iw(args: string[], env: Record<string, string>, timeoutMs: number): Promise<{ code: number; out: string }> {
  const main = path.join(BUILD_DIR, 'libs/cli/src/main.js');
  const script = `require(${JSON.stringify(main)}).runCli(['node','iw',...${JSON.stringify(args)}]).then((c) => process.exit(c))`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-200_000)));
    child.stderr.on('data', (c: Buffer) => (out = (out + c.toString('utf8')).slice(-200_000)));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      if (signal) reject(new Error(`iw ${args.slice(0, 2).join(' ')}: ${signal} after ${timeoutMs / 1000} s\n${out}`));
      else resolve({ code: code ?? 1, out });
    });
  });
}

/** Polls `url` until it answers 200 (or the app exits, or `timeoutMs` passes). */
async function until200(app: BenchApp, url: string, token: string, timeoutMs: number): Promise<void> {
  const end = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < end) {
    if (!app.isRunning()) throw new Error(`${app.name} exited:\n${app.output().slice(-3000)}`);
    try {
      const res = await fetch(url, {
        headers: { authorization: `Bearer ${token}` },
        signal: AbortSignal.timeout(60_000),
      });
      if (res.status === 200) {
        await res.arrayBuffer();
        return;
      }
      last = `${res.status} ${(await res.text()).slice(0, 200)}`;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(
    `${url} did not answer 200 within ${timeoutMs / 1000} s (last: ${last})\n${app.output().slice(-2000)}`,
  );
}

/**
 * Stage 5: a province (`iw simulate province --agencies N`, about 1,000 indicators each) imported
 * from its folder with `iw targets import` (timed, a process of its own); then alerting spawned
 * as `npm run start:alerting` runs it — start-up is spawn → "successfully started" (the catalogue
 * is loaded by then), the full evaluation is its first sweep as its own log line times it —
 * and last the status app, spawn → GET /api/agencies answered (the finance department's
 * landing, rolled up over every project). Peak RSS is each process's VmHWM.
 */
export async function benchProvince(
  world: BenchWorld,
  opts: BenchOptions,
  log: (m: string) => void,
  result: ProvinceResult,
): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-bench-province-'));
  let ferret: PrivateFerret | null = null;
  const apps: BenchApp[] = [];
  let failed = false;
  try {
    let url: string;
    if (usesLocalFerret()) {
      // 100k indicators and their evaluations: not on the FerretDB others are using.
      ferret = await startPrivateFerret(log);
      url = ferret.url('iw-bench-province');
      result.how = "against a FerretDB of the bench's own";
    } else {
      url = world.mongoUrl('province');
      result.how = 'against MONGO_URL';
    }
    const out = path.join(dir, 'province');
    const made = await iw(
      [
        'simulate',
        'province',
        '--agencies',
        String(opts.provinceAgencies),
        '--seed',
        String(opts.seed),
        '--year',
        '2019',
        '--out',
        out,
      ],
      {},
      120_000,
    );
    if (made.code !== 0) throw new Error(`iw simulate province failed:\n${made.out}`);
    const counts = /(\d+) agencies, (\d+) projects, (\d+) indicators/.exec(made.out);
    if (counts) {
      result.projects = Number(counts[2]);
      result.indicators = Number(counts[3]);
    }
    log(`province: ${counts?.[0] ?? made.out.split('\n')[0]}`);

    const env = {
      MONGO_URL: url,
      IW_BINDINGS: path.join(out, 'bindings.yaml'),
      IW_OWNERS: path.join(out, 'owners.yaml'),
      IW_TIMEZONE: TZ,
      IW_CLOCK: `sim:${SIM_START}@1`,
      IW_LOG_LEVEL: 'log',
    };
    let t = Date.now();
    const imported = await iw(
      ['targets', 'import', path.join(out, 'targets'), '--owners', path.join(out, 'owners.yaml')],
      env,
      opts.provinceSeconds * 1000,
    );
    if (imported.code !== 0) throw new Error(`iw targets import failed:\n${imported.out.slice(-3000)}`);
    result.importSeconds = round((Date.now() - t) / 1000);
    log(`province: imported in ${result.importSeconds} s`);

    const { prefix } = await world.topics('province', 1);
    t = Date.now();
    const alerting = spawnBenchApp(
      path.join(BUILD_DIR, 'apps/alerting/src/main.js'),
      {
        ...env,
        KAFKA_TOPIC_PREFIX: prefix,
        KAFKA_PARTITIONS: '1',
        IW_ALERTING_GROUP: `${world.runId}-province`,
        IW_METRICS_PORT_ALERTING: '0',
        // No mail leaves: the stage measures loading and evaluating, not delivery.
        SMTP_URL: 'smtp://127.0.0.1:9',
      },
      'alerting',
    );
    apps.push(alerting);
    const alertingRss = new PeakRss(alerting.child.pid!);
    await alerting.waitForOutput(/successfully started/, opts.provinceSeconds * 1000);
    result.alertingStartSeconds = round((Date.now() - t) / 1000);
    log(`province: alerting started in ${result.alertingStartSeconds} s; waiting for its first sweep`);
    try {
      const m = await alerting.waitForOutput(
        /sweep \([^)]*\) at \S+: (\d+) units in (\d+) ms/,
        opts.provinceSeconds * 1000,
      );
      result.units = Number(m[1]);
      result.evaluateSeconds = round(Number(m[2]) / 1000);
      log(`province: first sweep (every unit evaluated) ${result.evaluateSeconds} s`);
    } catch (e) {
      result.error = `the first sweep: ${(e as Error).message.split('\n')[0]}`;
      log(`province: ${result.error}`);
    }
    result.alertingPeakRssMb = round(alertingRss.stop() ?? NaN, 0);
    await alerting.stop('SIGTERM', 20_000);

    const port = await freePort();
    const token = randomBytes(16).toString('hex');
    t = Date.now();
    const status = spawnBenchApp(
      path.join(BUILD_DIR, 'apps/status/src/main.js'),
      { ...env, IW_STATUS_PORT: String(port), IW_API_TOKENS: `admin:${token}` },
      'status',
    );
    apps.push(status);
    const statusRss = new PeakRss(status.child.pid!);
    await until200(status, `http://127.0.0.1:${port}/api/agencies`, token, opts.provinceSeconds * 1000);
    result.statusStartSeconds = round((Date.now() - t) / 1000);
    result.statusPeakRssMb = round(statusRss.stop() ?? NaN, 0);
    log(`province: status answered /api/agencies ${result.statusStartSeconds} s after spawn`);
    await status.stop('SIGTERM', 20_000);
  } catch (e) {
    failed = true;
    throw e;
  } finally {
    for (const a of apps) if (a.isRunning()) await a.stop('SIGTERM', 10_000).catch(() => undefined);
    if (ferret) await ferret.stop(failed ? path.join(ROOT, 'bench/results/private-ferretdb.log') : undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
