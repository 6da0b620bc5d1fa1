import { FixedClock } from '@iw/clock';
import { LeaseRepository, OutboxRepository } from '@iw/mongo';
import { waitFor } from '@iw/testing';
import { createWorld, indicatorId, type World } from './helpers';

/**
 * IW_GROUP_WAIT=30s (the default) and IW_GROUP_INTERVAL=5m with a fixed clock moved by hand,
 * and two alerting instances in one consumer group: both evaluate (each its partitions), one
 * leader sends. What arrives within the group interval after a mail goes out together once it
 * has passed.
 */

jest.setTimeout(120_000);

const P = '分组测试项目';
const T0 = Date.parse('2019-06-15T12:00:00+08:00');
const WAIT = 30_000;
const INTERVAL = 5 * 60_000;

let world: World;
const clock = new FixedClock(T0);

beforeAll(async () => {
  world = await createWorld(
    [
      {
        name: P,
        indicators: [
          ['汽油抽检批次', '数量指标', '≥700批次'],
          ['柴油抽检批次', '数量指标', '≥300批次'],
          ['化肥抽检批次', '数量指标', '≥350批次'],
          ['农膜抽检批次', '数量指标', '≥200批次'],
        ],
      },
    ],
    `fallback: ops@iw.test\nprojects:\n  ${P}: [team@iw.test]\n`,
  );
  const env = { IW_GROUP_WAIT: '30s', IW_GROUP_INTERVAL: '5m' };
  await world.start(clock, { instance: 'a' }, env);
  await world.start(clock, { instance: 'b' }, env);
});

afterAll(async () => {
  await world?.teardown();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('two alerts for one owner inside the group wait arrive as one email, sent by the one leader; later ones wait out the group interval', async () => {
  const outbox = new OutboxRepository(world.conn);
  await world.setProgress(indicatorId(P, '汽油抽检批次'), 'sum', { actual: 100 });
  await waitFor(async () => (await outbox.find({ state: 'pending' })).length === 1, {
    timeoutMs: 30_000,
    message: 'the first notification waiting',
  });
  clock.advance(10_000);
  await world.setProgress(indicatorId(P, '柴油抽检批次'), 'sum', { actual: 50 });
  await waitFor(async () => (await outbox.find({ state: 'pending' })).length === 2, {
    timeoutMs: 30_000,
    message: 'two notifications waiting',
  });
  await pause(1000);
  expect(world.mailsTo('team@iw.test')).toHaveLength(0);

  // The wait counts from the first notification.
  clock.advance(WAIT - 10_000 - 1);
  await pause(1000);
  expect(world.mailsTo('team@iw.test')).toHaveLength(0);
  clock.advance(1);
  const [mail] = await waitFor(
    () => (world.mailsTo('team@iw.test').length === 1 ? world.mailsTo('team@iw.test') : null),
    { timeoutMs: 30_000, message: 'the digest' },
  );
  expect(mail.subject).toBe('【绩效预警】2 项指标需要关注');
  expect(mail.text).toContain('1. 【绩效预警】有可能无法完成\n项目：分组测试项目\n指标：汽油抽检批次');
  expect(mail.text).toContain('2. 【绩效预警】有可能无法完成\n项目：分组测试项目\n指标：柴油抽检批次');
  // The outcome is written right after the server accepted the mail.
  const sent = await waitFor(
    async () => {
      const docs = await outbox.find({ recipient: 'team@iw.test' });
      return docs.every((n) => n.state === 'sent') ? docs : null;
    },
    { timeoutMs: 10_000, message: 'both notifications marked sent' },
  );
  expect(sent.map((n) => n.state)).toEqual(['sent', 'sent']);
  expect(new Set(sent.map((n) => n.messageId))).toEqual(new Set([mail.messageId]));

  // The domain time it went out is kept: the group interval counts from it.
  expect(sent.map((n) => n.sentDomainAt)).toEqual([
    new Date(T0 + WAIT).toISOString(),
    new Date(T0 + WAIT).toISOString(),
  ]);

  // Later alerts wait out the group interval since that mail, not just their group wait, and go together.
  await world.setProgress(indicatorId(P, '化肥抽检批次'), 'sum', { actual: 20 });
  await waitFor(async () => (await outbox.find({ state: 'pending' })).length === 1, {
    timeoutMs: 30_000,
    message: 'the third notification waiting',
  });
  clock.advance(WAIT);
  await pause(1500);
  expect(world.mailsTo('team@iw.test')).toHaveLength(1);
  clock.advance(60_000);
  await world.setProgress(indicatorId(P, '农膜抽检批次'), 'sum', { actual: 10 });
  await waitFor(async () => (await outbox.find({ state: 'pending' })).length === 2, {
    timeoutMs: 30_000,
    message: 'the fourth notification waiting',
  });
  clock.set(T0 + WAIT + INTERVAL - 1);
  await pause(1500);
  expect(world.mailsTo('team@iw.test')).toHaveLength(1);
  clock.advance(1);
  const both = await waitFor(
    () => (world.mailsTo('team@iw.test').length === 2 ? world.mailsTo('team@iw.test') : null),
    { timeoutMs: 30_000, message: 'the second digest, after the group interval' },
  );
  expect(both[1].subject).toBe('【绩效预警】2 项指标需要关注');
  expect(both[1].text).toContain('指标：化肥抽检批次');
  expect(both[1].text).toContain('指标：农膜抽检批次');
  await pause(1500);
  expect(world.mailsTo('team@iw.test')).toHaveLength(2);
  expect(['a', 'b']).toContain((await new LeaseRepository(world.conn).get('alerting-sender'))?.holder);
});
