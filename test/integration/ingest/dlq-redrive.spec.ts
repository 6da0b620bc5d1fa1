import type { TopicRole } from '@iw/config';
import { memoryIo, runCli } from '@iw/cli';
import { REDRIVE_HEADER } from '@iw/events';
import { COLLECTIONS, connectMongo, dlqOf, dlqRedrivesOf, progressOf, type Connection, type DlqDoc } from '@iw/mongo';
import {
  createTestTopics,
  deleteTestTopics,
  dropTestDatabase,
  ensureBuilt,
  testMongoUrl,
  testTopicPrefix,
  uniqueId,
  waitFor,
  type AppProcess,
} from '@iw/testing';
import { consumeExactly, text, withEnv } from '../simulator/consume';
import { groupId, importSeed, publish, startIngest, UNIT, waitForDrain } from './harness';

/**
 * `iw dlq list|show|redrive` on the real broker and server, with the real ingest app: a
 * future-dated event is rejected, the clock catches up, a redrive republishes it once and it
 * counts once; a second redrive of it is refused; a record still wrong when republished is
 * rejected again as a new record naming the one it came from.
 */
jest.setTimeout(300_000);

const prefix = testTopicPrefix();
const mongoUrl = testMongoUrl();
const group = groupId();
// The clock: 1 July 2019 10:00 at 600× real time, pinned to a real instant shared with ingest.
const SIM_START = Date.parse('2019-07-01T10:00:00+08:00');
const SPEED = 600;
const REAL_START = Date.now();
const simNow = () => SIM_START + (Date.now() - REAL_START) * SPEED;
let topics: Record<TopicRole, string>;
let conn: Connection;
let ingest: AppProcess | undefined;
let restoreEnv: () => void;

beforeAll(async () => {
  ensureBuilt();
  topics = await createTestTopics(prefix, 2);
  await importSeed(mongoUrl);
  conn = await connectMongo(mongoUrl);
  ingest = startIngest({
    MONGO_URL: mongoUrl,
    KAFKA_TOPIC_PREFIX: prefix,
    IW_INGEST_GROUP: group,
    IW_CLOCK: `sim:2019-07-01T10:00:00+08:00@${SPEED}~${REAL_START}`,
  });
  await ingest.waitForOutput(/successfully started/, 90_000);
  restoreEnv = withEnv({ MONGO_URL: mongoUrl, KAFKA_TOPIC_PREFIX: prefix });
});

afterAll(async () => {
  restoreEnv?.();
  await ingest?.stop('SIGTERM', 10_000);
  await conn?.close();
  await deleteTestTopics(prefix);
  await dropTestDatabase(mongoUrl);
});

const actualsTopics = () => [topics.inspectionBatches, topics.spending];

async function iw(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['node', 'iw', ...args], io);
  return { code, out: io.stdout(), err: io.stderr() };
}

const local = (ms: number) => new Date(ms + 8 * 3600_000).toISOString().replace('Z', '+08:00');
const gasoline = async () => (await progressOf(conn).findOne({ _id: UNIT.gasoline }))?.actual ?? 0;

it('republishes a fixed record once, counts it once, refuses a second redrive, and links a record rejected again', async () => {
  const run = uniqueId('redrive');
  // Two hours ahead of the clock (the allowance is 5 minutes): future_event today, countable in 12 s.
  const dueAt = simNow() + 2 * 3600_000;
  const future = {
    eventId: `${run}-future`,
    occurredAt: local(dueAt),
    source: 'lab7',
    schemaVersion: 1,
    category: '汽油',
    batches: 7,
  };
  const stranger = {
    eventId: `${run}-stranger`,
    occurredAt: local(simNow() - 3600_000),
    source: 'finance',
    schemaVersion: 1,
    projectName: '不存在的项目',
    amountYuan: 100,
  };
  const before = await gasoline();
  await publish(
    topics,
    [],
    [
      { role: 'inspectionBatches', key: '汽油', value: JSON.stringify(future) },
      { role: 'spending', key: '不存在的项目', value: JSON.stringify(stranger) },
    ],
  );
  await waitForDrain(group, actualsTopics());
  expect(await gasoline()).toBe(before);

  // list: both, newest first, with their reasons; --reason narrows; --json is parseable.
  const listed = await iw('dlq', 'list', '--json');
  expect(listed.code).toBe(0);
  const items = (JSON.parse(listed.out) as { total: number; items: DlqDoc[] }).items;
  expect(items.map((d) => d.reasonClass).sort()).toEqual(['future_event', 'unknown_project']);
  const futureId = items.find((d) => d.reasonClass === 'future_event')!._id;
  const strangerId = items.find((d) => d.reasonClass === 'unknown_project')!._id;
  expect(futureId).toMatch(new RegExp(`^${topics.inspectionBatches}:\\d:\\d+$`));
  const byReason = await iw('dlq', 'list', '--reason', 'future_event');
  expect(byReason.out).toContain(futureId);
  expect(byReason.out).not.toContain(strangerId);
  expect(byReason.out).toMatch(/1–1 of 1 records/);

  // show: the message as kept, and never redriven.
  const shown = await iw('dlq', 'show', futureId);
  expect(shown.code).toBe(0);
  expect(shown.out).toContain(`${run}-future`);
  expect(shown.out).toMatch(/reason +future_event/);
  expect(shown.out).toMatch(/redrive +never/);
  expect((await iw('dlq', 'show', `${topics.inspectionBatches}:0:999999`)).code).toBe(1);

  // The clock passes the event's time (plus a margin); then two redrives at once: one republishes.
  await waitFor(() => simNow() > dueAt + 30 * 60_000, { timeoutMs: 60_000, intervalMs: 500 });
  const both = await Promise.all([iw('dlq', 'redrive', '--ids', futureId), iw('dlq', 'replay', '--ids', futureId)]);
  expect(both.map((r) => r.code).sort()).toEqual([0, 1]);
  const winner = both.find((r) => r.code === 0)!;
  const loser = both.find((r) => r.code === 1)!;
  expect(winner.out).toMatch(/republished 1 of 1 selected record/);
  expect(loser.err).toMatch(/refused 1 of the named record/);

  await waitForDrain(group, actualsTopics());
  await waitFor(async () => (await gasoline()) === before + 7, { timeoutMs: 30_000 });
  const doc = await dlqOf(conn).findOne({ _id: futureId });
  expect(doc?.redrive).toMatchObject({ state: 'published', attempt: 1 });
  expect(await dlqRedrivesOf(conn).countDocuments({ dlqId: futureId })).toBe(1);

  // A second redrive is refused and republishes nothing.
  const again = await iw('dlq', 'redrive', '--ids', futureId);
  expect(again.code).toBe(1);
  expect(again.out).toMatch(/skipped \(already republished/);
  expect(again.out).toMatch(/republished 0 of 1 selected record/);
  expect(again.err).toMatch(/refused 1/);
  // By reason it is skipped too, without an error.
  const byReasonAgain = await iw('dlq', 'redrive', '--reason', 'future_event');
  expect(byReasonAgain.code).toBe(0);
  expect(byReasonAgain.out).toMatch(/republished 0 of 1 selected record\(s\); 1 skipped/);

  // The topic holds the original and exactly one republished copy, with the same key and bytes.
  const onTopic = await consumeExactly([topics.inspectionBatches], 2);
  expect(onTopic).toHaveLength(2);
  const copies = onTopic.filter((m) => m.headers[REDRIVE_HEADER] === futureId);
  expect(copies).toHaveLength(1);
  expect(text(copies[0].key)).toBe('汽油');
  expect(JSON.parse(text(copies[0].value))).toEqual(future);
  await waitForDrain(group, actualsTopics());
  expect(await gasoline()).toBe(before + 7);

  // Still wrong when republished: rejected again, as a new record that names the first.
  const strangerAgain = await iw('dlq', 'redrive', '--reason', 'unknown_project');
  expect(strangerAgain.code).toBe(0);
  expect(strangerAgain.out).toMatch(/republished 1 of 1 selected record/);
  await waitForDrain(group, actualsTopics());
  await waitFor(async () => (await dlqOf(conn).countDocuments({ redriveOf: strangerId })) === 1, { timeoutMs: 30_000 });
  const second = await dlqOf(conn).findOne({ redriveOf: strangerId });
  expect(second).toMatchObject({ reasonClass: 'unknown_project', key: '不存在的项目' });
  expect(second?._id).not.toBe(strangerId);
  expect(second?.redrive).toBeUndefined();

  // list --state: what was republished, and what is still pending.
  const redriven = JSON.parse((await iw('dlq', 'list', '--state', 'redriven', '--json')).out) as { items: DlqDoc[] };
  expect(redriven.items.map((d) => d._id).sort()).toEqual([futureId, strangerId].sort());
  const pending = JSON.parse((await iw('dlq', 'list', '--state', 'pending', '--json')).out) as { items: DlqDoc[] };
  expect(pending.items.map((d) => d._id)).toEqual([second!._id]);

  // Each run that republished is one entry in the audit log; refused and skipped runs none.
  const audit = await conn.db!.collection(COLLECTIONS.audit).find({ action: 'dlq_redrive' }).sort({ _id: 1 }).toArray();
  expect(audit.map((e) => [e.target, (e.after as { republished: string[] }).republished])).toEqual([
    [futureId, [futureId]],
    ['reason=unknown_project', [strangerId]],
  ]);
  expect(audit.every((e) => e.role === 'cli' && typeof e.actor === 'string' && e.actor.startsWith('cli'))).toBe(true);
});

it('refuses a redrive without a selection, and a selection it cannot read', async () => {
  const none = await iw('dlq', 'redrive');
  expect(none.code).toBe(2);
  expect(none.err).toMatch(/--reason <class> or --ids/);
  const bad = await iw('dlq', 'redrive', '--reason', 'bogus');
  expect(bad.code).toBe(2);
  expect(bad.err).toMatch(/unknown reason "bogus"/);
  const unknown = await iw('dlq', 'redrive', '--ids', `${topics.spending}:1:424242`);
  expect(unknown.code).toBe(1);
  expect(unknown.out).toMatch(/no such record/);
});
