/**
 * Dedicated Kafka and FerretDB instances for the scenarios that stop a server. The shared
 * servers on 9092/27017 are used by everyone on the machine and are never touched here: each
 * dedicated instance has free ports of its own and a data folder under `.local/faults/`, and
 * reuses infra/'s own start/stop code and its cached jars and binary (linked, not copied).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { freePort } from '@iw/testing';

export { freePort };

const settings = require('../../../infra/settings') as {
  loadSettings(env: Record<string, string>): InfraSettings;
  VERSIONS: Record<string, string>;
};
const kafkaInfra = require('../../../infra/kafka') as InfraService & {
  paths(s: InfraSettings): KafkaPaths;
  nodes(s: InfraSettings): KafkaNode[];
  pidsOf(s: InfraSettings): Array<number | undefined>;
  startNode(s: InfraSettings, node: KafkaNode): number;
  serverProperties(s: InfraSettings): string;
  newClusterId(): string;
};
const ferretInfra = require('../../../infra/ferretdb') as InfraService;
const health = require('../../../infra/health') as {
  kafkaAnswers(brokers: string[], atLeast?: number): Promise<boolean>;
  mongoAnswers(url: string): Promise<boolean>;
};
const proc = require('../../../infra/proc') as {
  tail(file: string, n: number): string;
  isAlive(pid: number): boolean;
  runLogged(o: { command: string; args: string[]; cwd: string; logFile: string; what: string; hint: string }): void;
  startDetached(o: {
    command: string;
    args: string[];
    cwd: string;
    logFile: string;
    pidFile: string;
    marker: string;
  }): number;
  stopPidFile(file: string, graceMs: number): Promise<'stopped' | 'killed' | 'not-running'>;
  runningPid(file: string): number | undefined;
};

interface InfraSettings {
  localDir: string;
  dirs: { kafka: string; ferretdb: string; data: string; logs: string; run: string };
  brokers: string[];
  mongoUrl: string;
  kafkaPort: number;
  controllerPort: number;
  brokerCount: number;
  kafkaPorts: number[];
  controllerPorts: number[];
  mongoPort: number;
}

interface KafkaNode {
  id: number;
  port: number;
  controllerPort: number;
  serverLog: string;
  pidFile: string;
}

interface KafkaPaths {
  home: string;
  libs: string;
  config: string;
  serverProperties: string;
  data: string;
  stdout: string;
  pidFile: string;
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

/** Links `<dedicated>/<what>/<version>` to the shared cache so nothing is downloaded or built again. */
function linkCache(shared: InfraSettings, own: InfraSettings, what: 'kafka' | 'ferretdb'): void {
  const version =
    what === 'kafka' ? settings.VERSIONS.kafka : (ferretInfra as InfraService & { CACHE_FOLDER: string }).CACHE_FOLDER;
  const target = path.join(shared.dirs[what], version);
  const link = path.join(own.dirs[what], version);
  fs.mkdirSync(own.dirs[what], { recursive: true });
  if (!fs.existsSync(link)) fs.symlinkSync(target, link, 'dir');
}

async function waitUntil(
  check: () => Promise<boolean>,
  timeoutMs: number,
  alive: () => boolean,
): Promise<'up' | 'died' | 'timeout'> {
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
    const outcome = await waitUntil(
      () => this.answers(),
      this.startTimeoutMs,
      () => proc.isAlive(pid),
    );
    if (outcome !== 'up')
      throw new Error(
        `dedicated ${this.name} ${outcome === 'died' ? 'exited during start-up' : 'did not answer'}:\n${proc.tail(this.log(), 15)}`,
      );
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

/**
 * A KRaft cluster of three brokers (each broker and controller) on free ports, data under
 * `.local/faults/<name>`, configured exactly as `npm run infra:up -- --brokers 3` configures the
 * local one: new topics get three replicas and min.insync.replicas 2.
 */
export class DedicatedKafkaCluster extends Dedicated {
  protected service = kafkaInfra;
  protected startTimeoutMs = 180_000;

  static async create(name: string, size = 3): Promise<DedicatedKafkaCluster> {
    const k = new DedicatedKafkaCluster(name);
    const ports: number[] = [];
    while (ports.length < 2 * size) {
      const p = await freePort();
      if (!ports.includes(p)) ports.push(p);
    }
    const own = settings.loadSettings({
      IW_LOCAL_DIR: path.join(faultsDir(), name),
      KAFKA_LOCAL_BROKERS: String(size),
      KAFKA_PORT: String(ports[0]),
      KAFKA_CONTROLLER_PORT: String(ports[size]),
      KAFKA_HEAP: '-Xmx384m',
      MONGO_URL: 'mongodb://127.0.0.1:1/unused',
    });
    // Free ports are wherever the kernel finds them, not every other port from the first.
    own.kafkaPorts = ports.slice(0, size);
    own.controllerPorts = ports.slice(size);
    own.brokers = own.kafkaPorts.map((p) => `127.0.0.1:${p}`);
    k.own = own;
    fs.rmSync(own.localDir, { recursive: true, force: true });
    kafkaInfra.provision(k.shared, () => undefined);
    linkCache(k.shared, own, 'kafka');
    return k;
  }

  /** Every broker's address, comma-separated (what the apps get as KAFKA_BROKERS). */
  get brokers(): string {
    return this.own.brokers.join(',');
  }

  /** The brokers by node id (1-based), with their pids (undefined while one is down). */
  nodes(): Array<{ id: number; address: string; pid: number | undefined }> {
    const pids = kafkaInfra.pidsOf(this.own);
    return kafkaInfra.nodes(this.own).map((n, i) => ({ id: n.id, address: `127.0.0.1:${n.port}`, pid: pids[i] }));
  }

  /** SIGKILLs one broker (no controlled shutdown: the others learn it is gone by its silence). */
  kill(nodeId: number): number {
    const node = this.nodes().find((n) => n.id === nodeId);
    if (!node?.pid) throw new Error(`broker ${nodeId} of ${this.name} is not running`);
    process.kill(node.pid, 'SIGKILL');
    return node.pid;
  }

  /**
   * SIGSTOPs one broker: it keeps its connections open and answers nothing (a hung process). The
   * controller fences it once its heartbeats are missed; `kill` ends it for good.
   */
  pause(nodeId: number): number {
    const node = this.nodes().find((n) => n.id === nodeId);
    if (!node?.pid) throw new Error(`broker ${nodeId} of ${this.name} is not running`);
    process.kill(node.pid, 'SIGSTOP');
    return node.pid;
  }

  /** Starts a broker again on its ports and data; resolves once the cluster shows all brokers. */
  async restart(nodeId: number): Promise<number> {
    const node = kafkaInfra.nodes(this.own).find((n) => n.id === nodeId);
    if (!node) throw new Error(`no broker ${nodeId} in ${this.name}`);
    const pid = kafkaInfra.startNode(this.own, node);
    const outcome = await waitUntil(
      () => this.answers(),
      this.startTimeoutMs,
      () => proc.isAlive(pid),
    );
    if (outcome !== 'up') throw new Error(`broker ${nodeId} ${outcome}:\n${proc.tail(node.serverLog, 15)}`);
    return pid;
  }

  /**
   * Answers once every broker, asked on its own, lists all of them. One broker's answer is not
   * enough: a topic created next takes its replication factor from the broker list of whichever
   * broker the admin asks, and one that had not yet seen the last broker unfenced gave a
   * scenario's topics two replicas instead of three (their ISR never reached three).
   */
  protected async answers(): Promise<boolean> {
    const each = await Promise.all(this.own.brokers.map((b) => health.kafkaAnswers([b], this.own.brokerCount)));
    return each.every(Boolean);
  }

  protected log(): string {
    return kafkaInfra.nodes(this.own)[0].serverLog;
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

/**
 * A broker whose client listener requires SASL/PLAIN (SASL_PLAINTEXT), for running the apps
 * with KAFKA_SASL_* set. infra/kafka.js writes a PLAINTEXT config on every start, so this
 * launcher takes infra's properties, swaps the listener for a SASL one, and runs the same
 * cached jars itself.
 */
export class SaslKafka {
  private own!: InfraSettings;
  private paths!: KafkaPaths;

  private constructor(
    readonly name: string,
    readonly username: string,
    readonly password: string,
  ) {}

  static async create(name: string, username: string, password: string): Promise<SaslKafka> {
    const k = new SaslKafka(name, username, password);
    const [port, controller] = [await freePort(), await freePort()];
    k.own = settings.loadSettings({
      IW_LOCAL_DIR: path.join(faultsDir(), name),
      KAFKA_PORT: String(port),
      KAFKA_CONTROLLER_PORT: String(controller),
      KAFKA_BROKERS: `127.0.0.1:${port}`,
      MONGO_URL: 'mongodb://127.0.0.1:1/unused',
    });
    fs.rmSync(k.own.localDir, { recursive: true, force: true });
    const shared = sharedSettings();
    kafkaInfra.provision(shared, () => undefined);
    linkCache(shared, k.own, 'kafka');
    k.paths = kafkaInfra.paths(k.own);
    return k;
  }

  get brokers(): string {
    return this.own.brokers.join(',');
  }

  private properties(): string {
    const port = this.own.kafkaPort;
    // JAAS values are quoted strings without escapes.
    if (/["\\;]/.test(this.password))
      throw new Error('SaslKafka: the password may not contain quotes, backslashes or semicolons');
    const base = kafkaInfra
      .serverProperties(this.own)
      .split('\n')
      .filter(
        (l) =>
          !/^(listeners|advertised\.listeners|inter\.broker\.listener\.name|listener\.security\.protocol\.map)=/.test(
            l,
          ),
      );
    return [
      ...base,
      `listeners=SASL_PLAINTEXT://127.0.0.1:${port},CONTROLLER://127.0.0.1:${this.own.controllerPort}`,
      `advertised.listeners=SASL_PLAINTEXT://127.0.0.1:${port}`,
      'inter.broker.listener.name=SASL_PLAINTEXT',
      'listener.security.protocol.map=SASL_PLAINTEXT:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT',
      'sasl.enabled.mechanisms=PLAIN',
      'sasl.mechanism.inter.broker.protocol=PLAIN',
      `listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="broker-pw" user_broker="broker-pw" user_${this.username}="${this.password}";`,
      '',
    ].join('\n');
  }

  private javaArgs(): string[] {
    const log4j = path.join(this.paths.config, 'log4j.properties');
    return [
      '-Xmx512m',
      '-Xms128m',
      '-XX:+UseG1GC',
      '-Djava.awt.headless=true',
      `-Dlog4j.configuration=file:${log4j}`,
      '-cp',
      `${this.paths.libs}${path.sep}*`,
    ];
  }

  async start(): Promise<number> {
    const p = this.paths;
    fs.mkdirSync(p.config, { recursive: true });
    fs.mkdirSync(p.data, { recursive: true });
    fs.writeFileSync(p.serverProperties, this.properties());
    const logFile = path.join(this.own.dirs.logs, 'kafka-server.log');
    fs.mkdirSync(this.own.dirs.logs, { recursive: true });
    fs.writeFileSync(
      path.join(p.config, 'log4j.properties'),
      [
        'log4j.rootLogger=INFO, file',
        'log4j.appender.file=org.apache.log4j.FileAppender',
        `log4j.appender.file.File=${logFile}`,
        'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
        'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
        '',
      ].join('\n'),
    );
    if (!fs.existsSync(path.join(p.data, 'meta.properties'))) {
      proc.runLogged({
        command: 'java',
        args: [
          ...this.javaArgs(),
          'kafka.tools.StorageTool',
          'format',
          '-t',
          kafkaInfra.newClusterId(),
          '-c',
          p.serverProperties,
          '--ignore-formatted',
        ],
        cwd: p.home,
        logFile: p.stdout,
        what: 'formatting SASL Kafka storage',
        hint: '',
      });
    }
    const pid = proc.startDetached({
      command: 'java',
      args: [...this.javaArgs(), 'kafka.Kafka', p.serverProperties],
      cwd: p.home,
      logFile: p.stdout,
      pidFile: p.pidFile,
      marker: p.serverProperties,
    });
    const outcome = await waitUntil(
      () => this.answers(),
      120_000,
      () => proc.isAlive(pid),
    );
    if (outcome !== 'up')
      throw new Error(`SASL kafka ${outcome}:\n${proc.tail(logFile, 15)}\n${proc.tail(p.stdout, 15)}`);
    return pid;
  }

  /** Answers a SASL-authenticated admin call. */
  private async answers(): Promise<boolean> {
    const { Kafka, logLevel } = require('kafkajs') as typeof import('kafkajs');
    const admin = new Kafka({
      clientId: 'iw-faults-health',
      brokers: this.own.brokers,
      sasl: { mechanism: 'plain', username: this.username, password: this.password },
      logLevel: logLevel.NOTHING,
      connectionTimeout: 1000,
      retry: { retries: 0 },
    }).admin();
    try {
      await admin.connect();
      const c = await admin.describeCluster();
      return c.brokers.length > 0;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  async destroy(): Promise<void> {
    if (!this.own) return;
    await proc.stopPidFile(this.paths.pidFile, 30_000);
    fs.rmSync(this.own.localDir, { recursive: true, force: true });
  }
}
