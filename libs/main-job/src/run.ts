import * as fs from 'node:fs';
import * as path from 'node:path';
import { localDate, parseClockSpec, SystemClock, WALL_CLOCK } from '@iw/clock';
import { ConfigError, DEFAULT_TOPICS, findRepoRoot, loadConfig, type AppConfig, type TopicRole } from '@iw/config';
import { ACTUALS_ROLES } from '@iw/events';
import { KafkaAdmin, KafkaClient } from '@iw/kafka';
import { safeLogText } from '@iw/logging';
import type { LoggerService } from '@nestjs/common';
import { SmtpSink } from '@iw/mail';
import {
  CatalogueRepository,
  closeMongo,
  connectMongo,
  importCatalogue,
  loadDirectory,
  PeopleRepository,
  redactMongoUrl,
  SecretRepository,
  type Connection,
} from '@iw/mongo';
import { linkSigner, parsePeopleFile, peopleFormatOf, ROLE_LABELS, type Role } from '@iw/people';
import {
  newRunId,
  SAMPLE_FILES,
  simulatedClockSpec,
  type PlayProgress,
  type Story,
  type StoryInput,
} from '@iw/simulator';
import { loadStoryInput, runSimulation } from '@iw/simulator/runner';
import { ownersFormatOf, parseOwners, parseTargetTable } from '@iw/targets';
import { parseOptions, UsageError, type MainJobOptions } from './options';
import {
  APPS,
  banner,
  childEnv,
  dashboardUrl,
  entryOf,
  formatLiveLine,
  logDir,
  mailSinkPlan,
  NODE_FLAGS,
} from './plan';
import { countMail, prepareReplay, setAsidePreviousMail } from './replay';
import { Supervisor } from './supervisor';
import { Terminal } from './terminal';
import { ensureApiToken } from './token';

/** Services get this long to boot before the simulated year starts (they catch up if slower). */
const STARTUP_GRACE_MS = 5_000;
const STATUS_READY_TIMEOUT_MS = 90_000;
const DRAIN_TIMEOUT_MS = 15_000;
const STOP_GRACE_MS = 25_000;

export interface MainJobDeps {
  env?: NodeJS.ProcessEnv;
  out?: NodeJS.WritableStream & { isTTY?: boolean };
  /** Resolves when the job should stop (default: SIGINT or SIGTERM). */
  stopSignal?: Promise<string>;
  /** A second stop request while stopping: kill at once (default: a second SIGINT/SIGTERM). */
  onForce?: (kill: () => void) => void;
}

/**
 * `npm start`: with the infrastructure up, imports the seed catalogue, starts a local mail sink,
 * the three services on one simulated clock and the simulator in-process, shows where to look
 * and a live line; stops everything on Ctrl-C. Resolves with the exit code.
 */
export async function runMainJob(argv: readonly string[], deps: MainJobDeps = {}): Promise<number> {
  const env = deps.env ?? process.env;
  const term = new Terminal(deps.out ?? process.stdout);
  let options: MainJobOptions;
  let config: AppConfig;
  try {
    options = parseOptions(argv, env);
    config = loadConfig(env);
  } catch (e) {
    if (e instanceof UsageError || e instanceof ConfigError) {
      term.line(e instanceof UsageError ? `usage: ${e.message}` : e.message);
      return e instanceof UsageError ? 2 : 1;
    }
    throw e;
  }

  const stop = stopRequests(deps);
  const job = new MainJob(config, options, env, term);
  const started = job.start().then(
    () => 'started',
    (e: Error) => {
      if (!(e instanceof Stopping)) {
        term.line(`start: ${e.message}`);
        job.failure = true;
      }
      return 'failed';
    },
  );
  if ((await Promise.race([started, stop.requested.then(() => 'stop')])) === 'started') {
    const reason = await Promise.race([stop.requested, job.failed]);
    if (reason.startsWith('failed:')) {
      term.line(reason.slice('failed:'.length));
      job.failure = true;
    }
  }
  stop.onForce(() => job.kill());
  await job.shutdown(started);
  stop.dispose();
  return job.failure ? 1 : 0;
}

/** Thrown inside start() when a stop was requested meanwhile: not a failure. */
class Stopping extends Error {}

function stopRequests(deps: MainJobDeps) {
  let requested = false;
  let forceHandler: (() => void) | null = null;
  let resolve!: (why: string) => void;
  const promise = new Promise<string>((r) => (resolve = r));
  const onSignal = (signal: NodeJS.Signals) => {
    if (requested) return forceHandler?.();
    requested = true;
    resolve(signal);
  };
  if (deps.stopSignal) void deps.stopSignal.then((why) => onSignal(why as NodeJS.Signals));
  else {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  return {
    requested: promise,
    isRequested: () => requested,
    onForce: (kill: () => void) => {
      forceHandler = kill;
      deps.onForce?.(kill);
    },
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

class MainJob {
  failure = false;
  readonly failed: Promise<string>;
  private fail!: (why: string) => void;
  private conn: Connection | null = null;
  private sink: SmtpSink | null = null;
  private supervisor: Supervisor | null = null;
  private readonly abort = new AbortController();
  private simulation: Promise<unknown> | null = null;
  private ticker: NodeJS.Timeout | null = null;
  private progress: PlayProgress | null = null;
  private story: Story | null = null;
  private readonly root = findRepoRoot();
  private stopping = false;

  constructor(
    private readonly config: AppConfig,
    private readonly options: MainJobOptions,
    private readonly env: NodeJS.ProcessEnv,
    private readonly term: Terminal,
  ) {
    this.failed = new Promise((resolve) => (this.fail = (why) => resolve(`failed:${why}`)));
  }

  async start(): Promise<void> {
    const { config, options, term } = this;
    const realNow = new SystemClock().now();
    const runId = newRunId(realNow);
    const token = ensureApiToken(config.http.apiTokens, config.files.localDir);

    try {
      this.conn = await connectMongo(config.mongo.url, { appName: 'iw-main-job' });
    } catch (e) {
      throw new Error(`${(e as Error).message} — is the infrastructure up? (npm run infra:up)`, { cause: e });
    }

    this.check();
    let input: StoryInput | null = null;
    const mailPlan = mailSinkPlan(config);
    if (options.simulate) {
      const reset = await prepareReplay(this.conn, {
        runId,
        seed: options.seed,
        speed: options.speed,
        from: options.from ?? '',
        until: options.until ?? '',
        startedAt: new Date(realNow),
      });
      if (reset.previous)
        term.line(
          `new replay: cleared the state of replay ${reset.previous} in ${redactMongoUrl(config.mongo.url)} (the catalogue is kept)`,
        );
      if (mailPlan) {
        const moved = setAsidePreviousMail(mailPlan.dir);
        if (moved) term.line(`the previous replay's ${moved} mails are in ${mailPlan.dir}-previous`);
      }
      await this.importSeed(realNow);
      await this.importPeople(realNow);
      input = await loadStoryInput(this.conn, config);
    } else if ((await new CatalogueRepository(this.conn).fiscalYears()).length === 0) {
      term.line(
        'warning: the catalogue is empty — import a table: npx iw targets import <file> --owners <owners.yaml>',
      );
    }

    this.check();
    await this.ensureTopics(options.simulate);
    this.check();

    if (mailPlan) {
      this.sink = new SmtpSink({ host: mailPlan.host, port: mailPlan.port, dir: mailPlan.dir });
      try {
        await this.sink.start();
      } catch (e) {
        this.sink = null;
        throw new Error(
          `cannot start the mail sink on ${mailPlan.host}:${mailPlan.port}: ${(e as Error).message} (is another npm start running? set SMTP_URL to your mail server, or IW_MAIL_SINK=off if one listens there)`,
          { cause: e },
        );
      }
    }

    this.check();
    const fiscalYear = input?.bindings.fiscalYear;
    const clock = options.simulate
      ? simulatedClockSpec(
          options.from ?? `${fiscalYear}-01-01`,
          options.speed,
          config.timeZone,
          new SystemClock().now() + STARTUP_GRACE_MS,
          // The clock stops at the end of the last replayed day: nothing is judged past the replay.
          options.until ?? `${fiscalYear}-12-31`,
        )
      : this.env.IW_CLOCK?.trim() || 'system';
    this.supervisor = new Supervisor({
      cwd: this.root,
      env: childEnv(this.env, { clock, apiTokens: token.tokens, replay: options.simulate }),
      logDir: logDir(config),
      onNotice: (name, line) => term.line(`${name.padEnd(8)}| ${line}`),
      onUnexpectedExit: (name, how, tail) => {
        term.line(`${name} stopped unexpectedly (${how}); its last lines:`);
        for (const l of tail.slice(-15)) term.line(`${name.padEnd(8)}| ${l}`);
        this.failure = true;
        this.fail(`${name} exited; stopping everything`);
      },
    });
    this.supervisor.start(
      APPS.map((app) => ({ name: app, entry: entryOf(this.root, app), nodeFlags: NODE_FLAGS[app] })),
    );

    if (options.simulate && input) {
      this.simulation = runSimulation({
        config,
        input,
        seed: options.seed,
        runId,
        from: options.from,
        until: options.until,
        clock: parseClockSpec(clock),
        signal: this.abort.signal,
        logger: this.consoleLogger('simulator'),
        onProgress: (p, story) => {
          this.progress = p;
          this.story = story;
        },
      }).then(
        ({ progress }) =>
          progress.done &&
          term.line(
            `replay done: ${progress.published} events published (${progress.malformed} malformed, for the DLQ); the services keep running — Ctrl-C stops them`,
          ),
        (e: Error) => {
          this.failure = true;
          this.fail(`the simulator failed: ${e.message}`);
        },
      );
    }

    const ready = await this.waitForStatus();
    this.check();
    const people = await this.personalLinks().catch((e: Error) => {
      term.line(`warning: no personal links to show (${e.message})`);
      return [];
    });
    term.line(
      banner({
        simulate: options.simulate,
        fiscalYear,
        seed: options.seed,
        runId,
        speed: options.speed,
        dashboard: dashboardUrl(config, token.token),
        token: token.token,
        tokenGenerated: token.generated,
        tokenFile: token.file,
        mail: mailPlan ? { dir: mailPlan.dir, port: mailPlan.port } : null,
        logs: logDir(config),
        clock,
        people,
      }),
    );
    if (!ready)
      term.line(
        `warning: the status app did not answer on port ${config.http.statusPort} yet; see ${path.join(logDir(config), 'status.log')}`,
      );
    this.ticker = setInterval(() => this.tick(clock, mailPlan?.dir ?? null), 1000);
    this.tick(clock, mailPlan?.dir ?? null);
  }

  /** Between start-up steps: stop early when asked to. */
  private check(): void {
    if (this.stopping) throw new Stopping('stopping');
  }

  private tick(clockSpec: string, mail: string | null): void {
    const now = parseClockSpec(clockSpec).now();
    const p = this.progress;
    this.term.live(
      formatLiveLine({
        date: localDate(now, this.config.timeZone),
        ...(this.options.simulate
          ? {
              published: p?.published ?? 0,
              total: this.story?.events.length ?? p?.total ?? 0,
              malformed: p?.malformed ?? 0,
              done: p?.done,
            }
          : {}),
        alerts: mail === null ? null : countMail(mail),
      }),
    );
  }

  private async importSeed(realNow: number): Promise<void> {
    const targets = path.join(this.root, SAMPLE_FILES.targets);
    const catalogue = parseTargetTable(fs.readFileSync(targets, 'utf8'));
    const ownersFile = this.config.files.owners;
    const owners = parseOwners(fs.readFileSync(ownersFile, 'utf8'), ownersFormatOf(ownersFile));
    const result = await importCatalogue(this.conn!, catalogue, {
      sourceFile: targets,
      owners,
      now: new Date(realNow),
    });
    const d = result.diff.indicators;
    this.term.line(
      `catalogue: ${catalogue.projects.length} projects of ${catalogue.fiscalYear} from ${SAMPLE_FILES.targets} (${d.added.length} indicators added, ${d.updated.length} updated, ${d.unchanged.length} unchanged), owners from ${path.relative(this.root, ownersFile) || ownersFile}`,
    );
  }

  /** The sample people (IW_PEOPLE): added or updated; others kept. */
  private async importPeople(realNow: number): Promise<void> {
    const file = this.config.files.people;
    const records = parsePeopleFile(fs.readFileSync(file, 'utf8'), peopleFormatOf(file));
    const c = await new PeopleRepository(this.conn!).importRecords(records, 'file', new Date(realNow));
    this.term.line(
      `people: ${records.length} from ${path.relative(this.root, file) || file} (${c.added} added, ${c.updated} updated, ${c.unchanged} unchanged); every owner of the owners file can sign in too`,
    );
  }

  /**
   * A personal link for the first owner and the first office person of the directory (people
   * file order), so a newcomer can try both roles. Wall-clock expiry (IW_LINK_TTL).
   */
  private async personalLinks(): Promise<Array<{ role: string; who: string; url: string }>> {
    const conn = this.conn!;
    const directory = await loadDirectory(conn, () => null);
    const entries = await new PeopleRepository(conn).all();
    const sign = linkSigner({
      secret: await new SecretRepository(conn).linkSecret(this.config.people.linkSecret),
      publicUrl: this.config.http.publicUrl,
      ttlMs: this.config.people.linkTtlMs,
      now: () => new SystemClock().now(),
    });
    const fileOrder = (() => {
      try {
        return parsePeopleFile(fs.readFileSync(this.config.files.people, 'utf8')).map((r) => r.email);
      } catch {
        return [];
      }
    })();
    const emails = [...fileOrder, ...entries.map((e) => e._id)];
    const out: Array<{ role: string; who: string; url: string }> = [];
    for (const role of ['owner', 'office'] as Role[]) {
      const person = emails.map((e) => directory.person(e)).find((p) => p?.role === role && p.source === 'directory');
      if (person)
        out.push({
          role,
          who: `${person.name} <${person.email}>, ${ROLE_LABELS[role]}`,
          url: sign(person.email, '/'),
        });
    }
    return out;
  }

  /** Every contract topic (a KAFKA_TOPIC_PREFIX gives new ones); warns about actuals an earlier run left unconsumed. */
  private async ensureTopics(simulate: boolean): Promise<void> {
    const admin = this.admin();
    try {
      await admin.connect();
      const roles = Object.keys(DEFAULT_TOPICS) as TopicRole[];
      await admin.createTopics(
        roles.map((r) => ({
          topic: this.config.kafka.topics[r],
          partitions: this.config.kafka.partitions,
          ...this.config.kafka.replication,
        })),
      );
    } catch (e) {
      await admin.disconnect().catch(() => undefined);
      throw new Error(
        `Kafka at ${this.config.kafka.brokers.join(',')}: ${(e as Error).message} — is the infrastructure up? (npm run infra:up)`,
        { cause: e },
      );
    }
    try {
      if (simulate) {
        const left = (
          await admin.lag(
            this.config.kafka.groups.ingest,
            ACTUALS_ROLES.map((r) => this.config.kafka.topics[r]),
          )
        ).reduce((n, p) => n + (p.committed === null ? 0 : p.lag), 0);
        if (left > 0)
          this.term.line(
            `warning: ${left} actuals of an earlier run were never consumed; ingest will count them in this replay`,
          );
      }
    } catch {
      // Only a warning: new topics may still be electing leaders.
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  /** Kafka client warnings and errors as console lines that keep the live line intact. */
  private consoleLogger(name: string): LoggerService {
    const say = (level: string) => (message: unknown) =>
      this.term.line(`${name.padEnd(8)}| ${level} ${safeLogText(String(message))}`);
    return {
      log: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
      warn: say('WARN'),
      error: say('ERROR'),
    };
  }

  /** An admin client whose log stays off the console (the live line is there). */
  private admin(): KafkaAdmin {
    const quiet: LoggerService = {
      log: () => undefined,
      error: () => undefined,
      warn: () => undefined,
      debug: () => undefined,
      verbose: () => undefined,
    };
    return new KafkaAdmin(new KafkaClient(this.config.kafka, quiet));
  }

  private async waitForStatus(): Promise<boolean> {
    const url = `http://127.0.0.1:${this.config.http.statusPort}/health/live`;
    const deadline = WALL_CLOCK.now() + STATUS_READY_TIMEOUT_MS;
    while (WALL_CLOCK.now() < deadline && !this.abort.signal.aborted && this.supervisor?.running.includes('status')) {
      try {
        const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
        if (res.ok) return true;
      } catch {
        // not listening yet
      }
      await new Promise((r) => setTimeout(r, 500));
    }
    return false;
  }

  /** Waits (bounded) until ingest has consumed what the simulator published, so the next run starts clean. */
  private async drain(): Promise<void> {
    const admin = this.admin();
    try {
      await admin.connect();
      const topics = ACTUALS_ROLES.map((r) => this.config.kafka.topics[r]);
      const deadline = WALL_CLOCK.now() + DRAIN_TIMEOUT_MS;
      while (WALL_CLOCK.now() < deadline && this.supervisor?.running.includes('ingest')) {
        const lag = (await admin.lag(this.config.kafka.groups.ingest, topics)).reduce((n, p) => n + p.lag, 0);
        if (lag === 0) return;
        this.term.live(`stopping: ingest has ${lag} events to go …`, true);
        await new Promise((r) => setTimeout(r, 500));
      }
    } catch {
      // best effort: stopping must not hang on Kafka
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  kill(): void {
    this.term.line('stopping now (second signal): killing the services');
    this.supervisor?.kill();
  }

  /** Stops what start() got to start, in reverse order; `started` settles once start() gave up. */
  async shutdown(started: Promise<unknown>): Promise<void> {
    this.stopping = true;
    // Alerting stops first, with the simulator: once no more events come, a clock that keeps
    // running would make it judge every indicator as falling behind and mail its owners.
    const alerting =
      this.options.simulate && this.supervisor
        ? this.supervisor.stop(STOP_GRACE_MS, ['alerting'])
        : Promise.resolve([]);
    this.abort.abort();
    await started;
    if (this.ticker) clearInterval(this.ticker);
    this.term.end();
    await this.simulation?.catch(() => undefined);
    if (this.supervisor) {
      if (this.options.simulate && !this.failure) await this.drain();
      this.term.end();
      this.term.line('stopping the services …');
      const rest = await this.supervisor.stop(
        STOP_GRACE_MS,
        this.options.simulate ? APPS.filter((a) => a !== 'alerting') : undefined,
      );
      for (const r of [...(await alerting), ...rest]) {
        if (r.code !== 0)
          this.term.line(
            `${r.name} did not stop cleanly (${r.signal ? `killed: ${r.signal}` : `exit code ${r.code}`}); see ${path.join(logDir(this.config), `${r.name}.log`)}`,
          );
      }
    }
    await this.sink?.stop().catch(() => undefined);
    if (this.conn) await closeMongo(this.conn).catch(() => undefined);
    this.term.line('stopped.');
  }
}
