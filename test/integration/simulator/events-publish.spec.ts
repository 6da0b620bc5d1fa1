import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { memoryIo, runCli } from '@iw/cli';
import { createTestTopics, deleteTestTopics, testTopicPrefix } from '@iw/testing';
import { consumeExactly, text, withEnv } from './consume';

/** `iw events publish` against the real broker: valid lines published with the contract's keys, bad ones reported by line. */

jest.setTimeout(120_000);

const prefix = testTopicPrefix();
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iw-publish-'));
let restoreEnv: () => void;

beforeAll(async () => {
  await createTestTopics(prefix, 3);
  restoreEnv = withEnv({ KAFKA_TOPIC_PREFIX: prefix });
});

afterAll(async () => {
  restoreEnv();
  await deleteTestTopics(prefix);
  fs.rmSync(dir, { recursive: true, force: true });
});

const envelope = (id: string, at: string) => ({
  eventId: id,
  occurredAt: at,
  source: 'cms',
  schemaVersion: 1 as const,
});

it('publishes the valid lines, keyed by caseId and in order, and names the bad lines', async () => {
  const events = [
    { ...envelope('c1-o', '2019-05-06T09:00:00+08:00'), caseId: '2019-000871', action: 'opened', category: '食品' },
    { ...envelope('c2-o', '2019-05-06T09:30:00+08:00'), caseId: '2019-000872', action: 'opened', category: '价格' },
    { ...envelope('c1-c', '2019-05-06T16:02:11+08:00'), caseId: '2019-000871', action: 'closed', category: '食品' },
    { ...envelope('c2-c', '2019-05-07T10:00:00+08:00'), caseId: '2019-000872', action: 'closed', category: '价格' },
  ];
  const lines = [
    JSON.stringify(events[0]), // 1
    JSON.stringify(events[1]), // 2
    '{"eventId":"broken",', // 3: not JSON
    JSON.stringify(events[2]), // 4
    JSON.stringify({ ...events[3], action: 'reopened' }), // 5: schema
    '', // 6: blank, skipped
    JSON.stringify(events[3]), // 7
  ];
  const file = path.join(dir, 'cases.jsonl');
  fs.writeFileSync(file, lines.join('\n') + '\n');

  const io = memoryIo();
  const code = await runCli(['node', 'iw', 'events', 'publish', 'actuals.cases', file], io);

  expect(code).toBe(1);
  expect(io.stderr()).toContain(`${file}:3: not JSON`);
  expect(io.stderr()).toContain(`${file}:5: schema: action`);
  expect(io.stderr()).not.toMatch(/:[1247]: /);
  expect(io.stdout()).toBe(`4 of 6 events published to ${prefix}actuals.cases; 2 bad line(s) skipped\n`);

  const got = await consumeExactly([`${prefix}actuals.cases`], 4);
  expect(got).toHaveLength(4);
  for (const m of got) expect(text(m.key)).toBe(JSON.parse(text(m.value)).caseId);
  const order = (caseId: string) =>
    got.filter((m) => text(m.key) === caseId).map((m) => JSON.parse(text(m.value)).eventId);
  expect(order('2019-000871')).toEqual(['c1-o', 'c1-c']);
  expect(order('2019-000872')).toEqual(['c2-o', 'c2-c']);
  expect(got.map((m) => JSON.parse(text(m.value)))).toEqual(expect.arrayContaining(events));
});

it('takes the topic by role and reads stdin-like files of one line', async () => {
  const file = path.join(dir, 'one.jsonl');
  const event = {
    ...envelope('b-1', '2019-04-12T10:30:00+08:00'),
    category: '汽油',
    batches: 12,
    qualifiedBatches: 11,
    region: '喀什地区',
    costYuan: 33600,
  };
  fs.writeFileSync(file, JSON.stringify(event));
  const io = memoryIo();
  expect(await runCli(['node', 'iw', 'events', 'publish', 'inspectionBatches', file], io)).toBe(0);
  expect(io.stdout()).toBe(`1 of 1 events published to ${prefix}actuals.inspection-batches\n`);
  const [m] = await consumeExactly([`${prefix}actuals.inspection-batches`], 1);
  expect(text(m.key)).toBe('汽油');
  expect(JSON.parse(text(m.value))).toEqual(event);
});

describe('ActualsPublisher (the typed producer for upstream systems)', () => {
  it('publishes valid events keyed by the contract, and refuses a batch with an invalid one before sending anything', async () => {
    const { ActualsPublisher, InvalidEventsError } = await import('@iw/events-producer');
    const { loadConfig } = await import('@iw/config');
    const config = loadConfig();
    const publisher = ActualsPublisher.create({ kafka: config.kafka, topics: config.kafka.topics });
    await publisher.connect();
    try {
      const spend = (id: string, amountYuan: number) => ({
        ...envelope(id, '2019-03-15T11:00:00+08:00'),
        projectName: '信息化新建、软硬件维保、电路租用项目',
        amountYuan,
        item: '线路租用',
      });
      await expect(publisher.publish('spending', [spend('f-1', 668000), spend('f-bad', -5)])).rejects.toThrow(
        InvalidEventsError,
      );
      await expect(publisher.publish('spending', [spend('f-bad', -5)])).rejects.toThrow(/#0: negative_count/);
      await publisher.publish('spending', [spend('f-2', 1000), spend('f-3', 2000)]);
      const got = await consumeExactly([`${prefix}actuals.spending`], 2);
      expect(got.map((m) => JSON.parse(text(m.value)).eventId).sort()).toEqual(['f-2', 'f-3']); // f-1 went with its bad batch
      expect(new Set(got.map((m) => text(m.key)))).toEqual(new Set(['信息化新建软硬件维保电路租用项目']));
    } finally {
      await publisher.close();
    }
  });
});
