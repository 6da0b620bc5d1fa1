import { contentHash } from '@iw/events';
import {
  closeMongo,
  collection,
  collectionSizes,
  COLLECTIONS,
  connectMongo,
  EventIdRepository,
  prepareDatabase,
  pruneAlerting,
  pruneIngest,
  pruneLog,
  type Connection,
} from '@iw/mongo';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';

/**
 * Bounded growth on the real server: each kind of record goes after its retention, by the
 * store's wall-clock stamps, and what is still needed stays (each topic's newest event-id
 * segment, versions that hold a state, notifications not yet delivered).
 */
jest.setTimeout(120_000);

const DAY = 86_400_000;
const NOW = Date.now();
const ago = (days: number) => new Date(NOW - days * DAY);
let url: string;
let conn: Connection;

beforeAll(async () => {
  url = testMongoUrl();
  conn = await connectMongo(url);
  await prepareDatabase(conn);
});

afterAll(async () => {
  await closeMongo(conn);
  await dropTestDatabase(url);
});

const ids = async (name: string) =>
  (
    await collection<{ _id: string }>(conn, name)
      .find({}, { projection: { _id: 1 } })
      .toArray()
  )
    .map((d) => d._id)
    .sort();

it('ingest: event ids, stateless progress versions and DLQ records past their retention go; the rest stays', async () => {
  const eventIds = new EventIdRepository(conn);
  const sighting = (eventId: string, offset: number) => {
    const text = `{"eventId":"${eventId}"}`;
    return { eventId, partition: 0, offset, hash: contentHash(Buffer.from(text)), text };
  };
  await eventIds.claim('cases', [sighting('old-1', 0)], ago(10));
  await eventIds.claim('cases', [sighting('old-2', 1)], ago(9));
  await eventIds.claim('cases', [sighting('new-1', 2)], ago(1));
  await eventIds.claim('surveys', [sighting('lonely', 0)], ago(30)); // the newest of its topic

  const versions = collection(conn, COLLECTIONS.progressVersions);
  await versions.insertMany([
    { _id: 'u@1', unit: 'u', version: 1, at: ago(10) },
    { _id: 'u@2', unit: 'u', version: 2, at: ago(1) },
    { _id: 'u@3', unit: 'u', version: 3, state: { version: 3 }, at: ago(10) },
  ] as never[]);
  const dlq = collection(conn, COLLECTIONS.dlq);
  await dlq.insertMany([
    { _id: 't:0:1', storedAt: ago(100), at: new Date('2019-01-02T00:00:00Z') },
    { _id: 't:0:2', storedAt: ago(10), at: new Date('2019-01-02T00:00:00Z') },
    { _id: 't:0:3', at: ago(100) }, // stored before storedAt existed
  ] as never[]);
  // Redrive claims go with their records: a claim is younger than its record.
  await collection(conn, COLLECTIONS.dlqRedrives).insertMany([
    { _id: 't:0:1#1', dlqId: 't:0:1', attempt: 1, state: 'published', at: ago(95), by: 'ops' },
    { _id: 't:0:2#1', dlqId: 't:0:2', attempt: 1, state: 'published', at: ago(5), by: 'ops' },
  ] as never[]);

  const pruned = await pruneIngest(
    conn,
    eventIds,
    { eventIdsMs: 7 * DAY, progressVersionsMs: 7 * DAY, dlqMs: 90 * DAY },
    NOW,
  );
  expect(pruned).toEqual({
    [COLLECTIONS.eventIds]: 2,
    [COLLECTIONS.progressVersions]: 1,
    [COLLECTIONS.dlq]: 2,
    [COLLECTIONS.dlqRedrives]: 1,
  });
  expect(await ids(COLLECTIONS.eventIds)).toEqual(['cases#3', 'surveys#1']);
  expect(await collection(conn, COLLECTIONS.eventTexts).countDocuments()).toBe(2);
  expect(await ids(COLLECTIONS.progressVersions)).toEqual(['u@2', 'u@3']);
  expect(await ids(COLLECTIONS.dlq)).toEqual(['t:0:2']);
  expect(await ids(COLLECTIONS.dlqRedrives)).toEqual(['t:0:2#1']);

  // Past the horizon an id counts again; within it, it is still a duplicate — in this process and a fresh one.
  expect(
    (await eventIds.claim('cases', [sighting('old-1', 7), sighting('new-1', 8)], new Date())).map((v) => v.kind),
  ).toEqual(['first', 'duplicate']);
  expect((await new EventIdRepository(conn).claim('surveys', [sighting('lonely', 3)], new Date()))[0].kind).toBe(
    'duplicate',
  );
});

it('corrections in the event-id log: decided once, remembered across processes; past the horizon too old', async () => {
  const log = 'spending';
  const sighting = (eventId: string, offset: number, corrects?: string) => {
    const text = JSON.stringify({ eventId, ...(corrects ? { corrects } : {}) });
    return {
      eventId,
      partition: 0,
      offset,
      hash: contentHash(Buffer.from(text)),
      text,
      ...(corrects ? { corrects } : {}),
    };
  };
  const kinds = (vs: Array<{ kind: string; reason?: string }>) => vs.map((v) => v.reason ?? v.kind);
  const eventIds = new EventIdRepository(conn);
  await eventIds.claim(log, [sighting('x', 0)], ago(10));
  await eventIds.claim(log, [sighting('y', 1)], ago(1));
  expect(
    kinds(
      await eventIds.claim(
        log,
        [sighting('c1', 2, 'y'), sighting('c2', 3, 'y'), sighting('nope-fix', 4, 'nope'), sighting('x-fix', 5, 'x')],
        new Date(),
      ),
    ),
  ).toEqual(['first', 'already_corrected', 'unknown_correction', 'first']);
  // The same correction delivered again is a redelivery; the corrected event's text is at hand.
  expect(kinds(await eventIds.claim(log, [sighting('c1', 2, 'y')], new Date()))).toEqual(['redelivery']);
  expect(await eventIds.textsById(log, ['y', 'nope'])).toEqual(
    new Map([
      ['y', '{"eventId":"y"}'],
      ['nope', null],
    ]),
  );

  // x goes past the horizon: a correction of it (x-fix's own correction aside) is too old; in a fresh process too.
  expect(await eventIds.prune(ago(7))).toBe(1);
  expect(kinds(await eventIds.claim(log, [sighting('x-fix-2', 6, 'x')], new Date()))).toEqual(['correction_too_old']);
  const fresh = new EventIdRepository(conn);
  expect(
    kinds(
      await fresh.claim(
        log,
        [sighting('x-fix-3', 7, 'x'), sighting('c3', 8, 'y'), sighting('c1-fix', 9, 'c1')],
        new Date(),
      ),
    ),
  ).toEqual(['correction_too_old', 'already_corrected', 'first']);
});

it('alerting: sent and muted notifications past their retention go with their claims; undelivered ones stay', async () => {
  const outbox = collection(conn, COLLECTIONS.outbox);
  await outbox.insertMany([
    { _id: 'sent-old', state: 'sent', enqueuedAt: ago(40) },
    { _id: 'muted-old', state: 'muted', enqueuedAt: ago(40) },
    { _id: 'sent-new', state: 'sent', enqueuedAt: ago(2) },
    { _id: 'pending-old', state: 'pending', enqueuedAt: ago(40) },
    { _id: 'claimed-old', state: 'claimed', enqueuedAt: ago(40) },
  ] as never[]);
  await collection(conn, COLLECTIONS.outboxClaims).insertMany([
    { _id: 'sent-old' },
    { _id: 'sent-new' },
    { _id: 'claimed-old' },
  ] as never[]);
  await collection(conn, COLLECTIONS.alertVersions).insertMany([
    { _id: 'a@1', unit: 'a', version: 1, at: ago(10) },
    { _id: 'a@2', unit: 'a', version: 2, state: { rev: 2 }, at: ago(10) },
  ] as never[]);
  await collection(conn, COLLECTIONS.evaluationVersions).insertMany([
    { _id: 'p@1', unit: 'p', version: 1, at: ago(10) },
    { _id: 'p@2', unit: 'p', version: 2, at: ago(1) },
    { _id: 'p@3', unit: 'p', version: 3, state: { rev: 3 }, at: ago(10) },
  ] as never[]);

  expect(await pruneAlerting(conn, { progressVersionsMs: 7 * DAY, outboxMs: 30 * DAY }, NOW)).toEqual({
    [COLLECTIONS.alertVersions]: 1,
    [COLLECTIONS.evaluationVersions]: 1,
    [COLLECTIONS.outbox]: 2,
  });
  expect(await ids(COLLECTIONS.evaluationVersions)).toEqual(['p@2', 'p@3']);
  expect(await ids(COLLECTIONS.outbox)).toEqual(['claimed-old', 'pending-old', 'sent-new']);
  expect(await ids(COLLECTIONS.outboxClaims)).toEqual(['claimed-old', 'sent-new']);
  expect(await ids(COLLECTIONS.alertVersions)).toEqual(['a@2']);
});

it('an append-only log goes by its own stamp; collection sizes are counted', async () => {
  const log = collection(conn, 'audit_test');
  await log.insertMany([{ at: ago(400) }, { at: ago(10) }] as never[]);
  expect(await pruneLog(conn, 'audit_test', 'at', ago(365))).toBe(1);
  const sizes = await collectionSizes(conn);
  expect(sizes).toMatchObject({ audit_test: 1, [COLLECTIONS.outbox]: 3, [COLLECTIONS.dlq]: 1 });
});
