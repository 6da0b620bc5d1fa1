import type { INestMicroservice } from '@nestjs/common';
import { FixedClock } from '@iw/clock';
import { OutboxRepository, toNotification } from '@iw/mongo';
import { waitFor } from '@iw/testing';
import { createWorld, indicatorId, type World } from './helpers';

/**
 * Notifications waiting inside a long group wait, on the real broker and FerretDB: the sender
 * reads them at most once (what its own process enqueues reaches its copy without a read) and
 * not again every poll (with thousands waiting, that read kept the database
 * busy for nothing); a notification another instance enqueued (no in-process signal) is seen at
 * the next poll by reading only what came since; one that left `pending` behind the sender's back
 * makes it read everything again; and the group goes out once the wait is over.
 */

jest.setTimeout(120_000);

const P = '等待分组项目';
const T0 = Date.parse('2019-06-15T12:00:00+08:00');
const WAIT = 60 * 60_000;
const clock = new FixedClock(T0);

let world: World;
let app: INestMicroservice;

beforeAll(async () => {
  world = await createWorld(
    [{ name: P, indicators: [['汽油抽检批次', '数量指标', '≥700批次']] }],
    `fallback: ops@iw.test\nprojects:\n  ${P}: [team@iw.test]\n`,
  );
  app = await world.start(clock, { pollMs: 100 }, { IW_GROUP_WAIT: '1h' });
});

afterAll(async () => {
  await world?.teardown();
});

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

it('reads waiting notifications at most once, sees one another instance enqueued, and sends them when the wait is over', async () => {
  const outbox = new OutboxRepository(world.conn);
  const sender = app.get(OutboxRepository);
  const reads = jest.spyOn(sender, 'pendingHeads');
  const since = jest.spyOn(sender, 'pendingHeadsSince');

  await world.setProgress(indicatorId(P, '汽油抽检批次'), 'sum', { actual: 100 });
  const [first] = await waitFor(
    async () => {
      const docs = await outbox.find({ state: 'pending' });
      return docs.length === 1 ? docs : null;
    },
    { timeoutMs: 30_000, message: 'the notification waiting' },
  );
  // Let the sender take it in and settle: this process enqueued it, so it reached the sender's
  // copy directly. At most the sender's first full read (if it came after the spies) read
  // anything, and once more a pass whose stamp was read just before the enqueue landed (its
  // stamp then disagrees with the copy: what came since, then everything).
  await pause(1000);
  const settled = reads.mock.calls.length;
  const seen = since.mock.calls.length;
  expect(settled).toBeLessThanOrEqual(2);
  expect(seen).toBeLessThanOrEqual(1);
  // About 20 polls of 100 ms: none reads the unchanged set again.
  await pause(2000);
  expect(reads.mock.calls.length).toBe(settled);
  expect(since.mock.calls.length).toBe(seen);
  expect(world.mailsTo('team@iw.test')).toHaveLength(0);

  // Another instance's notification of the same alert, for someone else: no signal here.
  const mine = toNotification(first);
  expect(await outbox.enqueue([{ ...mine, key: `${mine.key}~other`, recipient: 'other@iw.test' }], new Date())).toBe(1);
  await waitFor(() => since.mock.calls.length > seen, { timeoutMs: 5_000, message: 'what came since read' });
  await pause(500);
  expect(reads.mock.calls.length).toBe(settled);

  // A third, seen by the sender, then muted behind its back: the count disagrees, so it reads everything.
  const before = since.mock.calls.length;
  expect(await outbox.enqueue([{ ...mine, key: `${mine.key}~gone`, recipient: 'gone@iw.test' }], new Date())).toBe(1);
  await waitFor(() => since.mock.calls.length > before, { timeoutMs: 5_000, message: 'the third seen' });
  await outbox.markMuted([{ key: `${mine.key}~gone`, reason: 'test' }]);
  await waitFor(() => reads.mock.calls.length > settled, { timeoutMs: 5_000, message: 'a full read' });

  clock.advance(WAIT);
  await waitFor(() => world.mailsTo('team@iw.test').length === 1 && world.mailsTo('other@iw.test').length === 1, {
    timeoutMs: 30_000,
    message: 'both mails once the group wait is over',
  });
  expect(world.mailsTo('gone@iw.test')).toHaveLength(0);
  expect(world.mailsTo('team@iw.test')[0].text).toContain('指标：汽油抽检批次');
});
