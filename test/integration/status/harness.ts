/**
 * Boots the status app in-process (createStatusApp, as main.ts does) against a database and a
 * topic prefix of the test's own, with the seed catalogue imported (plus a project whose
 * names carry markup), some progress, a settled evaluation, an alert, a DLQ record, outbox
 * entries and a caught mail — so every route has something to show.
 */
import * as fs from 'node:fs';
import { OpsStatusSchema, type OpsStatus } from '../../../apps/status/src/dtos/status.dto';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { transition, type UnitEvaluation } from '@iw/alerts';
import { FixedClock } from '@iw/clock';
import { loadConfig, type AppConfig } from '@iw/config';
import { SmtpSink } from '@iw/mail';
import {
  applyEvents,
  loadBindings,
  type AppliedEvent,
  type MeasureInput,
  type Progress,
  type TrackedUnit,
} from '@iw/measures';
import {
  AlertRepository,
  DlqRepository,
  EvaluationRepository,
  OutboxRepository,
  ProgressRepository,
  connectMongo,
  importCatalogue,
  type Connection,
  type EvaluationDoc,
} from '@iw/mongo';
import {
  budgetTrackId,
  indicatorId,
  parseOwners,
  parseTargetTable,
  projectId,
  type ParsedCatalogue,
} from '@iw/targets';
import {
  createTestTopics,
  dropTestDatabase,
  deleteTestTopics,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
} from '@iw/testing';
import { createStatusApp } from '../../../apps/status/src/app';
import { freePort } from '@iw/testing';

/** The sample table's 预算单位 (the agency its ids carry). */
export const SEED_AGENCY = '新疆维吾尔自治区市场监督管理局';

export { freePort };

const ROOT = path.resolve(__dirname, '../../..');
const SEED_FILE = path.join(ROOT, 'samples/targets-2019-xinjiang-market-supervision.txt');
const BINDINGS_FILE = path.join(ROOT, 'samples/bindings.yaml');
export const TZ = 'Asia/Shanghai';
/** Domain "now" of the tests: mid-year. */
export const NOW = Date.parse('2019-07-01T12:00:00+08:00');
export const TOKENS = ['token-one-0123456789', 'token-two-abcdefghij'];

export const P_INSPECT = '流通领域商品、成品油、农资产品、网络商品质量抽检监测经费';
export const P_GONGSHANG = '工商行政管理业务费';
/** Markup in names (they come from uploaded tables): must render as text. */
export const EVIL_PROJECT = '<script>window.__xss=1</script>测试项目';
/** The agency of the table with markup in names. */
export const EVIL_AGENCY = '测试单位';
export const EVIL_INDICATOR = '<img src=x onerror="window.__xss=2">检查次数';

const EVIL_TABLE = `

项目支出绩效目标表

预算单位\t${EVIL_AGENCY}\t\t\t项目名称\t${EVIL_PROJECT}\t
项目资金(万元)\t年度资金总额:\t10\t其中:财政拨款\t10\t其他资金\t0
项目总体目标\t测试<b>目标</b>\t\t\t\t\t
一级指标\t二级指标\t三级指标\t\t\t指标值(包含数字及文字描述)\t
项目完成指标\t数量指标\t${EVIL_INDICATOR}\t\t\t≥10次\t
`;

export const IDS = {
  inspect: projectId(2019, SEED_AGENCY, P_INSPECT),
  gasoline: indicatorId(2019, SEED_AGENCY, P_INSPECT, '汽油抽检批次'),
  diesel: indicatorId(2019, SEED_AGENCY, P_INSPECT, '柴油抽检批次'),
  inspectBudget: budgetTrackId(projectId(2019, SEED_AGENCY, P_INSPECT)),
  gongshang: projectId(2019, SEED_AGENCY, P_GONGSHANG),
  training: indicatorId(2019, SEED_AGENCY, P_GONGSHANG, '会议培训的次数人数天数'),
  influence: indicatorId(2019, SEED_AGENCY, P_GONGSHANG, '市场监管社会影响力'),
  evilProject: projectId(2019, EVIL_AGENCY, EVIL_PROJECT),
  evilIndicator: indicatorId(2019, EVIL_AGENCY, EVIL_PROJECT, EVIL_INDICATOR),
};

export function catalogue(): ParsedCatalogue {
  return parseTargetTable(fs.readFileSync(SEED_FILE, 'utf8') + EVIL_TABLE);
}

export interface StatusHarness {
  config: AppConfig;
  app: INestApplication;
  base: string;
  clock: FixedClock;
  mongoUrl: string;
  prefix: string;
  topics: AppConfig['kafka']['topics'];
  sink: SmtpSink;
  units: ReadonlyMap<string, TrackedUnit>;
  localDir: string;
  /** A request with a token (the first one). */
  get(pathAndQuery: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string>): AppConfig {
  return loadConfig(
    {
      ...process.env,
      IW_API_TOKENS: TOKENS.map((t) => `admin:${t}`).join(','),
      IW_TIMEZONE: TZ,
      IW_LOG_LEVEL: 'warn',
      ...env,
    },
    '/nonexistent/.env',
  );
}

/** The app listening on a free port; `close` stops it. */
export async function listen(config: AppConfig, clock: FixedClock): Promise<{ app: INestApplication; base: string }> {
  const app = await createStatusApp(config, { clock, logger: ['error'] });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as net.AddressInfo;
  return { app, base: `http://127.0.0.1:${port}` };
}

function progressOf(unit: TrackedUnit, events: Array<[occurredAt: string, input: MeasureInput]>): Progress {
  const applied: AppliedEvent[] = events.map(([occurredAt, input], i) => ({
    trackedId: unit.id,
    eventId: `${unit.id}#${i}`,
    occurredAt,
    input,
    position: { topic: 'seed', partition: 0, offset: i },
  }));
  return applyEvents(
    null,
    { id: unit.id, measure: unit.measure, period: unit.period, scale: unit.scale, of: unit.of },
    applied,
    TZ,
  );
}

/** Progress the tests check figures against (actuals as of NOW). */
export const SEEDED = {
  gasolineBatches: 300, // of ≥700 by mid-year: behind a 350 pace
  dieselBatches: 160, // of ≥300: ahead
  inspectSpentYuan: 600_000, // of 187.5 万元
};

async function seed(conn: Connection, units: ReadonlyMap<string, TrackedUnit>): Promise<void> {
  const cat = catalogue();
  await importCatalogue(conn, cat, {
    sourceFile: SEED_FILE,
    owners: parseOwners(fs.readFileSync(path.join(ROOT, 'samples/owners.yaml'), 'utf8'), 'yaml'),
    now: new Date(NOW),
  });
  const u = (id: string) => {
    const unit = units.get(id);
    if (!unit) throw new Error(`no tracked unit ${id}`);
    return unit;
  };
  const trainingParts = [...units.values()].filter((x) => x.indicatorId === IDS.training);
  const writes: Progress[] = [
    progressOf(u(IDS.gasoline), [
      ['2019-03-10T10:00:00+08:00', { kind: 'add', value: 100 }],
      ['2019-05-20T10:00:00+08:00', { kind: 'add', value: 120 }],
      ['2019-06-28T10:00:00+08:00', { kind: 'add', value: 80 }],
    ]),
    progressOf(u(IDS.diesel), [['2019-06-01T10:00:00+08:00', { kind: 'add', value: SEEDED.dieselBatches }]]),
    progressOf(u(IDS.inspectBudget), [
      ['2019-02-01T10:00:00+08:00', { kind: 'add', value: 250_000 }],
      ['2019-06-01T10:00:00+08:00', { kind: 'add', value: 350_000 }],
    ]),
    progressOf(trainingParts[0], [['2019-04-01T10:00:00+08:00', { kind: 'add', value: 12 }]]),
    progressOf(u(IDS.influence), [
      ['2019-06-15T10:00:00+08:00', { kind: 'assessment', likelihood: '有可能', text: '<b>宣传</b>覆盖面不足' }],
    ]),
  ];
  const unitOf = (id: string) => u(id);
  await new ProgressRepository(conn).save(
    writes.map((p) => ({
      progress: p,
      indicatorId: unitOf(p.id).indicatorId,
      projectId: unitOf(p.id).projectId,
      expectedVersion: null,
    })),
    new Date(NOW),
  );

  // Alerting settled diesel as at_risk a while ago (pending anti-flap on its side): the API must say so.
  const settled: EvaluationDoc = {
    _id: IDS.diesel,
    kind: 'indicator',
    projectId: IDS.inspect,
    indicatorId: IDS.diesel,
    status: 'at_risk',
    likelihood: '有可能',
    since: new Date(NOW - 3 * 86_400_000),
    pending: { status: 'on_track', since: new Date(NOW - 3600_000), dueAt: new Date(NOW + 3600_000) },
    evaluatedStatus: 'on_track',
    actual: SEEDED.dieselBatches,
    expected: 150,
    forecast: 320,
    reason: '按进度',
    daysLeft: 183,
    deadline: '2019-12-31',
    warningDays: null,
    progressVersion: 1,
    evaluatedAt: new Date(NOW),
    rev: 1,
  };
  await new EvaluationRepository(conn).save([{ doc: settled, expectedRev: null }]);

  // An open alert on gasoline, as alerting would store it.
  const evaluation: UnitEvaluation = {
    unit: {
      id: IDS.gasoline,
      indicatorId: IDS.gasoline,
      projectId: IDS.inspect,
      projectName: P_INSPECT,
      indicatorName: '汽油抽检批次',
      targetText: '≥700批次',
      unit: '批次',
    },
    status: 'at_risk',
    likelihood: '有可能',
    actual: SEEDED.gasolineBatches,
    expected: 349,
    forecast: 605,
    reason: '进度落后',
    daysLeft: 183,
    deadline: '2019-12-31',
  };
  const opened = transition(null, evaluation, NOW - 86_400_000).alert!;
  await new AlertRepository(conn).save([{ alert: opened, expectedRev: null }]);
  const resolvedEval: UnitEvaluation = {
    ...evaluation,
    unit: { ...evaluation.unit, id: IDS.diesel, indicatorId: IDS.diesel, indicatorName: '柴油抽检批次' },
  };
  const dieselOpen = transition(null, resolvedEval, NOW - 5 * 86_400_000).alert!;
  const dieselResolved = transition(
    dieselOpen,
    { ...resolvedEval, status: 'on_track', likelihood: '确定能' },
    NOW - 4 * 86_400_000,
  ).alert!;
  await new AlertRepository(conn).save([{ alert: dieselResolved, expectedRev: null }]);

  await new DlqRepository(conn).record([
    {
      topic: 't.actuals.cases',
      partition: 0,
      offset: '7',
      key: null,
      reasonClass: 'schema',
      reason: 'caseId: required',
      preview: '{}',
      at: new Date(NOW),
    },
  ]);
  const notice = {
    kind: 'opened' as const,
    alertId: opened.id,
    version: opened.version,
    at: new Date(NOW).toISOString(),
    severity: opened.severity,
    unit: opened.unit,
    evaluation: opened.last,
  };
  const outbox = new OutboxRepository(conn);
  await outbox.enqueue(
    [
      { key: 'n1', recipient: 'choujian@example.gov.cn', notice, createdAt: new Date(NOW).toISOString() },
      { key: 'n2', recipient: 'ops@example.gov.cn', notice, createdAt: new Date(NOW).toISOString() },
    ],
    new Date(Date.now() - 120_000),
  );
  const claimedAt = new Date();
  await outbox.claimDigests([{ digestId: 'd1', messageId: '<d1@localhost>', keys: ['n2'] }], claimedAt);
  await outbox.recordOutcomes([
    {
      digestId: 'd1',
      messageId: '<d1@localhost>',
      keys: ['n2'],
      claimedAt,
      failure: { attempts: 2, nextAttemptAt: new Date(Date.now() + 60_000), error: '451 try later', permanent: false },
    },
  ]);
}

export async function startHarness(env: Record<string, string> = {}): Promise<StatusHarness> {
  const mongoUrl = testMongoUrl();
  const prefix = testTopicPrefix();
  const topics = await createTestTopics(prefix, 2);
  const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-status-'));
  const sink = new SmtpSink({ dir: path.join(localDir, 'mail') });
  await sink.start();
  const config = testConfig({
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    IW_INGEST_GROUP: uniqueId('ingest'),
    IW_ALERTING_GROUP: uniqueId('alerting'),
    SMTP_URL: sink.url,
    IW_LOCAL_DIR: localDir,
    ...env,
  });
  const units = loadBindings(fs.readFileSync(BINDINGS_FILE, 'utf8'), catalogue(), {
    timeZone: TZ,
    satisfiedShare: config.surveys.satisfiedShare,
  }).units;
  const conn = await connectMongo(mongoUrl);
  try {
    await seed(conn, units);
  } finally {
    await conn.close();
  }
  const clock = new FixedClock(NOW);
  const { app, base } = await listen(config, clock);
  const get = (p: string, init: RequestInit = {}) =>
    fetch(base + p, {
      redirect: 'manual',
      ...init,
      headers: { authorization: `Bearer ${TOKENS[0]}`, ...(init.headers as Record<string, string>) },
    });
  return {
    config,
    app,
    base,
    clock,
    mongoUrl,
    prefix,
    topics,
    sink,
    units,
    localDir,
    get,
    async close() {
      await app.close();
      await sink.stop();
      await deleteTestTopics(prefix);
      await dropTestDatabase(mongoUrl);
      fs.rmSync(localDir, { recursive: true, force: true });
    },
  };
}

/** GET /status as the harness's first token, checked 200 and parsed by its schema. */
export async function opsStatus(h: StatusHarness): Promise<OpsStatus> {
  const res = await h.get('/status');
  expect(res.status).toBe(200);
  return OpsStatusSchema.parse(await res.json());
}
