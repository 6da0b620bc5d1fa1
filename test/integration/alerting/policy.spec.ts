import * as fs from 'node:fs';
import * as path from 'node:path';
import { FixedClock } from '@iw/clock';
import { OutboxRepository } from '@iw/mongo';
import { memoryIo, runCli } from '@iw/cli';
import { waitFor } from '@iw/testing';
import { createWorld, indicatorId, projectId, type World } from './helpers';

/**
 * The notification policy against the real broker, FerretDB and SMTP sink, over four
 * simulated weeks on a fixed clock moved a day at a time: reminders only in the weekly digest
 * (Monday 09:00, at most one a week per person), an alert nobody acknowledged reaches the
 * agency's office person after escalate_after (7 days), a unit without data gets exactly one
 * 缺报提醒. The office person comes from the people file (IW_PEOPLE).
 */

jest.setTimeout(240_000);

const PA = '周报测试项目甲';
const PB = '周报测试项目乙';
const DAY = 86_400_000;
// Saturday 15 June 2019, noon in Shanghai.
const T0 = Date.parse('2019-06-15T12:00:00+08:00');
const quantity = (name: string, value: string): [string, string, string] => [name, '数量指标', value];

let world: World;
const clock = new FixedClock(T0);

const A1 = indicatorId(PA, '汽油抽检批次');
const A2 = indicatorId(PA, '柴油抽检批次');
const B1 = indicatorId(PB, '化肥抽检批次');
const B2 = indicatorId(PB, '农膜抽检批次'); // never any data

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
      { name: PA, indicators: [quantity('汽油抽检批次', '≥700批次'), quantity('柴油抽检批次', '≥300批次')] },
      { name: PB, indicators: [quantity('化肥抽检批次', '≥350批次'), quantity('农膜抽检批次', '≥50批次')] },
    ],
    `fallback: ops@iw.test\nprojects:\n  ${PA}: [a@iw.test]\n  ${PB}: [b@iw.test]\n`,
  );
  const people = path.join(world.dir, 'people.yaml');
  fs.writeFileSync(
    people,
    'people:\n  - { email: office@iw.test, name: 绩效办, agency: 测试局, role: office }\n' +
      '  - { email: viewer@iw.test, name: 查看, agency: 测试局, role: viewer }\n',
  );
  const policy = path.join(world.dir, 'weekly.yaml');
  fs.writeFileSync(
    policy,
    'version: 1\ndefaults:\n  repeat_interval: 7d\n  escalate_after: 7d\n  digest: { day: monday, time: "09:00" }\n',
  );
  // Behind pace as of mid-June (about 46% of the year gone): the three with data open at start.
  await world.setProgress(A1, 'sum', { actual: 100 }, false);
  await world.setProgress(A2, 'sum', { actual: 40 }, false);
  await world.setProgress(B1, 'sum', { actual: 50 }, false);
  await world.start(clock, {}, { IW_PEOPLE: people, IW_POLICY: policy });
});

afterAll(async () => {
  await world?.teardown();
});

const reminder = (subject: string) => /^【每周提醒】|次提醒）$/.test(subject);

it('over four weeks: one reminder digest a week per person, the office hears of the unacknowledged, one 缺报提醒', async () => {
  const outbox = new OutboxRepository(world.conn);
  // At start: a@ two opened alerts, b@ one; a 缺报提醒 for each unit without data (B2 and the
  // two projects' budgets, 预算执行率, which nobody reports here).
  await waitFor(async () => (await outbox.find({ state: 'sent' })).length === 6, {
    timeoutMs: 60_000,
    message: 'the start mails',
  });
  expect((await outbox.find({ alertId: B2 })).map((n) => [n.notice.kind, n.recipient])).toEqual([
    ['no_data', 'b@iw.test'],
  ]);
  // a@ acknowledges one: no reminders and no escalation for it.
  expect((await iw('alerts', 'ack', A1, '--by', 'a@iw.test')).code).toBe(0);

  const remindersPerWeek = new Map<string, number>();
  let seen = new Set(world.sink.messages().map((m) => m.messageId));
  for (let day = 1; day <= 28; day++) {
    clock.advance(DAY);
    // The day's sweep (and on Mondays the digest sweep) runs within a few ticks; what it enqueued is sent.
    await new Promise((r) => setTimeout(r, 300));
    await waitFor(async () => (await outbox.find({ state: 'pending' })).length === 0, {
      timeoutMs: 30_000,
      message: `day ${day} sent`,
    });
    await new Promise((r) => setTimeout(r, 300));
    const week = Math.floor((clock.now() - Date.parse('2019-06-17T00:00:00+08:00')) / (7 * DAY));
    const fresh = world.sink.messages().filter((m) => !seen.has(m.messageId));
    seen = new Set([...seen, ...fresh.map((m) => m.messageId)]);
    for (const m of fresh)
      if (reminder(m.subject))
        for (const to of m.envelope.rcptTo)
          remindersPerWeek.set(`${to} ${week}`, (remindersPerWeek.get(`${to} ${week}`) ?? 0) + 1);
  }
  await new Promise((r) => setTimeout(r, 1500));

  // Mondays 17 June (two days after opening: too soon), 24 June, 1 and 8 July.
  expect(Object.fromEntries([...remindersPerWeek].sort())).toEqual({
    'a@iw.test 1': 1,
    'a@iw.test 2': 1,
    'a@iw.test 3': 1,
    'b@iw.test 1': 1,
    'b@iw.test 2': 1,
    'b@iw.test 3': 1,
  });
  // The acknowledged alert was never reminded nor escalated.
  expect((await outbox.find({ alertId: A1 })).map((n) => n.notice.kind)).toEqual(['opened']);

  // The office person: the two unacknowledged alerts, once, 7 days after they opened.
  const office = await outbox.find({ recipient: 'office@iw.test' });
  expect(office.map((n) => [n.notice.alertId, n.notice.kind, n.state]).sort()).toEqual([
    [B1, 'unacknowledged', 'sent'], // (乙 sorts before 甲)
    [A2, 'unacknowledged', 'sent'],
  ]);
  for (const n of office) expect(Date.parse(n.notice.at) - T0).toBeGreaterThanOrEqual(7 * DAY);
  const officeMails = world.mailsTo('office@iw.test');
  expect(officeMails.length).toBeGreaterThanOrEqual(1);
  expect(
    officeMails.every((m) => m.subject.startsWith('【预警未确认】') || m.subject.startsWith('【绩效预警】2 项')),
  ).toBe(true);
  expect(world.mailsTo('viewer@iw.test')).toEqual([]);

  // Exactly one 缺报提醒 per unit without data in four weeks, and the mail says so.
  const noData = (await outbox.find({})).filter((n) => n.notice.kind === 'no_data');
  expect(noData.map((n) => [n.notice.alertId, n.recipient]).sort()).toEqual([
    [`${projectId(PB)}#budget`, 'b@iw.test'],
    [B2, 'b@iw.test'],
    [`${projectId(PA)}#budget`, 'a@iw.test'],
  ]);
  expect((await outbox.find({ alertId: B2 })).map((n) => n.notice.kind)).toEqual(['no_data']);
  // b@'s mails tell each of b@'s two units once (in one mail or two, as the sweep enqueued them).
  const told = world.mailsTo('b@iw.test').flatMap((m) => m.text.split('【缺报提醒】仍无数据，请及时报送').slice(1));
  expect(told).toHaveLength(2);
});
