import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';
import { DEPLOYMENT_SETTINGS, envSchema, findRepoRoot, loadConfig, readDotEnv, type DeployedProcess } from './config';

/**
 * docker-compose.yml cannot be started here (no Docker), so it is checked against what the code
 * needs: every setting each process needs, values that pass the configuration schema, images
 * pinned, ports, health checks on /health/ready, start-up order, replication it can honour.
 */

const ROOT = findRepoRoot();
const COMPOSE = path.join(ROOT, 'docker-compose.yml');
const ENV_EXAMPLE = path.join(ROOT, '.env.example');

interface Service {
  image?: string;
  build?: unknown;
  command?: string[];
  environment?: Record<string, string | number | boolean>;
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  restart?: string;
}

/**
 * Compose's variable interpolation: `${X}`, `${X:-default}`, `${X-default}`, `${X:?error}`,
 * `${X?error}`, `$$`. A required variable that is unset throws, as `docker compose` does.
 */
function interpolate(text: string, vars: Record<string, string>): string {
  return text.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (m, name, colon, op, arg) => {
    if (m === '$$') return '$';
    const v = vars[name];
    const unset = v === undefined || (colon === ':' && v === '');
    if (op === '-') return unset ? arg : v;
    if (op === '?') {
      if (unset) throw new Error(`required variable ${name} is missing: ${arg}`);
      return v;
    }
    return v ?? '';
  });
}

/** Variables docker-compose.yml requires (`${X:?…}`), in order of appearance. */
function requiredVariables(text: string): string[] {
  return [...new Set([...text.matchAll(/\$\{([A-Za-z_][A-Za-z0-9_]*):?\?/g)].map((m) => m[1]))];
}

const rawCompose = fs.readFileSync(COMPOSE, 'utf8');
const example = readDotEnv(ENV_EXAMPLE);
/** .env.example as an operator fills it in: every blank secret given a value. */
const operatorEnv: Record<string, string> = {
  ...example,
  IW_API_TOKENS: 'f3b8c1d2e4a5968778695a4b3c2d1e0f1a2b3c4d5e6f7081',
  IW_LINK_SECRET: 'q0fYyJ3n8yX2m1u5c7Vd9sKp4RtLw6Ze2hBxNaQjUoI=',
  MONGO_ROOT_PASSWORD: '0b1c2d3e4f5a6b7c8d9e0f1a2b3c4d5e',
  IW_MONGO_PASSWORD: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
};
const compose = parse(interpolate(rawCompose, operatorEnv), { merge: true }) as {
  services: Record<string, Service>;
  volumes?: Record<string, unknown>;
};
const services = compose.services;

/** Which process a service runs, from its command. */
function processOf(s: Service): DeployedProcess | null {
  const cmd = (s.command ?? []).join(' ');
  const app = /^node (?:--[\w-]+=\S+ )*dist\/apps\/(ingest|alerting|status)\/src\/main\.js$/.exec(cmd);
  if (app) return app[1] as DeployedProcess;
  if (cmd === 'node infra/cli.js up') return 'topics';
  if (/^node bin\/iw\.js targets import /.test(cmd)) return 'catalogue';
  return null;
}

const appServices = Object.entries(services).filter(([, s]) => processOf(s) !== null);
const kafkaServices = Object.entries(services).filter(([, s]) => /^apache\/kafka:/.test(s.image ?? ''));
const envOf = (s: Service): Record<string, string> =>
  Object.fromEntries(Object.entries(s.environment ?? {}).map(([k, v]) => [k, String(v)]));

describe('docker-compose.yml and .env.example', () => {
  it('runs every process of a deployment: three apps and the two one-shot jobs', () => {
    expect(appServices.map(([, s]) => processOf(s)).sort()).toEqual(
      ['alerting', 'catalogue', 'ingest', 'status', 'topics'].sort(),
    );
  });

  it('.env.example names every variable the compose file requires, and a blank one stops compose', () => {
    const required = requiredVariables(rawCompose);
    expect(required).toEqual(
      expect.arrayContaining(['IW_API_TOKENS', 'IW_LINK_SECRET', 'MONGO_ROOT_PASSWORD', 'IW_MONGO_PASSWORD']),
    );
    for (const name of required) expect(Object.keys(example)).toContain(name);
    // A secret left blank stops `docker compose up` rather than running without it.
    for (const name of required)
      expect(() => interpolate(rawCompose, { ...operatorEnv, [name]: '' })).toThrow(
        new RegExp(`required variable ${name} is missing`),
      );
    expect(() => interpolate(rawCompose, example)).toThrow(/required variable/);
  });

  it.each(appServices.map(([name, s]) => [name, processOf(s)!] as const))(
    '%s (%s) is given every setting it needs, each a known setting with a valid value',
    (_name, proc) => {
      const s = services[_name];
      const env = envOf(s);
      for (const key of DEPLOYMENT_SETTINGS[proc]) expect(Object.keys(env)).toContain(key);
      const known = new Set(Object.keys(envSchema.shape));
      for (const key of Object.keys(env))
        expect({ key, known: known.has(key) || /^IW_TOPIC_/.test(key) }).toEqual({ key, known: true });
      // The values pass the same validation the app runs at start-up.
      const config = loadConfig(env, '/nonexistent/.env');
      expect(config.kafka.brokers).toEqual(['kafka-1:9092', 'kafka-2:9092', 'kafka-3:9092']);
      expect(config.mongo.url).toMatch(
        /^mongodb:\/\/indicator-watch:[0-9a-f]+@mongo:27017\/indicator-watch\?authSource=/,
      );
      if (proc === 'status') {
        expect(config.http.apiTokens.length).toBeGreaterThan(0);
        expect(config.http.statusHost).toBe('0.0.0.0');
      }
    },
  );

  it("pins every image to an exact version, the app image's base included", () => {
    const images = Object.values(services)
      .map((s) => s.image)
      .filter((i): i is string => !!i);
    const dockerfile = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8');
    const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gm)].map((m) => m[1]);
    expect(bases.length).toBeGreaterThan(0);
    for (const image of [...images, ...bases]) {
      const pinned = /@sha256:[0-9a-f]{64}$/.test(image) || /:v?\d+\.\d+\.\d+(?:-[a-z0-9.-]+)?$/.test(image);
      expect({ image, pinned }).toEqual({ image, pinned: true });
    }
    // The app services run the image built from this repository, under one versioned name.
    const own = new Set(appServices.map(([, s]) => s.image));
    expect(own).toEqual(
      new Set([`indicator-watch:${JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')).version}`]),
    );
    for (const [, s] of appServices) expect(s.build).toBe('.');
  });

  it('publishes ports on loopback only, without clashes, and the status port is the one the app listens on', () => {
    const published: string[] = [];
    for (const [name, s] of Object.entries(services)) {
      for (const p of s.ports ?? []) {
        const m = /^(\d+\.\d+\.\d+\.\d+):(\d+):(\d+)$/.exec(p);
        expect({ service: name, port: p, loopback: m?.[1] === '127.0.0.1' }).toEqual({
          service: name,
          port: p,
          loopback: true,
        });
        published.push(m![2]);
      }
    }
    expect(new Set(published).size).toBe(published.length);
    const status = services.status;
    const config = loadConfig(envOf(status), '/nonexistent/.env');
    expect(status.ports).toEqual([`127.0.0.1:${config.http.statusPort}:${config.http.statusPort}`]);
  });

  it("checks each app's health on /health/ready at the port its configuration gives it", () => {
    const portOf: Record<string, (c: ReturnType<typeof loadConfig>) => number> = {
      ingest: (c) => c.http.metricsPorts.ingest,
      alerting: (c) => c.http.metricsPorts.alerting,
      status: (c) => c.http.statusPort,
    };
    for (const [name, s] of appServices) {
      const proc = processOf(s)!;
      if (!(proc in portOf)) {
        expect({ name, restart: s.restart }).toEqual({ name, restart: 'no' }); // one-shot jobs
        continue;
      }
      const port = portOf[proc](loadConfig(envOf(s), '/nonexistent/.env'));
      expect(port).toBeGreaterThan(0);
      expect(s.healthcheck?.test).toEqual(['CMD', 'node', 'bin/health.js', `http://127.0.0.1:${port}/health/ready`]);
    }
    for (const [name, s] of [...kafkaServices, ['mongo', services.mongo] as const])
      expect({ name, hc: !!s.healthcheck }).toEqual({ name, hc: true });
  });

  it('starts the apps only after healthy brokers and database, the topics and the catalogue', () => {
    for (const [name, s] of appServices) {
      const proc = processOf(s)!;
      const deps = s.depends_on ?? {};
      expect(deps.mongo).toEqual({ condition: 'service_healthy' });
      if (proc === 'catalogue') continue;
      for (const [k] of kafkaServices)
        expect({ name, dep: k, on: deps[k] }).toEqual({ name, dep: k, on: { condition: 'service_healthy' } });
      if (proc === 'topics') continue;
      expect(deps.topics).toEqual({ condition: 'service_completed_successfully' });
      expect(deps.catalogue).toEqual({ condition: 'service_completed_successfully' });
    }
  });

  it('replicates as configured, which three brokers can honour', () => {
    const ids = kafkaServices.map(([, s]) => Number(envOf(s).KAFKA_NODE_ID));
    expect(ids.sort()).toEqual([1, 2, 3]);
    for (const [name, s] of kafkaServices) {
      const e = envOf(s);
      expect(e.KAFKA_CONTROLLER_QUORUM_VOTERS.split(',')).toHaveLength(kafkaServices.length);
      expect(e.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://${name}:9092`);
      expect(e.KAFKA_UNCLEAN_LEADER_ELECTION_ENABLE).toBe('false');
      expect(Number(e.KAFKA_DEFAULT_REPLICATION_FACTOR)).toBeLessThanOrEqual(kafkaServices.length);
      expect(Number(e.KAFKA_MIN_INSYNC_REPLICAS)).toBeLessThan(Number(e.KAFKA_DEFAULT_REPLICATION_FACTOR));
      expect(volumeNamed(s, '/var/lib/kafka/data')).toBeTruthy();
    }
    const topics = loadConfig(envOf(services.topics), '/nonexistent/.env').kafka.replication;
    expect(topics).toEqual({ replicationFactor: 3, minInsyncReplicas: 2 });
  });

  it('keeps MongoDB behind authentication, with an apps-only user created on first start', () => {
    const mongo = envOf(services.mongo);
    expect(mongo.MONGO_INITDB_ROOT_PASSWORD).toBeTruthy();
    const init = (services.mongo.volumes ?? []).find((v) => v.includes('/docker-entrypoint-initdb.d/'));
    expect(init).toBeDefined();
    expect(fs.existsSync(path.join(ROOT, init!.split(':')[0]))).toBe(true);
    expect(volumeNamed(services.mongo, '/data/db')).toBeTruthy();
  });

  it('runs files that the image contains', () => {
    for (const [, s] of appServices) {
      const file = s.command!.slice(1).find((a) => !a.startsWith('--'))!;
      const source = file.replace(/^dist\//, '').replace(/\.js$/, '.ts');
      expect(fs.existsSync(path.join(ROOT, file.startsWith('dist/') ? source : file))).toBe(true);
    }
    expect(fs.existsSync(path.join(ROOT, 'bin/health.js'))).toBe(true);
  });
});

function volumeNamed(s: Service, target: string): string | undefined {
  const v = (s.volumes ?? []).find((x) => x.endsWith(`:${target}`));
  const name = v?.split(':')[0];
  return name && compose.volumes && name in compose.volumes ? name : undefined;
}
