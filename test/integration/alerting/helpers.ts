import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplicationContext, INestMicroservice } from '@nestjs/common';
import { localDate, type Clock } from '@iw/clock';
import { loadConfig, type AppConfig } from '@iw/config';
import { buildMessage, type ProgressMessage } from '@iw/events';
import { KafkaClient, KafkaProducer } from '@iw/kafka';
import { SmtpSink, type SinkMessage } from '@iw/mail';
import type { MeasureKind, Progress } from '@iw/measures';
import { closeMongo, connectMongo, importCatalogue, ProgressRepository, type Connection } from '@iw/mongo';
import { parseOwners, parseTargetTable } from '@iw/targets';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  testKafkaConfig,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
  waitFor,
} from '@iw/testing';
import { createAlertingApp } from '../../../apps/alerting/src/app';
import type { AlertingOptions } from '../../../apps/alerting/src/alerting.tokens';
import { EvaluationService } from '../../../apps/alerting/src/services/evaluation.service';

/**
 * A world for the alerting app: its own database and topics, a small catalogue whose
 * projects each have their own owners (so every scenario reads its own mailbox), a real SMTP
 * sink, and progress written the way ingest writes it (document, then indicators.progress).
 */

const T = '\t';
export const FROM = 'Indicator Watch <noreply@iw.test>';
export const PUBLIC_URL = 'http://dashboard.iw.test';

export interface ProjectSpec {
  name: string;
  /** [indicator name, 二级指标, 指标值] */
  indicators: Array<[string, string, string]>;
}

export function targetTable(projects: readonly ProjectSpec[]): string {
  const lines: string[] = [];
  for (const p of projects) {
    lines.push(
      '项目支出绩效目标表',
      `预算单位${T}${AGENCY}${T}${T}项目名称${T}${p.name}`,
      `项目资金(万元)${T}年度资金总额: 90${T}其中:财政拨款 90${T}其他资金 0`,
      `项目总体目标${T}测试`,
      `一级指标${T}二级指标${T}三级指标${T}指标值`,
    );
    p.indicators.forEach(([name, level2, value], i) =>
      lines.push(`${i === 0 ? '项目完成指标' : ''}${T}${level2}${T}${name}${T}${value}`),
    );
    lines.push('');
  }
  return lines.join('\n');
}

/** The 预算单位 of every test table (ids carry it). */
export const AGENCY = '测试局';
export const projectId = (name: string) => `2019.${AGENCY}.${name}`;
export const indicatorId = (project: string, indicator: string) => `${projectId(project)}.${indicator}`;

/**
 * One project of one indicator and its owners file naming `who` as the project's owner: a
 * small catalogue to re-import with other owners (what reloads on the catalogue's version).
 */
export function ownedProject(name: string) {
  const projects: ProjectSpec[] = [{ name, indicators: [['汽油抽检批次', '数量指标', '≥700批次']] }];
  const owners = (who: string) => `fallback: ops@iw.test\nprojects:\n  ${name}: [${who}]\n`;
  return {
    unit: indicatorId(name, '汽油抽检批次'),
    /** Imports the project (a new catalogue version) with `who` as its owner. */
    importWith: (conn: Connection, who: string) =>
      importCatalogue(conn, parseTargetTable(targetTable(projects), { fiscalYear: 2019 }), {
        sourceFile: 'test',
        owners: parseOwners(owners(who), 'yaml'),
        now: new Date(),
      }),
  };
}

export interface World {
  mongoUrl: string;
  prefix: string;
  conn: Connection;
  sink: SmtpSink;
  producer: KafkaProducer;
  dir: string;
  config: (env?: Record<string, string>) => AppConfig;
  start: (clock: Clock, options?: AlertingOptions, env?: Record<string, string>) => Promise<INestMicroservice>;
  setProgress: (unitId: string, measure: MeasureKind, fields: Partial<Progress>, publish?: boolean) => Promise<number>;
  publish: (unitId: string) => Promise<number>;
  mailsTo: (address: string) => SinkMessage[];
  teardown: () => Promise<void>;
}

export async function createWorld(
  projects: readonly ProjectSpec[],
  ownersYaml: string,
  bindingsYaml = 'version: 1\nbindings: []\n',
): Promise<World> {
  const mongoUrl = testMongoUrl();
  const prefix = testTopicPrefix();
  const topics = await createTestTopics(prefix, 2);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-alerting-'));
  const bindingsFile = path.join(dir, 'bindings.yaml');
  const ownersFile = path.join(dir, 'owners.yaml');
  // Reminders at a fixed weekly slot (Monday 13:00), no escalation, no 缺报提醒 (the scenarios'
  // other indicators have no data): a scenario that wants them sets its own IW_POLICY.
  const policyFile = path.join(dir, 'policy.yaml');
  fs.writeFileSync(
    policyFile,
    'defaults:\n  escalate_after: 0\n  no_data_reminder: false\n  digest: { day: monday, time: "13:00" }\n',
  );
  fs.writeFileSync(bindingsFile, bindingsYaml);
  fs.writeFileSync(ownersFile, ownersYaml);

  const conn = await connectMongo(mongoUrl);
  const catalogue = parseTargetTable(targetTable(projects), { fiscalYear: 2019 });
  if (catalogue.problems.some((p) => p.severity === 'error'))
    throw new Error(`test table: ${JSON.stringify(catalogue.problems)}`);
  await importCatalogue(conn, catalogue, {
    sourceFile: 'test',
    owners: parseOwners(ownersYaml, 'yaml'),
    now: new Date(),
  });

  const sink = new SmtpSink();
  await sink.start();
  const producer = new KafkaProducer(new KafkaClient(testKafkaConfig()));
  await producer.connect();
  const progress = new ProgressRepository(conn);
  const group = uniqueId('alerting');
  const apps: INestMicroservice[] = [];

  const config = (env: Record<string, string> = {}) =>
    loadConfig({
      ...process.env,
      MONGO_URL: mongoUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      IW_ALERTING_GROUP: group,
      SMTP_URL: sink.url,
      MAIL_FROM: FROM,
      IW_PUBLIC_URL: PUBLIC_URL,
      IW_BINDINGS: bindingsFile,
      IW_OWNERS: ownersFile,
      IW_POLICY: policyFile,
      IW_PENDING_FOR: '0s',
      IW_GROUP_WAIT: '0s',
      IW_GROUP_INTERVAL: '0s',
      IW_REPEAT_INTERVAL: '2d',
      IW_LOG_LEVEL: 'warn',
      ...env,
    });

  const publish = async (unitId: string): Promise<number> => {
    const p = await progress.one(unitId);
    if (!p) throw new Error(`no progress for ${unitId}`);
    const project = unitId.split('.')[2];
    const message: ProgressMessage = {
      schemaVersion: 1,
      trackedId: unitId,
      indicatorId: unitId.replace(/~.*$/, ''),
      projectId: projectId(project),
      measure: p.measure,
      actual: p.actual,
      lastEventAt: p.lastEventAt,
      version: p.version ?? 0,
      at: new Date().toISOString(),
    };
    const m = buildMessage('progress', message);
    const sentAt = Date.now();
    await producer.send(topics.progress, [m]);
    return sentAt;
  };

  return {
    mongoUrl,
    prefix,
    conn,
    sink,
    producer,
    dir,
    config,
    async start(clock, options = {}, env = {}) {
      const app = await createAlertingApp(
        config(env),
        {
          clock,
          backoff: { baseMs: 200, maxMs: 1000, jitter: 0 },
          pollMs: 100,
          tickMs: 50,
          leaseRenewMs: 500,
          leaseTtlMs: 3000,
          metricsPort: null,
          ...options,
        },
        { heartbeatIntervalMs: 500, sessionTimeoutMs: 10_000 },
      );
      await app.listen();
      apps.push(app);
      return app;
    },
    /** Writes a unit's progress as ingest would (next version) and, by default, publishes it. Returns when it was published. */
    async setProgress(unitId, measure, fields, publishIt = true) {
      const before = await progress.one(unitId);
      const version = (before?.version ?? 0) + 1;
      const doc: Progress = {
        id: unitId,
        measure,
        actual: null,
        eventCount: 5,
        firstEventAt: '2019-02-01T10:00:00+08:00',
        lastEventAt: '2019-06-01T10:00:00+08:00',
        history: [],
        period: { from: '2019-01-01', to: '2019-12-31' },
        applied: {},
        ...fields,
        version,
      };
      const project = unitId.split('.')[2];
      const { lost } = await progress.save(
        [{ progress: doc, indicatorId: unitId.replace(/~.*$/, ''), projectId: projectId(project) }],
        new Date(),
      );
      if (lost.length) throw new Error(`progress of ${unitId} moved meanwhile`);
      return publishIt ? publish(unitId) : Date.now();
    },
    publish,
    mailsTo: (address) => sink.messages().filter((m) => m.to.includes(address)),
    async teardown() {
      for (const app of apps.splice(0)) await app.close().catch(() => undefined);
      await producer.disconnect();
      await sink.stop();
      await closeMongo(conn);
      await dropTestDatabase(mongoUrl);
      await deleteTestTopics(prefix);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Waits for an alerting app's sweep of a local day to finish (its evaluations and notifications
 * are stored by then); returns how many units it judged. A sweep writes only the evaluations
 * whose standing changed, so the documents alone cannot tell that it ran.
 */
export async function sweptOn(app: INestApplicationContext, day: string, timeZone: string): Promise<number> {
  const evaluation = app.get(EvaluationService);
  return waitFor(
    () => {
      const last = evaluation.lastSweep;
      return last !== null && localDate(last.at, timeZone) === day ? last.units : null;
    },
    { timeoutMs: 30_000, message: `the sweep of ${day}` },
  );
}
