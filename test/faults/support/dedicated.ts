/**
 * Dedicated Kafka and FerretDB instances for the scenarios that stop a server. The shared
 * servers on 9092/27017 are used by everyone on the machine and are never touched here: each
 * dedicated instance has free ports of its own and a data folder under `.local/faults/`, and
 * reuses infra/'s own start/stop code and its cached jars and binary (linked, not copied).
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

/* eslint-disable @typescript-eslint/no-require-imports -- infra/ is plain CommonJS run before any build */
const settings = require('../../../infra/settings') as { loadSettings(env: Record<string, string>): InfraSettings; VERSIONS: Record<string, string> };
const kafkaInfra = require('../../../infra/kafka') as InfraService;
const ferretInfra = require('../../../infra/ferretdb') as InfraService;
const health = require('../../../infra/health') as {
  kafkaAnswers(brokers: string[]): Promise<boolean>;
  mongoAnswers(url: string): Promise<boolean>;
};
const proc = require('../../../infra/proc') as { tail(file: string, n: number): string; isAlive(pid: number): boolean };

interface InfraSettings {
  localDir: string;
  dirs: { kafka: string; ferretdb: string; data: string; logs: string; run: string };
  brokers: string[];
  mongoUrl: string;
  kafkaPort: number;
  mongoPort: number;
}

interface InfraService {
  provision(s: InfraSettings, say: (m: string) => void): boolean;
  start(s: InfraSettings): Promise<number>;
  stop(s: InfraSettings): Promise<'stopped' | 'killed' | 'not-running'>;
  pidOf(s: InfraSettings): number | undefined;
}

/** The shared infrastructure's settings (where its cached jars and binary live). */
function sharedSettings(): InfraSettings {
  return settings.loadSettings(process.env.IW_LOCAL_DIR ? { IW_LOCAL_DIR: process.env.IW_LOCAL_DIR } : {});
}

/** `.local/faults`: everything the fault suite keeps on disk. */
export function faultsDir(): string {
  return path.join(sharedSettings().localDir, 'faults');
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
    srv.once('error', reject);
  });
}

/** Links `<dedicated>/<what>/<version>` to the shared cache so nothing is downloaded or built again. */
function linkCache(shared: InfraSettings, own: InfraSettings, what: 'kafka' | 'ferretdb'): void {
  const version = what === 'kafka' ? settings.VERSIONS.kafka : settings.VERSIONS.ferretdb;
  const target = path.join(shared.dirs[what], version);
  const link = path.join(own.dirs[what], version);
  fs.mkdirSync(own.dirs[what], { recursive: true });
  if (!fs.existsSync(link)) fs.symlinkSync(target, link, 'dir');
}

async function waitUntil(check: () => Promise<boolean>, timeoutMs: number, alive: () => boolean): Promise<'up' | 'died' | 'timeout'> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return 'up';
    if (!alive()) return 'died';
    if (Date.now() > deadline) return 'timeout';
    await new Promise((r) => setTimeout(r, 300));
  }
}

abstract class Dedicated {
  protected readonly shared = sharedSettings();
  protected own!: InfraSettings;
  readonly name: string;
  constructor(name: string) {
    this.name = name;
  }
  protected abstract service: InfraService;
  protected abstract answers(): Promise<boolean>;
  protected abstract log(): string;
  protected abstract startTimeoutMs: number;

  /** The folder of this instance (config, data, logs, pid file). */
  get dir(): string {
    return this.own.localDir;
  }

  get pid(): number | undefined {
    return this.service.pidOf(this.own);
  }

  isUp(): Promise<boolean> {
    return this.answers();
  }

  /** Starts (again, on the same ports and data) and waits until it answers. */
  async start(): Promise<number> {
    const pid = await this.service.start(this.own);
    const outcome = await waitUntil(() => this.answers(), this.startTimeoutMs, () => proc.isAlive(pid));
    if (outcome !== 'up') throw new Error(`dedicated ${this.name} ${outcome === 'died' ? 'exited during start-up' : 'did not answer'}:\n${proc.tail(this.log(), 15)}`);
    return pid;
  }

  /** Stops it (SIGTERM, then SIGKILL after the infra's grace period); its data stays. */
  async stop(): Promise<string> {
    return this.service.stop(this.own);
  }

  /** Stops it and removes its folder. */
  async destroy(): Promise<void> {
    if (!this.own) return;
    await this.stop();
    fs.rmSync(this.own.localDir, { recursive: true, force: true });
  }
}

/** A single-node KRaft broker on free ports, data under `.local/faults/<name>`. */
export class DedicatedKafka extends Dedicated {
  protected service = kafkaInfra;
  protected startTimeoutMs = 120_000;

  static async create(name: string): Promise<DedicatedKafka> {
    const k = new DedicatedKafka(name);
    const [port, controller] = [await freePort(), await freePort()];
    k.own = settings.loadSettings({
      IW_LOCAL_DIR: path.join(faultsDir(), name),
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controller),
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      KAFKA_HEAP: '-Xmx512m',
      MONGO_URL: 'mongodb://127.0.0.1:1/unused',
    });
    fs.rmSync(k.own.localDir, { recursive: true, force: true });
    kafkaInfra.provision(k.shared, () => undefined); // no-op once the shared infra is up
    linkCache(k.shared, k.own, 'kafka');
    return k;
  }

  get brokers(): string {
    return this.own.brokers.join(',');
  }

  protected answers(): Promise<boolean> {
    return health.kafkaAnswers(this.own.brokers);
  }

  protected log(): string {
    return path.join(this.own.dirs.logs, 'kafka-server.log');
  }
}

/** FerretDB (SQLite) on a free port, data under `.local/faults/<name>`. */
export class DedicatedFerret extends Dedicated {
  protected service = ferretInfra;
  protected startTimeoutMs = 60_000;

  static async create(name: string): Promise<DedicatedFerret> {
    const f = new DedicatedFerret(name);
    const port = await freePort();
    f.own = settings.loadSettings({
      IW_LOCAL_DIR: path.join(faultsDir(), name),
      MONGO_PORT: String(port),
      MONGO_URL: `mongodb://127.0.0.1:${port}/indicator-watch`,
      KAFKA_BROKERS: '127.0.0.1:1',
    });
    fs.rmSync(f.own.localDir, { recursive: true, force: true });
    ferretInfra.provision(f.shared, () => undefined);
    linkCache(f.shared, f.own, 'ferretdb');
    return f;
  }

  /** `mongodb://127.0.0.1:<port>` with no database (testMongoUrl adds one). */
  get baseUrl(): string {
    return `mongodb://127.0.0.1:${this.own.mongoPort}/indicator-watch`;
  }

  protected answers(): Promise<boolean> {
    return health.mongoAnswers(this.baseUrl);
  }

  protected log(): string {
    return path.join(this.own.dirs.logs, 'ferretdb.log');
  }
}
