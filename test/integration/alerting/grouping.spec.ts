import { FixedClock } from '@iw/clock';
import { LeaseRepository, OutboxRepository } from '@iw/mongo';
import { waitFor } from '@iw/testing';
import { createWorld, indicatorId, type World } from './helpers';

/**
 * IW_GROUP_WAIT=30s (the default) with a fixed clock moved by hand, and two alerting instances
 * in one consumer group: both evaluate (each its partitions), one leader sends.
 */

jest.setTimeout(120_000);

const P = '分组测试项目';
const T0 = Date.parse('2019-06-15T12:00:00+08:00');
const WAIT = 30_000;

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
        ],
      },
    ],
    `fallback: ops@iw.test\nprojects:\n  ${P}: [team@iw.test]\n`,
  );
  const env = { IW_GROUP_WAIT: '30s' };
  await world.start(clock, { instance: 'a' }, env);
  await world.start(clock, { instance: 'b' }, env);
});

afterAll(async () => {
  await world?.teardown();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('two alerts for one owner inside the group wait arrive as one email, sent by the one leader', async () => {
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

  // A later alert starts a group of its own.
  await world.setProgress(indicatorId(P, '化肥抽检批次'), 'sum', { actual: 20 });
  await waitFor(async () => (await outbox.find({ state: 'pending' })).length === 1, {
    timeoutMs: 30_000,
    message: 'the third notification waiting',
  });
  clock.advance(WAIT);
  const both = await waitFor(
    () => (world.mailsTo('team@iw.test').length === 2 ? world.mailsTo('team@iw.test') : null),
    { timeoutMs: 30_000, message: 'the second digest' },
  );
  expect(both[1].subject).toBe(`【绩效预警】${P} · 化肥抽检批次：有可能无法完成`);
  await pause(1500);
  expect(world.mailsTo('team@iw.test')).toHaveLength(2);
  expect(['a', 'b']).toContain((await new LeaseRepository(world.conn).get('alerting-sender'))?.holder);
});
