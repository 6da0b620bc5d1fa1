import * as net from 'node:net';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
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

const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

async function env(): Promise<Record<string, string>> {
  return {
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    IW_INGEST_GROUP: uniqueId('ingest'),
    IW_ALERTING_GROUP: uniqueId('alerting'),
    IW_STATUS_PORT: String(await freePort()),
    IW_LOG_LEVEL: 'log',
    IW_API_TOKENS: 'test-token',
  };
}

const READY = /successfully started/;

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
      await proc.waitForOutput(READY, 60_000);
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
  await proc.waitForOutput(READY, 60_000);
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
