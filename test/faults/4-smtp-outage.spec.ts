import { OutboxRepository } from '@iw/mongo';
import type { SinkMessage } from '@iw/mail';
import { ensureBuilt, uniqueId } from '@iw/testing';
import { loadConfig } from '@iw/config';
import { createWorld, indicatorId, type World } from '../integration/alerting/helpers';
import { runAlerting, saveLog, waitFor, type AppProcess } from './support/apps';
import { recordScenario, since } from './support/results';

/** The SMTP connections the spawned alerting sends over (IW_SMTP_CONNECTIONS, as its config reads it). */
const CONNECTIONS = loadConfig(process.env).smtp.connections;

/**
 * Scenario 4 — SMTP outage and a crash mid-send, with the alerting app as a process (the
 * compiled main.js, default retry backoff) and a real SMTP server (SmtpSink).
 *
 * Every project has one indicator (≥700 批次) and an owner of its own, so every tipping
 * indicator is exactly one email to one mailbox: the expected mails are known without reading
 * anything alerting wrote.
 *  a) The server refuses all mail (451) for 60 s while alerts fire; after it recovers every
 *     notification is delivered, each exactly once.
 *  b) Alerting is SIGKILLed while it works through a long send queue and started again: every
 *     notification is delivered, at most one per SMTP connection twice (the default
 *     sendConcurrency: a mail in flight on each), and a duplicate carries the same Message-ID.
 */
const OUTAGE_MS = 60_000;
const A = Number(process.env.IW_FAULTS_SMTP_A || 12);
const B = Number(process.env.IW_FAULTS_SMTP_B || 60);
const INDICATOR = '汽油抽检批次';

const projectA = (i: number) => `邮件停机项目${String(i).padStart(3, '0')}`;
const projectB = (i: number) => `邮件崩溃项目${String(i).padStart(3, '0')}`;
const ownerA = (i: number) => `outage${i}@iw.test`;
const ownerB = (i: number) => `crash${i}@iw.test`;

const GROUP = uniqueId('alerting');
let world: World;
let alerting: AppProcess | undefined;
const logs: AppProcess[] = [];

function env(): Record<string, string> {
  const c = world.config();
  return {
    MONGO_URL: world.mongoUrl,
    KAFKA_TOPIC_PREFIX: world.prefix,
    IW_ALERTING_GROUP: GROUP,
    SMTP_URL: c.smtp.url,
    MAIL_FROM: c.smtp.from,
    IW_BINDINGS: c.files.bindings,
    IW_OWNERS: c.files.owners,
    IW_POLICY: c.files.policy,
    IW_CLOCK: 'sim:2019-06-15T12:00:00+08:00@1',
    IW_GROUP_WAIT: '0s', // IW_GROUP_INTERVAL stays the default: each mailbox gets one mail
    IW_PENDING_FOR: '0s',
  };
}
async function startAlerting(): Promise<AppProcess> {
  const app = runAlerting(env());
  logs.push(app);
  await app.waitForOutput(/successfully started/, 90_000);
  return app;
}

/** Mails per mailbox, and how many of them repeat a Message-ID already delivered there. */
function tally(owners: string[], messages: SinkMessage[]) {
  const to = new Map<string, SinkMessage[]>();
  for (const m of messages) for (const r of m.envelope.rcptTo) to.set(r, [...(to.get(r) ?? []), m]);
  const received = owners.filter((o) => (to.get(o)?.length ?? 0) > 0).length;
  const extra = owners.flatMap((o) => (to.get(o) ?? []).slice(1));
  const sameId = owners.every((o) => new Set((to.get(o) ?? []).map((m) => m.messageId)).size <= 1);
  return { received, duplicates: extra.length, sameId, extraIds: extra.map((m) => m.messageId) };
}

beforeAll(async () => {
  ensureBuilt();
  const projects = [
    ...Array.from({ length: A }, (_, i) => ({
      name: projectA(i),
      indicators: [[INDICATOR, '数量指标', '≥700批次']] as Array<[string, string, string]>,
    })),
    ...Array.from({ length: B }, (_, i) => ({
      name: projectB(i),
      indicators: [[INDICATOR, '数量指标', '≥700批次']] as Array<[string, string, string]>,
    })),
  ];
  const owners = [
    'fallback: ops@iw.test',
    'projects:',
    ...Array.from({ length: A }, (_, i) => `  ${projectA(i)}: [${ownerA(i)}]`),
    ...Array.from({ length: B }, (_, i) => `  ${projectB(i)}: [${ownerB(i)}]`),
  ].join('\n');
  world = await createWorld(projects, owners + '\n');
});

afterAll(async () => {
  await alerting?.stop('SIGTERM', 20_000);
  logs.forEach((a, i) => saveLog(`4-smtp-alerting-${i}`, a));
  await world?.teardown();
});

it(`delivers every notification exactly once after a ${OUTAGE_MS / 1000} s SMTP outage`, async () => {
  const t0 = Date.now();
  alerting = await startAlerting();
  await alerting.waitForOutput(/leads: sending mail and sweeping/, 60_000);
  world.sink.setFailing(true);
  const outageStart = Date.now();
  for (let i = 0; i < A; i++) await world.setProgress(indicatorId(projectA(i), INDICATOR), 'sum', { actual: 100 });
  const outbox = new OutboxRepository(world.conn);
  // Alerting has tried (and failed) for every one of them during the outage.
  await waitFor(async () => (await outbox.find({})).filter((d) => d.attempts > 0).length >= A, {
    timeoutMs: OUTAGE_MS - 10_000,
    intervalMs: 500,
    message: 'failed attempts for every notification',
  });
  await new Promise((r) => setTimeout(r, Math.max(0, outageStart + OUTAGE_MS - Date.now())));
  const duringOutage = world.sink.count;
  const attempts = (await outbox.find({})).reduce((s, d) => s + d.attempts, 0);
  world.sink.setFailing(false);
  const recoveredAt = Date.now();
  const owners = Array.from({ length: A }, (_, i) => ownerA(i));
  await waitFor(() => tally(owners, world.sink.messages()).received === A, {
    timeoutMs: 180_000,
    intervalMs: 500,
    message: `all ${A} owners mailed after recovery`,
  });
  const allInS = (Date.now() - recoveredAt) / 1000;
  await new Promise((r) => setTimeout(r, 5000)); // anything sent twice would show up now
  const t = tally(owners, world.sink.messages());
  recordScenario({
    scenario: '4a. SMTP outage 60 s',
    published: A,
    expected: `${A} alerts → ${A} mails`,
    observed: `${t.received} mailboxes reached`,
    lost: null,
    doubled: null,
    emailsExpected: A,
    emailsReceived: t.received,
    emailsDuplicated: t.duplicates,
    notes: `sink answered 451 for ${OUTAGE_MS / 1000} s: ${duringOutage} mails accepted meanwhile, ${attempts} failed attempts recorded in the outbox; all delivered ${allInS.toFixed(1)} s after recovery (default backoff 1 s … 5 min)`,
    seconds: since(t0),
  });
  expect(duringOutage).toBe(0);
  expect(attempts).toBeGreaterThanOrEqual(A);
  expect({ received: t.received, duplicates: t.duplicates }).toEqual({ received: A, duplicates: 0 });
  expect(world.sink.messages().every((m) => m.subject.includes(INDICATOR))).toBe(true);
});

it(`after a SIGKILL in the middle of sending, delivers every notification with at most ${CONNECTIONS} duplicates (one per connection), under the same Message-ID`, async () => {
  const t0 = Date.now();
  const before = world.sink.count;
  const owners = Array.from({ length: B }, (_, i) => ownerB(i));
  const tipping = (async () => {
    for (let i = 0; i < B; i++) await world.setProgress(indicatorId(projectB(i), INDICATOR), 'sum', { actual: 100 });
  })();
  // Kill once a good part of the queue went out, while the rest is still being sent.
  const third = Math.ceil(B / 3);
  await waitFor(() => world.sink.count - before >= third, {
    timeoutMs: 180_000,
    intervalMs: 10,
    message: `${third} mails sent`,
  });
  const killed = await alerting!.stop('SIGKILL');
  const atKill = world.sink.count - before;
  await tipping;
  alerting = await startAlerting();
  await waitFor(() => tally(owners, world.sink.messages()).received === B, {
    timeoutMs: 240_000,
    intervalMs: 500,
    message: `all ${B} owners mailed after the restart`,
  });
  await new Promise((r) => setTimeout(r, 5000));
  const t = tally(owners, world.sink.messages());
  const earlier = tally(
    Array.from({ length: A }, (_, i) => ownerA(i)),
    world.sink.messages(),
  );
  recordScenario({
    scenario: '4b. SIGKILL alerting mid-send',
    published: B,
    expected: `${B} alerts → ${B} mails`,
    observed: `${t.received} mailboxes reached`,
    lost: null,
    doubled: null,
    emailsExpected: B,
    emailsReceived: t.received,
    emailsDuplicated: t.duplicates,
    notes: `SIGKILL (${killed.signal}) after ${atKill}/${B} mails; restarted (lease taken over); duplicates ${t.duplicates}${t.duplicates ? ` with the same Message-ID: ${t.sameId} (${t.extraIds.join(', ')})` : ''}; 4a mailboxes untouched: ${earlier.duplicates === 0}`,
    seconds: since(t0),
  });
  expect(killed.signal).toBe('SIGKILL');
  expect(atKill).toBeLessThan(B);
  expect(t.received).toBe(B);
  expect(t.duplicates).toBeLessThanOrEqual(CONNECTIONS);
  expect(t.sameId).toBe(true);
  expect(earlier.duplicates).toBe(0);
});
