import type { INestMicroservice } from '@nestjs/common';
import { verifyLink } from '@iw/people';
import { digestId, messageId, onEvaluation, ownersResolver, type UnitEvaluation } from '@iw/alerts';
import { memoryIo, runCli } from '@iw/cli';
import { FixedClock } from '@iw/clock';
import { SmtpSender } from '@iw/mail';
import {
  AlertRepository,
  AuditRepository,
  EvaluationRepository,
  LeaseRepository,
  OutboxRepository,
  SecretRepository,
  StatsRepository,
} from '@iw/mongo';
import { waitFor } from '@iw/testing';
import { createWorld, FROM, indicatorId, projectId, PUBLIC_URL, type World } from './helpers';

/**
 * The alerting app in-process against the real broker, FerretDB and an SMTP server, with a
 * fixed clock (Saturday 15 June 2019) moved by hand, IW_GROUP_WAIT=0, IW_PENDING_FOR=0s,
 * IW_REPEAT_INTERVAL=2d and reminders in the weekly digest on Mondays at 13:00. Each scenario has its own project and owners, so each reads its own mailbox.
 */

jest.setTimeout(120_000);

const P1 = '预警测试项目';
const P2 = '恢复测试项目';
const P3 = '提醒测试项目';
const P4 = '断线测试项目';
const P5 = '重启测试项目';
const DAY = 86_400_000;
const T0 = Date.parse('2019-06-15T12:00:00+08:00');

const OWNERS = `
fallback: ops@iw.test
projects:
  ${P1}: [p1@iw.test]
  ${P2}: [p2@iw.test]
  ${P3}: [p3@iw.test]
  ${P4}: [p4@iw.test]
  ${P5}: [crash@iw.test]
indicators:
  ${P3}/化肥抽检批次: [repeat@iw.test]
  ${P3}/农膜抽检批次: [ack@iw.test]
  ${P3}/投诉件数: [silence@iw.test]
  ${P4}/汽油抽检批次: [down1@iw.test]
  ${P4}/柴油抽检批次: [down2@iw.test]
`;

const BINDINGS = `
version: 1
bindings:
  - project: ${P3}
    indicators:
      - indicator: 投诉件数
        from: cases
        where: { action: opened }
        measure: count
`;

const quantity = (name: string, value: string): [string, string, string] => [name, '数量指标', value];

let world: World;
let app: INestMicroservice;
const clock = new FixedClock(T0);

/** Waits until `address` has received exactly `count` mails; returns them. */
function mails(address: string, count: number, what: string) {
  return waitFor(
    () => {
      const got = world.mailsTo(address);
      return got.length === count ? got : null;
    },
    { timeoutMs: 30_000, message: what },
  );
}

/** Waits a little and checks nothing more arrived (for "exactly one" and "suppressed"). */
async function settleAndCount(address: string, ms = 1500): Promise<number> {
  await new Promise((r) => setTimeout(r, ms));
  return world.mailsTo(address).length;
}

/** Runs `iw …` in memory against this world's database and clock. */
async function iw(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const saved = { MONGO_URL: process.env.MONGO_URL, IW_CLOCK: process.env.IW_CLOCK };
  process.env.MONGO_URL = world.mongoUrl;
  process.env.IW_CLOCK = `sim:${new Date(clock.now()).toISOString()}@1`;
  try {
    const io = memoryIo();
    const code = await runCli(['node', 'iw', ...args], io);
    return { code, out: io.stdout(), err: io.stderr() };
  } finally {
    for (const [k, v] of Object.entries(saved))
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
  }
}

beforeAll(async () => {
  world = await createWorld(
    [
      { name: P1, indicators: [quantity('汽油抽检批次', '≥700批次')] },
      { name: P2, indicators: [quantity('柴油抽检批次', '≥300批次')] },
      {
        name: P3,
        indicators: [
          quantity('化肥抽检批次', '≥350批次'),
          quantity('农膜抽检批次', '≥50批次'),
          ['投诉件数', '质量指标', '≤12件'],
        ],
      },
      { name: P4, indicators: [quantity('汽油抽检批次', '≥700批次'), quantity('柴油抽检批次', '≥300批次')] },
      { name: P5, indicators: [quantity('汽油抽检批次', '≥700批次')] },
    ],
    OWNERS,
    BINDINGS,
  );
  app = await world.start(clock, { instance: 'first' });
});

afterAll(async () => {
  await world?.teardown();
});

it('an indicator pushed behind pace produces exactly one email to its owner, with the right fields', async () => {
  const id = indicatorId(P1, '汽油抽检批次');
  const publishedAt = await world.setProgress(id, 'sum', { actual: 100 });
  const [mail] = await mails('p1@iw.test', 1, 'the at_risk mail');
  const latencyMs = Date.parse(mail.receivedAt) - publishedAt;
  console.log(
    `latency from publishing the tipping progress message to the SMTP server accepting the mail (group wait 0): ${latencyMs} ms`,
  );

  expect(mail.subject).toBe(`【绩效预警】${P1} · 汽油抽检批次：有可能无法完成`);
  expect(mail.from).toBe('noreply@iw.test');
  expect(mail.messageId).toMatch(/^<iw\.[0-9a-f]{32}@iw\.test>$/);
  for (const line of [
    `项目：${P1}`,
    '指标：汽油抽检批次',
    '指标值：≥700批次',
    '实际完成值：100批次',
    '完成时限：2019-12-31（剩余 199 天）',
    '完成目标可能性：有可能',
  ]) {
    expect(mail.text).toContain(line);
  }
  // 详情 and 确认告警 are the recipient's personal links (signed with the secret alerting kept in MongoDB).
  const secret = await new SecretRepository(world.conn).linkSecret(null);
  for (const [label, next] of [
    ['详情', `/indicators/${encodeURIComponent(id)}`],
    ['确认告警', `/alerts/${encodeURIComponent(id)}`],
  ]) {
    const url = new URL(new RegExp(`^${label}：(\\S+)$`, 'm').exec(mail.text)![1]);
    expect(`${url.origin}${url.pathname.replace(/\/[^/]+$/, '')}`).toBe(`${PUBLIC_URL}/signin`);
    expect(url.searchParams.get('next')).toBe(next);
    const check = verifyLink(secret, url.pathname.split('/')[2], Date.now());
    expect(check).toMatchObject({ ok: true, claims: { email: 'p1@iw.test' } });
  }
  expect(mail.text).toMatch(/按进度应完成：3\d\d(\.\d+)?批次/);
  expect(mail.text).toMatch(/全年预计完成：2\d\d(\.\d+)?批次/);
  expect(mail.html).toContain('实际完成值');

  // The same progress again (a redelivery, or ingest republishing) changes nothing.
  await world.publish(id);
  expect(await settleAndCount('p1@iw.test')).toBe(1);

  const evaluation = await new EvaluationRepository(world.conn).one(id);
  expect(evaluation).toMatchObject({
    status: 'at_risk',
    likelihood: '有可能',
    actual: 100,
    pending: null,
    evaluatedAt: new Date(T0),
  });
  const alert = await new AlertRepository(world.conn).get(id);
  expect(alert?.alert).toMatchObject({ state: 'open', severity: 'at_risk', version: 1 });
  expect(alert?.alert.history.map((h) => h.change)).toEqual(['opened']);
});

it('recovery produces a resolved notice', async () => {
  const id = indicatorId(P2, '柴油抽检批次');
  await world.setProgress(id, 'sum', { actual: 50 });
  await mails('p2@iw.test', 1, 'the at_risk mail');
  await world.setProgress(id, 'sum', { actual: 200 });
  const both = await mails('p2@iw.test', 2, 'the resolved mail');
  expect(both[1].subject).toBe(`【绩效恢复】${P2} · 柴油抽检批次：已恢复正常`);
  expect(both[1].text).toContain('实际完成值：200批次');
  expect(both[1].messageId).not.toBe(both[0].messageId);
  // It threads with the alert mail.
  expect(both[1].inReplyTo).toBe(both[0].messageId);
  expect(both[1].references).toEqual([both[0].messageId]);
  expect(both[0].inReplyTo).toBe('');
  expect((await new AlertRepository(world.conn).get(id))?.alert.state).toBe('resolved');
});

it('the weekly digest reminds; acknowledge and silence suppress (through the iw CLI)', async () => {
  const repeated = indicatorId(P3, '化肥抽检批次');
  const acked = indicatorId(P3, '农膜抽检批次');
  const silenced = indicatorId(P3, '投诉件数');
  await world.setProgress(repeated, 'sum', { actual: 20 });
  await world.setProgress(acked, 'sum', { actual: 3 });
  await world.setProgress(silenced, 'count', { actual: 8, eventCount: 8 }); // forecast ≈ 17.6 > 12
  for (const to of ['repeat@iw.test', 'ack@iw.test', 'silence@iw.test']) {
    await mails(to, 1, `the first mail to ${to}`);
  }

  expect(await iw('alerts', 'ack', acked, '--by', 'owner')).toMatchObject({
    code: 0,
    out: expect.stringContaining(`acknowledged ${acked}`),
  });
  expect(await iw('alerts', 'silence', silenced, '--until', '2019-07-31')).toMatchObject({
    code: 0,
    out: expect.stringContaining('until 2019-08-01 00:00'),
  });
  expect(await iw('alerts', 'ack', indicatorId(P3, '没有这个指标'))).toMatchObject({
    code: 1,
    err: expect.stringContaining('no alert'),
  });
  const listed = await iw('alerts', 'list', '--json');
  const open = JSON.parse(listed.out) as Array<{
    id: string;
    acknowledgedBy: string | null;
    silencedUntil: string | null;
  }>;
  expect(open.find((a) => a.id === acked)?.acknowledgedBy).toBe('owner');
  expect(open.find((a) => a.id === silenced)?.silencedUntil).toBe(
    new Date(Date.parse('2019-08-01T00:00:00+08:00')).toISOString(),
  );
  // The CLI's actions are in the audit log like the page's (the failed one is not).
  const audit = await new AuditRepository(world.conn).list({});
  expect(audit.map((e) => [e.action, e.target, e.actor, e.role])).toEqual([
    ['silence', silenced, expect.stringMatching(/^cli/), 'cli'],
    ['ack', acked, 'owner', 'cli'],
  ]);
  expect(audit[1]).toMatchObject({
    indicatorId: acked,
    before: { acknowledgedBy: null },
    after: { acknowledgedBy: 'owner' },
  });
  // When: the services' clock (the CLI's IW_CLOCK runs on from the test clock), not the wall clock.
  expect(audit[1].at.getTime() - clock.now()).toBeGreaterThanOrEqual(0);
  expect(audit[1].at.getTime() - clock.now()).toBeLessThan(60_000);

  // Silenced: even an escalation (cap exceeded → off_track) is not mailed.
  await world.setProgress(silenced, 'count', { actual: 13, eventCount: 13 });
  await waitFor(async () => (await new AlertRepository(world.conn).get(silenced))?.alert.severity === 'off_track', {
    message: 'escalated',
  });

  // Monday 13:00, the digest slot two days and an hour later, reminds of what is neither acked nor silenced.
  clock.advance(2 * DAY + 3_600_000);
  const repeats = await mails('repeat@iw.test', 2, 'the repeat');
  expect(repeats[1].subject).toBe(`【绩效预警】${P3} · 化肥抽检批次：有可能无法完成（第 1 次提醒）`);
  expect(await settleAndCount('ack@iw.test')).toBe(1);
  expect(world.mailsTo('silence@iw.test')).toHaveLength(1);

  const outbox = new OutboxRepository(world.conn);
  expect((await outbox.find({ alertId: silenced })).map((n) => [n.notice.kind, n.state, n.mutedReason])).toEqual([
    ['opened', 'sent', null],
    ['escalated', 'muted', 'silenced'],
  ]);
  expect((await outbox.find({ alertId: acked })).map((n) => n.notice.kind)).toEqual(['opened']);
});

it('with the SMTP server down for a while nothing is lost, and each notification arrives exactly once after', async () => {
  const outbox = new OutboxRepository(world.conn);
  world.sink.setFailing(true);
  await world.setProgress(indicatorId(P4, '汽油抽检批次'), 'sum', { actual: 100 });
  await world.setProgress(indicatorId(P4, '柴油抽检批次'), 'sum', { actual: 50 });
  await waitFor(
    async () => {
      const docs = [
        ...(await outbox.find({ recipient: 'down1@iw.test' })),
        ...(await outbox.find({ recipient: 'down2@iw.test' })),
      ];
      return (
        docs.length === 2 &&
        docs.every((d) => d.state === 'claimed' && d.attempts >= 2 && /451/.test(d.lastError ?? ''))
      );
    },
    { timeoutMs: 30_000, message: 'two notifications failing, retried' },
  );
  expect(world.mailsTo('down1@iw.test')).toHaveLength(0);

  world.sink.setFailing(false);
  await waitFor(() => world.mailsTo('down1@iw.test').length === 1 && world.mailsTo('down2@iw.test').length === 1, {
    timeoutMs: 30_000,
    message: 'both after the outage',
  });
  expect(await settleAndCount('down1@iw.test', 2500)).toBe(1);
  expect(world.mailsTo('down2@iw.test')).toHaveLength(1);
  const docs = await outbox.find({ recipient: 'down1@iw.test' });
  expect(docs.map((d) => d.state)).toEqual(['sent']);
  expect(docs[0].attempts).toBeGreaterThanOrEqual(2);

  // What /status reads: the stats document (written every 5 s), backlog drained.
  const drainedAt = Date.now();
  const stats = await waitFor(
    async () => {
      const [doc] = await new StatsRepository(world.conn).live('alerting', drainedAt);
      return doc?.extra?.outboxPending === 0 ? doc : null;
    },
    { timeoutMs: 15_000, message: 'stats document' },
  );
  expect(stats.extra).toMatchObject({ outboxFailed: 0, leader: true });
  expect(stats.extra?.sent).toBeGreaterThanOrEqual(9);
});

it('after a crash mid-send the same digest is sent again with the same Message-ID (at most one duplicate)', async () => {
  await app.close();
  expect(await new LeaseRepository(world.conn).get('alerting-sender')).toBeNull(); // released at shutdown

  // What a crashed process leaves: the notification claimed into a digest, the mail already
  // accepted by the server, but not yet marked sent.
  const id = indicatorId(P5, '汽油抽检批次');
  const evaluation: UnitEvaluation = {
    unit: {
      id,
      indicatorId: id,
      projectId: projectId(P5),
      projectName: P5,
      indicatorName: '汽油抽检批次',
      targetText: '≥700批次',
      unit: '批次',
    },
    status: 'at_risk',
    likelihood: '有可能',
    actual: 90,
    expected: 322,
    forecast: 195,
    reason: '进度落后',
    daysLeft: 197,
    deadline: '2019-12-31',
  };
  const options = {
    resolveOwners: ownersResolver({ fallback: 'crash@iw.test' }),
    repeatIntervalMs: 2 * DAY,
    groupWaitMs: 0,
    publicUrl: PUBLIC_URL,
    timeZone: 'Asia/Shanghai',
    from: FROM,
  };
  const r = onEvaluation(null, evaluation, clock.now(), options);
  const outbox = new OutboxRepository(world.conn);
  expect(await outbox.enqueue(r.notifications, new Date())).toBe(1);
  expect(await outbox.enqueue(r.notifications, new Date())).toBe(0); // a replay enqueues nothing
  await new AlertRepository(world.conn).save([{ alert: r.alert!, expectedRev: null }]);
  const digest = digestId('crash@iw.test', [r.notifications[0].key]);
  const msgId = messageId(digest, 'iw.test');
  // Claimed, and the crash came before the send's outcome was recorded.
  const claimedAt = new Date();
  const keys = [r.notifications[0].key];
  const { won } = await outbox.claimDigests([{ digestId: digest, messageId: msgId, keys }], claimedAt);
  expect(won.get(digest)).toEqual(keys);
  await outbox.recordOutcomes([{ digestId: digest, messageId: msgId, keys, claimedAt }]);
  const sender = new SmtpSender({ url: world.sink.url });
  await sender.send({
    messageId: msgId,
    from: FROM,
    to: 'crash@iw.test',
    subject: 'sent before the crash',
    text: '…',
    html: '<p>…</p>',
  });
  sender.close();

  app = await world.start(new FixedClock(clock.now()), { instance: 'second' });
  const resent = await mails('crash@iw.test', 2, 'the re-sent digest');
  expect(resent.map((m) => m.messageId)).toEqual([msgId, msgId]);
  expect(resent[1].subject).toBe(`【绩效预警】${P5} · 汽油抽检批次：有可能无法完成`);
  expect(await settleAndCount('crash@iw.test')).toBe(2);
  expect((await outbox.find({ recipient: 'crash@iw.test' })).map((d) => d.state)).toEqual(['sent']);
  expect((await new LeaseRepository(world.conn).get('alerting-sender'))?.holder).toBe('second');
});
