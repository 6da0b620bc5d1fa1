import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadConfig } from '@iw/config';
import { waitFor } from '@iw/testing';

/**
 * infra/ (plain Node, run before any build) driven as a user drives it: `node infra/cli.js …`.
 * global-setup has already brought the infrastructure up.
 */

jest.setTimeout(60_000);

const ROOT = path.resolve(__dirname, '../../..');
const CLI = path.join(ROOT, 'infra', 'cli.js');
const noDotEnv = path.join(os.tmpdir(), 'iw-no-such-dotenv');

function cli(args: string[], env: Record<string, string> = {}) {
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: ROOT,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return { code: r.status, out: r.stdout, err: r.stderr, ms: Date.now() - t0 };
}

/** Evaluates an expression over infra's modules in a plain node (they have no TS types). */
function infraEval<T>(expr: string, env: Record<string, string> = {}): T {
  const code = `const settings = require('./infra/settings'); const topics = require('./infra/topics'); process.stdout.write(JSON.stringify(${expr}));`;
  const r = spawnSync(process.execPath, ['-e', code], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, ...env } });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as T;
}

const tmpDirs: string[] = [];
const tmpLocal = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-local-'));
  tmpDirs.push(dir);
  return dir;
};
afterAll(() => tmpDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function holdPort(): Promise<{ port: number; close: () => Promise<void> }> {
  return new Promise((resolve) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      resolve({ port: (srv.address() as net.AddressInfo).port, close: () => new Promise((r) => srv.close(() => r())) });
    });
  });
}

describe('contract topics', () => {
  it.each([
    [{}, ''],
    [{ KAFKA_TOPIC_PREFIX: 'p1.' }, 'p1.'],
    [{ KAFKA_TOPIC_PREFIX: 'p2.', IW_TOPIC_CASES: 'cases-v1', IW_TOPIC_INSPECTION_BATCHES: 'lab' }, 'p2.'],
  ])('infra creates the names libs/config uses, for %o', (env, prefix) => {
    const fromInfra = infraEval<string[]>(
      `topics.contractTopicNames(${JSON.stringify(prefix)}, ${JSON.stringify(env)})`,
    );
    expect(fromInfra).toEqual(Object.values(loadConfig(env, noDotEnv).kafka.topics));
  });

  it('exist on the broker', async () => {
    const { KafkaAdmin, KafkaClient } = await import('@iw/kafka');
    const admin = new KafkaAdmin(new KafkaClient({ ...loadConfig(process.env, noDotEnv).kafka }));
    await admin.connect();
    try {
      const present = new Set(await admin.listTopics());
      for (const t of Object.values(loadConfig(process.env, noDotEnv).kafka.topics)) expect(present).toContain(t);
    } finally {
      await admin.disconnect();
    }
  });
});

describe('settings', () => {
  it.each([
    [{}, true, true],
    [{ KAFKA_BROKERS: 'localhost:9092' }, true, true],
    [{ KAFKA_BROKERS: 'kafka.prod:9092' }, false, true],
    [{ KAFKA_BROKERS: '127.0.0.1:9092,127.0.0.1:9094' }, false, true],
    [{ KAFKA_PORT: '19092', KAFKA_BROKERS: '127.0.0.1:19092' }, true, true],
    [{ MONGO_URL: 'mongodb://127.0.0.1:27017/other-db' }, true, true],
    [{ MONGO_URL: 'mongodb://localhost/x' }, true, true],
    [{ MONGO_URL: 'mongodb://db.prod:27017/x' }, true, false],
    [{ MONGO_URL: 'mongodb+srv://cluster0.example.net/x' }, true, false],
    [{ MONGO_URL: 'mongodb://127.0.0.1:27018/x' }, true, false],
  ])('%o → manage Kafka %s, MongoDB %s', (env, kafka, mongo) => {
    const clean = { KAFKA_BROKERS: '', MONGO_URL: '', KAFKA_PORT: '', MONGO_PORT: '', ...env };
    expect(
      infraEval<[boolean, boolean]>(
        '[settings.loadSettings().manageKafka, settings.loadSettings().manageMongo]',
        clean,
      ),
    ).toEqual([kafka, mongo]);
  });
});

describe('a three-broker cluster (--brokers 3)', () => {
  const env = { KAFKA_BROKERS: '', MONGO_URL: '', KAFKA_PORT: '', MONGO_PORT: '', KAFKA_LOCAL_BROKERS: '3' };

  it('has three brokers on every other port, each a voter, replicating new topics three ways (two in sync)', () => {
    const s = infraEval<{ brokers: string[]; manage: boolean; props: string[] }>(
      `(() => { const s = settings.loadSettings(); const k = require('./infra/kafka');
        return { brokers: s.brokers, manage: s.manageKafka, props: k.nodes(s).map((n) => k.serverProperties(s, n)) }; })()`,
      env,
    );
    expect(s.brokers).toEqual(['127.0.0.1:9092', '127.0.0.1:9094', '127.0.0.1:9096']);
    expect(s.manage).toBe(true);
    expect(s.props).toHaveLength(3);
    s.props.forEach((p, i) => {
      expect(p).toContain(`node.id=${i + 1}`);
      expect(p).toContain('controller.quorum.voters=1@127.0.0.1:9093,2@127.0.0.1:9095,3@127.0.0.1:9097');
      expect(p).toContain(`listeners=PLAINTEXT://127.0.0.1:${9092 + 2 * i},CONTROLLER://127.0.0.1:${9093 + 2 * i}`);
      for (const line of [
        'default.replication.factor=3',
        'min.insync.replicas=2',
        'offsets.topic.replication.factor=3',
        'transaction.state.log.min.isr=2',
        'unclean.leader.election.enable=false',
      ])
        expect(p.split('\n')).toContain(line);
    });
  });

  it('the apps find the same brokers through libs/config', () => {
    expect(loadConfig({ KAFKA_LOCAL_BROKERS: '3' }, noDotEnv).kafka.brokers).toEqual([
      '127.0.0.1:9092',
      '127.0.0.1:9094',
      '127.0.0.1:9096',
    ]);
  });

  it.each([
    [1, {}],
    [3, {}],
    [5, {}],
    [3, { replicationFactor: 2 }],
    [3, { replicationFactor: 3, minInsyncReplicas: 3 }],
    [1, { replicationFactor: 3 }],
    [3, { replicationFactor: 2, minInsyncReplicas: 3 }],
  ])('infra and libs/kafka replicate %s brokers alike, configured %o', async (brokers, configured) => {
    const { topicReplication } = await import('@iw/kafka');
    const viaInfra = spawnSync(
      process.execPath,
      [
        '-e',
        `try { process.stdout.write(JSON.stringify(require('./infra/topics').topicReplication(${brokers}, ${JSON.stringify(configured)}))) } catch (e) { process.stdout.write(JSON.stringify({ error: e.message })) }`,
      ],
      { cwd: ROOT, encoding: 'utf8' },
    );
    let expected: unknown;
    try {
      expected = topicReplication(brokers, configured);
    } catch (e) {
      expected = { error: (e as Error).message };
    }
    expect(JSON.parse(viaInfra.stdout)).toEqual(expected);
  });

  it('refuses to start a cluster over a running single broker (and says how to stop it)', () => {
    // The shared single broker runs on 9092 (global setup): asking for three on the same ports is refused.
    const r = cli(['up', '--brokers', '3']);
    if (!fs.existsSync(path.join(process.env.IW_LOCAL_DIR || path.join(ROOT, '.local'), 'run', 'kafka.pid'))) return; // the shared broker is not ours to compare with (external)
    expect(r.code).toBe(1);
    expect(r.err.trim()).toBe(
      'infra: a single Kafka broker started by infra is running; asked for 3 brokers — stop it first: npm run infra:down -- --only kafka',
    );
  });

  it('takes only 1, 3 or 5', () => {
    const r = cli(['up', '--brokers', '2']);
    expect(r.code).toBe(2);
    expect(r.err.trim()).toBe('infra: --brokers: 1, 3 or 5 (got "2")');
  });
});

describe('cli', () => {
  it('status answers 0 while everything is up', () => {
    const r = cli(['status']);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/kafka\s+answers/);
    expect(r.out).toMatch(/ferretdb\s+answers/);
  });

  it('up again starts nothing and returns quickly', () => {
    const report = path.join(tmpLocal(), 'up.json');
    const r = cli(['up', '--report', report]);
    expect(r.code).toBe(0);
    expect(JSON.parse(fs.readFileSync(report, 'utf8'))).toMatchObject({ started: [] });
    expect(r.out).not.toMatch(/started \(pid/);
    expect(r.ms).toBeLessThan(10_000);
  });

  it('refuses a taken port with one line and starts nothing', async () => {
    const held = await holdPort();
    try {
      const r = cli(['up'], {
        IW_LOCAL_DIR: tmpLocal(),
        KAFKA_PORT: String(held.port),
        KAFKA_BROKERS: `127.0.0.1:${held.port}`,
      });
      expect(r.code).toBe(1);
      expect(r.err.trim()).toMatch(
        new RegExp(`^infra: port ${held.port} on 127\\.0\\.0\\.1 is taken by a process infra did not start — stop it`),
      );
      expect(r.err.trim().split('\n')).toHaveLength(1);
    } finally {
      await held.close();
    }
  });

  it('names a missing toolchain in one line', async () => {
    const [k, c, m] = await Promise.all([holdPort(), holdPort(), holdPort()]);
    await Promise.all([k.close(), c.close(), m.close()]); // three free ports
    const r = cli(['up'], {
      IW_LOCAL_DIR: tmpLocal(),
      PATH: '/nonexistent',
      KAFKA_PORT: String(k.port),
      KAFKA_BROKERS: `127.0.0.1:${k.port}`,
      KAFKA_CONTROLLER_PORT: String(c.port),
      MONGO_PORT: String(m.port),
      MONGO_URL: `mongodb://127.0.0.1:${m.port}/x`,
    });
    expect(r.code).toBe(1);
    expect(r.err.trim()).toMatch(/^infra: java not found or not working — install Java 17/);
    expect(r.err.trim().split('\n')).toHaveLength(1);
  });

  it('down stops only processes whose command line is still theirs', async () => {
    const local = tmpLocal();
    const run = path.join(local, 'run');
    fs.mkdirSync(run, { recursive: true });
    const marker = path.join(local, 'kafka', 'config', 'server.properties');
    const ours = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)', marker], { stdio: 'ignore' });
    const stranger = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
    const oursExit = new Promise((r) => ours.once('exit', (code, signal) => r(signal)));
    try {
      // kafka.pid names our process; ferretdb.pid names a process that is not FerretDB (a reused pid).
      fs.writeFileSync(path.join(run, 'kafka.pid'), JSON.stringify({ pid: ours.pid, marker, startedAt: '' }));
      fs.writeFileSync(
        path.join(run, 'ferretdb.pid'),
        JSON.stringify({ pid: stranger.pid, marker: '/no/such/ferretdb', startedAt: '' }),
      );
      const r = cli(['down'], { IW_LOCAL_DIR: local });
      expect(r.code).toBe(0);
      expect(r.out).toMatch(/FerretDB: not running/);
      expect(r.out).toMatch(/Kafka: stopped/);
      expect(await oursExit).toBe('SIGTERM');
      expect(stranger.exitCode).toBeNull();
      expect(() => process.kill(stranger.pid!, 0)).not.toThrow();
      expect(fs.readdirSync(run)).toEqual([]);
    } finally {
      stranger.kill('SIGKILL');
      ours.kill('SIGKILL');
    }
    await waitFor(() => stranger.exitCode !== null || stranger.signalCode !== null, { timeoutMs: 5000 });
  });
});
