import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { simpleParser } from 'mailparser';
import { localDate, parseClockSpec, type Clock } from '@iw/clock';
import { findRepoRoot } from '@iw/config';
import { ACTUALS_ROLES } from '@iw/events';
import { KafkaAdmin, KafkaClient } from '@iw/kafka';
import {
  closeMongo,
  COLLECTIONS,
  connectMongo,
  EvaluationRepository,
  type Connection,
  type EvaluationDoc,
  type SweepDoc,
} from '@iw/mongo';
import { parsePeopleFile } from '@iw/people';
import { buildStory, SAMPLE_FILES, sampleStoryInput, type Expectation, type ResolvedScenario } from '@iw/simulator';
import { ownersFor, parseOwners } from '@iw/targets';
import {
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  freePort,
  prefixedTopics,
  spawnApp,
  testKafkaConfig,
  testMongoUrl,
  testTopicPrefix,
  type AppProcess,
  uniqueId,
  waitFor,
} from '@iw/testing';

/**
 * The end-to-end replay: `npm start` (the main job) on the first half of 2019 and a little more,
 * through the real Kafka, FerretDB, services and SMTP sink. What must come out is derived from
 * the simulator's story (its scenarios and their expected statuses by date), never written
 * down here:
 *  - each scenario's indicator is seen, as of a simulated date inside each of its expectation
 *    windows, in the expected settled status, and every scenario ends in its expected status;
 *  - its owners (from the owners file) get the alert emails the story implies (opened, escalated,
 *    resolved, missed), sent during the transition the story describes, with the figures right;
 *  - no indicator outside the plot ever pages anyone (the story keeps them on track: a firing
 *    email there would be alerting judging progress the pipeline had not processed yet);
 *  - no email twice: unique Message-IDs, no notice twice to one recipient;
 *  - reminders of standing alerts come as one digest per person per simulated week, and an alert
 *    nobody acknowledged reaches the agency's office person (samples/people.yaml) after the
 *    policy's escalate_after (7 days);
 *  - the DLQ holds exactly the malformed events the replay published;
 *  - ingest paused for a stretch mid-replay (SIGSTOP, as a hung or stopped ingest) raises no
 *    alert: the sources' watermarks stand still, /status shows them falling behind, and units
 *    are judged as of where ingest stopped, never as of a clock that ran on without their events.
 */

jest.setTimeout(600_000);

const SEED = 1;
/** Past 1 July: the earliest deadline of the seed (30 June) is missed. */
const UNTIL = '2019-07-12';
/** A simulated day and a half per second: ~130 s of replay. */
const SPEED = 129_600;
/** Ingest stands still from this simulated date for PAUSE_MS real ms (twelve simulated days). */
const PAUSE_FROM = '2019-04-15';
const PAUSE_MS = 8_000;
const DAY_MS = 86_400_000;

const root = findRepoRoot();
const input = sampleStoryInput();
const tz = input.bindings.timeZone;
const story = buildStory(input, { seed: SEED, runId: 'e2e', until: UNTIL });
const owners = parseOwners(fs.readFileSync(path.join(root, SAMPLE_FILES.owners), 'utf8'), 'yaml');
const plotted = new Set([...story.expectations.map((e) => e.unitId), ...story.unfed.map((u) => u.unitId)]);
const scenarioUnits = [...new Set(story.expectations.map((e) => e.unitId))];

const prefix = testTopicPrefix();
const topics = prefixedTopics(prefix);
const mongoUrl = testMongoUrl();
const localDir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-e2e-'));
const groups = { IW_INGEST_GROUP: uniqueId('ingest'), IW_ALERTING_GROUP: uniqueId('alerting') };
let conn: Connection;
let job: AppProcess | null = null;

interface Observation {
  unitId: string;
  /** Settled status (after IW_PENDING_FOR), as the dashboard shows it. */
  status: string;
  /** Local date the evaluation judged the unit as of (its sources' watermark): "as of D, X was S". */
  date: string;
  asOf: number;
  /** Real ms when it was read. */
  seenAt: number;
}

type EvaluationRow = { _id: string; status: string; evaluatedAt: Date; asOf?: Date };
/**
 * As of when a stored evaluation holds: it is written only when what it says changes, and the
 * last sweep judged every unit again as of its `asOf` (read before the evaluations), so a
 * document older than that sweep still says what the unit was then.
 */
const asOfOf = (d: EvaluationRow, sweep: SweepDoc | null) =>
  Math.max((d.asOf ?? d.evaluatedAt).getTime(), sweep && sweep.waiting === 0 ? sweep.asOf.getTime() : 0);

/** The ingest service the main job started (a child of the job's process). */
function ingestPid(jobPid: number): number {
  const lines = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(jobPid)], { encoding: 'utf8' }).split('\n');
  const line = lines.find((l) => l.includes('dist/apps/ingest/src/main.js'));
  if (!line) throw new Error(`no ingest among the job's children:\n${lines.join('\n')}`);
  return Number(line.trim().split(/\s+/)[0]);
}

interface Notice {
  messageId: string;
  to: string[];
  subject: string;
  /** Notices in the email. */
  count: number;
  head: string;
  fields: Record<string, string>;
}

/** Plain-text part → one record per notice block (`label：value` lines under a head line). */
function noticesOf(mail: { messageId: string; to: string[]; subject: string; text: string }): Notice[] {
  const body = mail.text.split('\n——\n')[0];
  const blocks = body.split(/\n\n+/).filter((b) => /\n告警编号：/.test(b));
  return blocks.map((b) => {
    const [head, ...lines] = b.split('\n');
    const fields: Record<string, string> = {};
    for (const l of lines) {
      const i = l.indexOf('：');
      if (i > 0) fields[l.slice(0, i)] = l.slice(i + 1);
    }
    return {
      messageId: mail.messageId,
      to: mail.to,
      subject: mail.subject,
      count: blocks.length,
      head: head.replace(/^\d+\. /, ''),
      fields,
    };
  });
}

async function readMail(dir: string): Promise<Notice[]> {
  const out: Notice[] = [];
  for (const f of fs
    .readdirSync(dir)
    .filter((x) => x.endsWith('.eml'))
    .sort()) {
    const m = await simpleParser(fs.readFileSync(path.join(dir, f)));
    const to = (Array.isArray(m.to) ? m.to : m.to ? [m.to] : []).flatMap((a) =>
      a.value.map((v) => (v.address ?? '').toLowerCase()),
    );
    out.push(...noticesOf({ messageId: m.messageId ?? '', to, subject: m.subject ?? '', text: m.text ?? '' }));
  }
  return out;
}

const firing = (status: string) => status === 'at_risk' || status === 'off_track';
const number = (text: string | undefined) => Number((text ?? '').replace(/[^0-9.]/g, ''));

/** The notice heads a change from one expected status to the next implies (render.ts words them). */
function headsFor(prev: string | null, next: string): RegExp | null {
  if (next === 'at_risk' && (prev === null || !firing(prev))) return /^【绩效预警】有可能无法完成$/;
  if (next === 'off_track')
    return prev === 'at_risk' ? /^【绩效预警】风险升级，不可能完成$/ : /^【绩效预警】(风险升级，)?不可能完成$/;
  if (next === 'on_track' && prev !== null && firing(prev)) return /^【绩效恢复】已恢复正常$/;
  if (next === 'missed' && prev !== null && firing(prev)) return /^【目标未完成】目标未完成$/;
  return null;
}

/** Messages not yet committed by ingest (actuals) and by alerting (indicators.progress). */
async function pipelineLag(admin: KafkaAdmin): Promise<{ ingest: number; alerting: number }> {
  const ingest = (
    await admin.lag(
      groups.IW_INGEST_GROUP,
      ACTUALS_ROLES.map((r) => topics[r]),
    )
  ).reduce((n, p) => n + p.lag, 0);
  const alerting = (await admin.lag(groups.IW_ALERTING_GROUP, [topics.progress])).reduce((n, p) => n + p.lag, 0);
  return { ingest, alerting };
}

beforeAll(async () => {
  ensureBuilt();
  conn = await connectMongo(mongoUrl);
});

afterAll(async () => {
  // After a failure: Ctrl-C, so the job stops its services (they have process groups of their own); SIGKILL if it hangs.
  if (job) await job.stop('SIGINT', 60_000).catch(() => undefined);
  await closeMongo(conn);
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
  fs.rmSync(localDir, { recursive: true, force: true });
});

it("replays January to mid-July: named indicators in named statuses, the owners' alert emails, nothing twice, the DLQ exact", async () => {
  const [statusPort, smtpPort, metricsIngest, metricsAlerting] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const realStart = Date.now();
  job = spawnApp({
    entry: 'dist/libs/main-job/src/main.js',
    echo: Boolean(process.env.IW_TEST_ECHO),
    args: ['--until', UNTIL, '--speed', String(SPEED), '--seed', String(SEED)],
    env: {
      MONGO_URL: mongoUrl,
      KAFKA_TOPIC_PREFIX: prefix,
      KAFKA_PARTITIONS: '2',
      ...groups,
      IW_STATUS_PORT: String(statusPort),
      IW_PUBLIC_URL: `http://127.0.0.1:${statusPort}`,
      IW_METRICS_PORT_INGEST: String(metricsIngest),
      IW_METRICS_PORT_ALERTING: String(metricsAlerting),
      SMTP_URL: `smtp://127.0.0.1:${smtpPort}`,
      IW_LOCAL_DIR: localDir,
      IW_API_TOKENS: '',
      IW_PENDING_FOR: '',
    },
  });
  const mailDir = path.join(localDir, 'mail');

  await job.waitForOutput(/clock {6}IW_CLOCK=(sim:\S+)/, 180_000);
  const clock: Clock = parseClockSpec(/clock {6}IW_CLOCK=(sim:\S+)/.exec(job.output())![1]);

  const evaluations = new EvaluationRepository(conn);
  // Watch the settled statuses of the plot's units as the replay runs.
  const observations: Observation[] = [];
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const sweep = await evaluations.lastSweep().catch(() => null);
      const docs = [...(await evaluations.find(scenarioUnits).catch(() => new Map<string, EvaluationDoc>())).values()];
      const seenAt = Date.now();
      for (const d of docs)
        observations.push({
          unitId: d._id,
          status: d.status,
          date: localDate(asOfOf(d, sweep), tz),
          asOf: asOfOf(d, sweep),
          seenAt,
        });
      await new Promise((r) => setTimeout(r, 250));
    }
  })();

  let firstMailMs: number | null = null;
  const mailTimer = setInterval(() => {
    if (firstMailMs === null && fs.existsSync(mailDir) && fs.readdirSync(mailDir).some((f) => f.endsWith('.eml')))
      firstMailMs = Date.now() - realStart;
  }, 200);

  const admin = new KafkaAdmin(new KafkaClient(testKafkaConfig()));
  await admin.connect();
  // The pipeline's backlog every 2 s (real seconds since the start → messages behind), for the report.
  const lags: string[] = [];
  const peak = { ingest: 0, alerting: 0 };
  const lagTimer = setInterval(() => {
    pipelineLag(admin).then(
      (l) => {
        lags.push(
          `${Math.round((Date.now() - realStart) / 1000)}s ${localDate(clock.now(), tz)} ingest ${l.ingest} alerting ${l.alerting}`,
        );
        peak.ingest = Math.max(peak.ingest, l.ingest);
        peak.alerting = Math.max(peak.alerting, l.alerting);
      },
      () => undefined,
    );
  }, 2000);
  // Mid-replay, ingest stands still (SIGSTOP) while the clock, the simulator and alerting run on.
  const token = /API token {2}(\S+)/.exec(job.output())![1];
  const sourcesBehind = async () => {
    const res = await fetch(`http://127.0.0.1:${statusPort}/status`, { headers: { authorization: `Bearer ${token}` } });
    const body = (await res.json()) as { watermarks: Array<{ topic: string; lagSeconds: number | null }> };
    return body.watermarks;
  };
  const jobPid = job.child.pid as number;
  const pause = (async () => {
    while (localDate(clock.now(), tz) < PAUSE_FROM) await new Promise((r) => setTimeout(r, 100));
    const pid = ingestPid(jobPid);
    process.kill(pid, 'SIGSTOP');
    const from = clock.now();
    const realFrom = Date.now();
    try {
      await new Promise((r) => setTimeout(r, PAUSE_MS - 1000));
      const behind = await sourcesBehind();
      return { from, realFrom, behind };
    } finally {
      process.kill(pid, 'SIGCONT');
    }
  })();
  let replayDoneMs: number;
  let drainedMs: number;
  let finalDate = '';
  try {
    await job.waitForOutput(/replay done: (\d+) events published \((\d+) malformed, for the DLQ\)/, 420_000);
    replayDoneMs = Date.now() - realStart;
    const [, published, malformed] = /replay done: (\d+) events published \((\d+) malformed/.exec(job.output())!;
    expect(Number(published)).toBe(story.events.length);
    expect(Number(malformed)).toBe(story.malformedCount);

    // Ingest catches up with what was published … (alerting's own backlog on indicators.progress
    // is reported, not waited for: its sweeps read progress from MongoDB, not from that topic.)
    await waitFor(async () => (await pipelineLag(admin)).ingest === 0, {
      timeoutMs: 120_000,
      intervalMs: 500,
      message: 'ingest consumed everything',
    }).catch((e: Error) => {
      throw new Error(`${e.message}; backlog over time:\n${lags.join('\n')}`);
    });
    drainedMs = Date.now() - realStart;
    // … and alerting judges every plot unit as of then (the sweep on the event time's new day;
    // the clock stops at the end of the last replayed day).
    const after = clock.now();
    await waitFor(
      async () => {
        const sweep = await evaluations.lastSweep();
        const docs = [...(await evaluations.find(scenarioUnits)).values()];
        return docs.length === scenarioUnits.length && docs.every((d) => asOfOf(d, sweep) >= after);
      },
      { timeoutMs: 60_000, intervalMs: 250, message: 'a sweep as of the end, after the pipeline drained' },
    );
  } finally {
    watching = false;
    await watcher;
    clearInterval(mailTimer);
    clearInterval(lagTimer);
    await admin.disconnect();
    // The services' logs, for a failure's post-mortem.
    if (process.env.IW_TEST_KEEP_LOGS)
      fs.cpSync(path.join(localDir, 'logs'), process.env.IW_TEST_KEEP_LOGS, { recursive: true });
  }

  // While ingest stood still, its sources fell behind on /status, and no unit was judged past
  // where they stopped (a report a second: a simulated day and a half, plus the time to stop).
  const paused = await pause;
  expect(paused.behind.length).toBe(ACTUALS_ROLES.length);
  for (const w of paused.behind) expect(w.lagSeconds).toBeGreaterThanOrEqual(((PAUSE_MS - 1000) / 1000) * SPEED * 0.8);
  const during = observations.filter(
    (o) => o.seenAt >= paused.realFrom + 1000 && o.seenAt <= paused.realFrom + PAUSE_MS - 500,
  );
  expect(during.length).toBeGreaterThan(0);
  const judgedPast = during.filter((o) => o.asOf > paused.from + 2 * DAY_MS);
  expect(judgedPast.map((o) => `${o.unitId} as of ${new Date(o.asOf).toISOString()}`)).toEqual([]);

  // The DLQ holds exactly the malformed events published.
  const dlq = await conn.db!.collection(COLLECTIONS.dlq).find().toArray();
  expect(dlq).toHaveLength(story.malformedCount);
  expect(story.malformedCount).toBe(story.events.filter((e) => e.malformed).length);
  expect(story.malformedCount).toBeGreaterThanOrEqual(4);

  // --- statuses ------------------------------------------------------------------------------
  const finalSweep = await evaluations.lastSweep();
  const final = [...(await evaluations.find(scenarioUnits)).values()];
  finalDate = localDate(Math.min(...final.map((d) => asOfOf(d, finalSweep))), tz);
  const checked: string[] = [];
  const problems: string[] = [];
  for (const e of story.expectations) {
    if (e.from > finalDate) continue;
    const within = observations.filter((o) => o.unitId === e.unitId && o.date >= e.from && o.date <= e.to);
    const label = `${e.scenario}: ${e.name} ${e.status} ${e.from}…${e.to}`;
    if (within.length === 0) {
      problems.push(`${label}: never evaluated inside the window`);
      continue;
    }
    if (!within.some((o) => o.status === e.status))
      problems.push(
        `${label}: seen ${[...new Set(within.map((o) => `${o.status}@${o.date}`))].slice(0, 6).join(', ')}`,
      );
    else checked.push(label);
  }
  // As of the last simulated date: each scenario in the status its story gives for that date.
  for (const d of final) {
    const want = story.expectations.find((e) => e.unitId === d._id && e.from <= finalDate && finalDate <= e.to);
    if (want && d.status !== want.status)
      problems.push(`as of ${finalDate}: ${want.scenario} ${want.name} is ${d.status}, the story says ${want.status}`);
  }
  expect(problems).toEqual([]);
  // Every scenario and every status of the scale was checked.
  expect(new Set(checked.map((c) => c.split(':')[0]))).toEqual(new Set(story.scenarios.map((s) => s.name)));
  expect(
    new Set(
      story.expectations
        .filter((e) => checked.includes(`${e.scenario}: ${e.name} ${e.status} ${e.from}…${e.to}`))
        .map((e) => e.status),
    ),
  ).toEqual(new Set(['on_track', 'at_risk', 'off_track', 'missed', 'no_data', 'achieved', 'manual']));

  // --- email ---------------------------------------------------------------------------------
  let notices = await readMail(mailDir);
  expect(notices.length).toBeGreaterThan(0);

  // Each transition of the plot brings its email to the indicator's owners, sent during the transition.
  const byUnit = new Map<string, Expectation[]>();
  for (const e of story.expectations)
    byUnit.set(`${e.scenario}|${e.unitId}`, [...(byUnit.get(`${e.scenario}|${e.unitId}`) ?? []), e]);
  const transitionMail = (all: Notice[]): { expected: string[]; problems: string[] } => {
    const expected: string[] = [];
    const problems: string[] = [];
    for (const [key, list] of byUnit) {
      const scenario = story.scenarios.find((x) => x.name === key.split('|')[0]) as ResolvedScenario;
      const unitId = list[0].unitId;
      const recipients = ownersFor(owners, scenario.projectName, scenario.indicatorId ?? unitId).sort();
      list.sort((a, b) => (a.from < b.from ? -1 : 1));
      list.forEach((e, i) => {
        const prev = i > 0 ? list[i - 1] : null;
        const head = headsFor(prev?.status ?? null, e.status);
        // Only transitions the replay reached.
        if (!head || e.from > finalDate) return;
        const after = prev ? prev.to : `${story.fiscalYear}-01-01`;
        const got = all.filter(
          (n) =>
            n.fields['告警编号'] === unitId &&
            head.test(n.head) &&
            n.fields['时间'].slice(0, 10) > after &&
            n.fields['时间'].slice(0, 10) <= e.to,
        );
        const label = `${e.scenario}: ${e.name} → ${e.status} (${head.source}) after ${after}`;
        expected.push(label);
        const to = [...new Set(got.flatMap((n) => n.to))].sort();
        if (to.join() !== recipients.join())
          problems.push(`${label}: sent to [${to.join(', ')}], the owners are [${recipients.join(', ')}]`);
        for (const n of got)
          if (n.fields['项目'] !== e.projectName || n.fields['指标'] !== e.name)
            problems.push(`${label}: names ${n.fields['项目']} / ${n.fields['指标']}`);
      });
    }
    return { expected, problems };
  };
  // The last transitions' emails may still be on their way (the outbox sends after the evaluation).
  let mail = transitionMail(notices);
  await waitFor(
    async () => {
      notices = await readMail(mailDir);
      mail = transitionMail(notices);
      return mail.problems.length === 0;
    },
    { timeoutMs: 90_000, intervalMs: 1000, message: 'the transition emails' },
  ).catch(() => undefined);
  expect(mail.problems).toEqual([]);
  const expectedMail = mail.expected;

  // No email twice: one Message-ID per email, and no notice twice to one recipient.
  // Every file is read once, here: mail still arriving cannot make the two counts disagree.
  const messageIds = fs
    .readdirSync(mailDir)
    .filter((f) => f.endsWith('.eml'))
    .map((f) => /^Message-ID:\s*(\S+)/im.exec(fs.readFileSync(path.join(mailDir, f), 'utf8'))?.[1] ?? '');
  expect(messageIds.filter((id) => !/^<.+@.+>$/.test(id))).toEqual([]);
  expect(new Set(messageIds).size).toBe(messageIds.length);
  const perEmail = new Map(notices.map((n) => [n.messageId, n]));
  const seen = new Map<string, number>();
  for (const n of notices)
    for (const to of n.to) {
      const key = `${to} ${n.fields['告警编号']} ${n.head} ${n.fields['时间']}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
  expect([...seen].filter(([, c]) => c > 1)).toEqual([]);

  // Reminders: at most one mail of them per person per simulated week (the weekly digest slot).
  const mondayOf = (time: string) => {
    const day = Date.parse(`${time.slice(0, 10)}T00:00:00Z`);
    return new Date(day - ((new Date(day).getUTCDay() + 6) % 7) * DAY_MS).toISOString().slice(0, 10);
  };
  const reminderMails = new Map<string, Set<string>>();
  for (const n of notices)
    if (/（第 \d+ 次提醒）$/.test(n.head))
      for (const to of n.to) {
        const key = `${to} week of ${mondayOf(n.fields['时间'])}`;
        reminderMails.set(key, (reminderMails.get(key) ?? new Set()).add(n.messageId));
      }
  expect(reminderMails.size).toBeGreaterThan(0);
  expect([...reminderMails].filter(([, ids]) => ids.size > 1).map(([k, ids]) => `${k}: ${ids.size} mails`)).toEqual([]);

  // Escalation: an alert left unacknowledged reaches the office person, no sooner than 7 days after it opened.
  const office = parsePeopleFile(fs.readFileSync(path.join(root, 'samples/people.yaml'), 'utf8'))
    .filter((p) => p.role === 'office')
    .map((p) => p.email.toLowerCase());
  const escalations = notices.filter((n) => n.head.startsWith('【预警未确认】'));
  expect(escalations.length).toBeGreaterThan(0);
  for (const n of escalations) {
    expect(n.to.some((to) => office.includes(to))).toBe(true);
    const opened = notices
      .filter((o) => o.fields['告警编号'] === n.fields['告警编号'] && o.head.startsWith('【绩效预警】'))
      .map((o) => Date.parse(o.fields['时间'].replace(' ', 'T')))
      .sort((a, b) => a - b)[0];
    expect(Date.parse(n.fields['时间'].replace(' ', 'T')) - opened).toBeGreaterThanOrEqual(7 * DAY_MS);
  }

  // Subjects as the digest says: one notice names project and indicator, several are counted.
  for (const [, n] of perEmail) {
    if (n.count === 1)
      expect(n.subject).toBe(
        `${n.head.match(/^【[^】]+】/)![0]}${n.fields['项目']} · ${n.fields['指标']}：${n.head.replace(/^【[^】]+】/, '')}`,
      );
    else expect(n.subject).toMatch(new RegExp(`^【[^】]+】${n.count} 项指标`));
  }

  // Nobody outside the plot is paged: the story keeps those indicators on track.
  // (Up to the last replayed day: after it no event comes any more and, on a clock that keeps running, pace is lost.)
  const falseAlarms = notices.filter(
    (n) => !plotted.has(n.fields['告警编号']) && /^【绩效预警】/.test(n.head) && n.fields['时间'].slice(0, 10) <= UNTIL,
  );
  expect(falseAlarms.map((n) => `${n.fields['时间']} ${n.fields['告警编号']} ${n.head} ${n.fields['原因']}`)).toEqual(
    [],
  );

  expect(expectedMail.length).toBeGreaterThanOrEqual(6);

  // Figures: the lab that falls behind is behind pace in its at-risk email; the milestone's deadline is past in the missed one.
  const behind = story.scenarios.find((s) => s.name === 'behind-then-recover')!;
  const lagging = notices.find(
    (n) => n.fields['告警编号'] === behind.unitId && n.head === '【绩效预警】有可能无法完成',
  )!;
  expect(number(lagging.fields['实际完成值'])).toBeLessThan(number(lagging.fields['按进度应完成']));
  expect(lagging.fields['当前状态']).toBe('有可能无法完成');
  expect(lagging.fields['完成目标可能性']).toBe('有可能');
  expect(lagging.fields['指标值']).toMatch(/^≥ ?\d+ ?批次$/);
  // 详情 is the recipient's personal link: it signs them in and opens the indicator page.
  const detail = new URL(lagging.fields['详情']);
  expect(`${detail.origin}${detail.pathname.split('/').slice(0, 2).join('/')}`).toBe(
    `http://127.0.0.1:${statusPort}/signin`,
  );
  expect(detail.searchParams.get('next')).toBe(`/indicators/${encodeURIComponent(behind.indicatorId!)}`);
  const milestone = story.scenarios.find((s) => s.name === 'deadline-missed')!;
  const deadline = story.expectations.find((e) => e.scenario === 'deadline-missed' && e.status === 'at_risk')!.to;
  const missed = notices.find(
    (n) => n.fields['告警编号'] === milestone.unitId && n.head === '【目标未完成】目标未完成',
  )!;
  expect(missed.fields['完成时限']).toMatch(new RegExp(`^${deadline}（已逾期 \\d+ 天）$`));
  expect(missed.fields['当前状态']).toBe('目标未完成');

  // For the report: how long things took on this machine.
  console.log(
    `end-to-end replay ${story.from}…${UNTIL} at ${SPEED}: first email ${firstMailMs} ms after the start, replay done at ${replayDoneMs} ms, drained at ${drainedMs} ms; ` +
      `${notices.length} notices in ${perEmail.size} emails; ${checked.length} status windows checked; final date ${finalDate}; peak backlog (sampled every 2 s): ingest ${peak.ingest}, alerting ${peak.alerting} messages`,
  );

  const exit = await job.stop('SIGINT', 90_000);
  const out = job.output();
  job = null;
  // Ctrl-C stops every service cleanly (each exits 0 within its limit), and the job with 0.
  expect(out).not.toMatch(/did not stop cleanly/);
  expect(exit).toEqual({ code: 0, signal: null });
});
