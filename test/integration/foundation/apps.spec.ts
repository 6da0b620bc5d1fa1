import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  freePort,
  spawnApp,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
} from '@iw/testing';

/**
 * Each app, as `npm start` runs it (node dist/apps/<app>/src/main.js), boots against the real
 * Kafka and MongoDB and stops cleanly — exit code 0 — on SIGTERM and SIGINT.
 */

jest.setTimeout(180_000);

const ROOT = path.resolve(__dirname, '../../..');
const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();

async function env(): Promise<Record<string, string>> {
  return {
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    IW_INGEST_GROUP: uniqueId('ingest'),
    IW_ALERTING_GROUP: uniqueId('alerting'),
    IW_STATUS_PORT: String(await freePort()),
    IW_LOG_LEVEL: 'log',
    IW_API_TOKENS: 'admin:test-token-0123456789',
  };
}

const READY = /successfully started/;
/** Nest says it started before the HTTP server listens; the status app says when it does. */
const LISTENING = /listening on port/;

beforeAll(async () => {
  ensureBuilt();
  await createTestTopics(prefix, 2);
});

afterAll(async () => {
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
});

describe.each([
  ['ingest', 'SIGTERM'],
  ['alerting', 'SIGTERM'],
  ['status', 'SIGTERM'],
  ['ingest', 'SIGINT'],
  ['status', 'SIGINT'],
] as const)('%s', (app, signal) => {
  it(`boots against Kafka and MongoDB and exits 0 on ${signal}`, async () => {
    const e = await env();
    const proc = spawnApp({ entry: `dist/apps/${app}/src/main.js`, env: e });
    try {
      await proc.waitForOutput(app === 'status' ? LISTENING : READY, 60_000);
      if (app === 'status') {
        const res = await fetch(`http://127.0.0.1:${e.IW_STATUS_PORT}/health/live`);
        expect(res.status).toBe(200);
        expect(await res.json()).toEqual({ status: 'ok' });
      }
    } finally {
      const exit = await proc.stop(signal);
      expect({ exit, output: proc.output() }).toEqual({
        exit: { code: 0, signal: null },
        output: expect.not.stringMatching(/ERROR/),
      });
    }
  });
});

it('runs from TypeScript sources too (spawnApp with a .ts entry)', async () => {
  const e = await env();
  const proc = spawnApp({ entry: 'apps/status/src/main.ts', env: e });
  await proc.waitForOutput(LISTENING, 60_000);
  expect((await fetch(`http://127.0.0.1:${e.IW_STATUS_PORT}/health/live`)).status).toBe(200);
  expect(await proc.stop()).toEqual({ code: 0, signal: null });
});

it.each([
  ['ingest', { IW_STATUS_PORT: 'abc' }, /IW_STATUS_PORT/],
  ['status', { MONGO_URL: 'not a url' }, /MONGO_URL/],
])('%s with a bad variable prints the problem and exits 1 without a stack trace', async (app, bad, message) => {
  const proc = spawnApp({ entry: `dist/apps/${app}/src/main.js`, env: { ...(await env()), ...bad } });
  expect(await proc.exited).toEqual({ code: 1, signal: null });
  expect(proc.output()).toMatch(/Invalid configuration/);
  expect(proc.output()).toMatch(message);
  expect(proc.output()).not.toMatch(/^\s+at /m);
});

it('exits 1 with one line when MongoDB is not reachable', async () => {
  const proc = spawnApp({
    entry: 'dist/apps/alerting/src/main.js',
    env: { ...(await env()), MONGO_URL: 'mongodb://127.0.0.1:1/iw-test-nowhere' },
  });
  expect(await proc.exited).toEqual({ code: 1, signal: null });
  expect(proc.output()).toMatch(
    /cannot start: MongoDB at mongodb:\/\/127\.0\.0\.1:1\/iw-test-nowhere is not reachable/,
  );
});

describe('three apps started at the same moment (npm run start:<app> each)', () => {
  /** `npm run start:<app>` in its own process group, as three terminals or a process manager would. */
  function startScript(app: string, e: Record<string, string>) {
    const child = spawn('npm', ['run', '--silent', `start:${app}`], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1', ...e },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    return { app, child, exited, output: () => out };
  }

  it('build dist/ once, under a lock, and all three come up', async () => {
    // A source newer than the last build: every start script sees a stale dist/.
    const now = new Date();
    fs.utimesSync(path.join(ROOT, 'libs/clock/src/index.ts'), now, now);
    const apps = ['ingest', 'alerting', 'status'];
    const envs = await Promise.all(apps.map(() => env()));
    const started = apps.map((app, i) => startScript(app, envs[i]));
    try {
      await Promise.all(
        started.map(async (s) => {
          const deadline = Date.now() + 540_000;
          while (!READY.test(s.output())) {
            if (s.child.exitCode !== null) throw new Error(`${s.app} exited early:\n${s.output().slice(-3000)}`);
            if (Date.now() > deadline) throw new Error(`${s.app} did not start:\n${s.output().slice(-3000)}`);
            await new Promise((r) => setTimeout(r, 200));
          }
        }),
      );
      const outputs = started.map((s) => s.output());
      expect(outputs.filter((o) => o.includes('build: compiling dist/'))).toHaveLength(1);
      for (const o of outputs) expect(o).not.toMatch(/Cannot find module|ERR_MODULE_NOT_FOUND/);
      const res = await fetch(`http://127.0.0.1:${envs[2].IW_STATUS_PORT}/health/live`);
      expect(res.status).toBe(200);
    } finally {
      for (const s of started) if (s.child.exitCode === null) process.kill(-s.child.pid!, 'SIGTERM');
      await Promise.all(
        started.map((s) => Promise.race([s.exited, new Promise((r) => setTimeout(r, 30_000).unref())])),
      );
      for (const s of started) if (s.child.exitCode === null) process.kill(-s.child.pid!, 'SIGKILL');
    }
    expect(fs.existsSync(path.join(ROOT, '.build.lock'))).toBe(false);
  }, 600_000);
});
