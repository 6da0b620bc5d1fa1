import {
  closeMongo,
  COLLECTIONS,
  connectMongo,
  headOf,
  OutboxRepository,
  prepareDatabase,
  type Connection,
  type KeepHead,
  type OutboxDoc,
  type OutboxHead,
} from '@iw/mongo';
import type { Notification } from '@iw/alerts';
import { alertUnit, evaluation, T0 } from '../../../libs/alerts/test/fixtures';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';
import { PendingMirror } from '../../../apps/alerting/src/services/pending-mirror';

/**
 * What a sender pass reads first, on the real FerretDB: `sendQueue` (one read) gives the pending
 * stamp, the claimed digests due and the next retry (once four scans), and what this process
 * enqueues reaches the sender's copy of the pending notifications without a read back.
 */

jest.setTimeout(120_000);

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

function notification(tag: string, i: number): Notification {
  const alertId = `2019.queue.${tag}-${i}`;
  return {
    key: `${alertId}|1|opened|owner${i}@iw.test`,
    recipient: `owner${i}@iw.test`,
    notice: {
      alertId,
      version: 1,
      kind: 'opened',
      at: '2019-06-15T04:00:00.000Z',
      severity: 'at_risk',
      unit: alertUnit({ id: alertId, indicatorId: alertId }),
      evaluation: evaluation('at_risk'),
    },
    createdAt: '2019-06-15T04:00:00.000Z',
  };
}

/** An OutboxRepository on the real database that counts its reads of pending notifications. */
class CountingOutbox extends OutboxRepository {
  reads = 0;
  override async pendingHeads(keep?: KeepHead): Promise<OutboxHead[]> {
    this.reads++;
    return super.pendingHeads(keep);
  }
  override async pendingHeadsSince(since: Date, keep?: KeepHead): Promise<OutboxHead[]> {
    this.reads++;
    return super.pendingHeadsSince(since, keep);
  }
}

it('sendQueue: the pending stamp, the claimed digests due and the next retry', async () => {
  const outbox = new OutboxRepository(conn);
  const base = Date.parse('2026-12-06T05:00:00Z');
  const all = Array.from({ length: 8 }, (_, i) => notification('q', i));
  for (const [i, n] of all.entries()) expect(await outbox.enqueue([n], new Date(base + i * 1000))).toBe(1);
  const key = (i: number) => all[i].key;
  const claim = async (digestId: string, keys: string[], at: number) => {
    await outbox.claimDigests([{ digestId, messageId: `<${digestId}@iw.test>`, keys }], new Date(at));
    return { digestId, messageId: `<${digestId}@iw.test>`, keys, claimedAt: new Date(at) };
  };
  // 0, 1: a digest sent; 2: claimed, due again (a crash before its outcome); 3, 4: one digest
  // whose send failed, retried later; 5, 6, 7 stay pending.
  await outbox.recordOutcomes([
    {
      ...(await claim('sent', [key(0), key(1)], base)),
      sent: { at: new Date(base), domainAt: '2019-06-15T04:00:00.000Z', response: '250 OK' },
    },
    await claim('crashed', [key(2)], base),
    {
      ...(await claim('failed', [key(3), key(4)], base)),
      failure: { attempts: 1, nextAttemptAt: new Date(base + 60_000), error: '451', permanent: false },
    },
  ]);

  const now = new Date(base + 30_000);
  const queue = await outbox.sendQueue(now);
  // 5, 6, 7 pending, 7 the latest enqueued.
  expect(queue.stamp).toEqual({ count: 3, key: `3:${base + 7000}:${key(7)}` });
  expect(queue.dueClaimed.map((d) => [d.digestId, d.messageId, d.docs.map((x) => x._id)])).toEqual([
    ['crashed', '<crashed@iw.test>', [key(2)]],
  ]);
  expect(queue.nextAttemptAt).toEqual(new Date(base + 60_000));
  // Later both claimed digests are due, and none is due after them.
  const later = await outbox.sendQueue(new Date(base + 60_000));
  expect(later.dueClaimed.map((d) => d.digestId).sort()).toEqual(['crashed', 'failed']);
  expect(later.nextAttemptAt).toBeNull();
});

it('what this process enqueues reaches the pending mirror without a read back; a replayed key and what the sender took out do not', async () => {
  const outbox = new CountingOutbox(conn);
  let realNow = Date.parse('2026-12-06T06:00:00Z');
  const mirror = new PendingMirror(outbox, () => realNow);
  const told: string[][] = [];
  const toldDocs: OutboxDoc[] = [];
  outbox.onEnqueued((docs) => {
    told.push(docs.map((d) => d._id));
    toldDocs.push(...docs);
    mirror.enqueued(docs);
  });
  const pendingKeys = async () => (await new OutboxRepository(conn).pendingHeads()).map((d) => d.key).sort();

  // The first look reads in full.
  const first = await mirror.current((await outbox.sendQueue(new Date(realNow))).stamp);
  expect(outbox.reads).toBe(1);
  expect(first.map((d) => d.key).sort()).toEqual(await pendingKeys());
  outbox.reads = 0;

  const fresh = Array.from({ length: 5 }, (_, i) => notification('m', i));
  expect(await outbox.enqueue(fresh, new Date(realNow))).toBe(5);
  // A replay: two keys already in the outbox, one new.
  const again = [fresh[0], fresh[1], notification('m', 5)];
  expect(await outbox.enqueue(again, new Date(realNow + 1))).toBe(1);
  expect(told).toEqual([fresh.map((n) => n.key), [notification('m', 5).key]]);

  realNow += 1000;
  const seen = await mirror.current((await outbox.sendQueue(new Date(realNow))).stamp);
  expect(outbox.reads).toBe(0);
  const expected = await pendingKeys();
  outbox.reads = 0;
  expect(seen.map((d) => d.key).sort()).toEqual(expected);
  expect(expected).toEqual(expect.arrayContaining([...fresh.map((n) => n.key), notification('m', 5).key]));

  // Taken out by the sender (claimed and sent): a late word of its enqueue does not bring it back.
  const taken = fresh[2].key;
  await outbox.claimDigests([{ digestId: 'took', messageId: '<took@iw.test>', keys: [taken] }], new Date(realNow));
  await outbox.recordOutcomes([
    {
      digestId: 'took',
      messageId: '<took@iw.test>',
      keys: [taken],
      claimedAt: new Date(realNow),
      sent: { at: new Date(realNow), domainAt: '2019-06-15T04:00:00.000Z', response: '250 OK' },
    },
  ]);
  mirror.remove([taken]);
  mirror.enqueued(toldDocs.filter((d) => d._id === taken));
  const after = await mirror.current((await outbox.sendQueue(new Date(realNow))).stamp);
  expect(outbox.reads).toBe(0);
  expect(after.map((d) => d.key)).not.toContain(taken);
  expect(after.map((d) => d.key).sort()).toEqual(await pendingKeys());

  // Enqueued by someone else (another instance: not told): the stamp differs, and it is read.
  outbox.reads = 0;
  const elsewhere = new OutboxRepository(conn);
  expect(await elsewhere.enqueue([notification('other', 0)], new Date(realNow + 2))).toBe(1);
  const withOther = await mirror.current((await outbox.sendQueue(new Date(realNow))).stamp);
  expect(outbox.reads).toBeGreaterThan(0);
  expect(withOther.map((d) => d.key)).toContain(notification('other', 0).key);
  expect(withOther.map((d) => d.key).sort()).toEqual(await pendingKeys());
});

/** A whole notification, as the evaluation enqueues it (every field of the notice filled in). */
function whole(i: number): Notification {
  const unit = alertUnit({
    id: `head.${i}`,
    indicatorId: `head.${i}`,
    indicatorName: `指标${i}`,
    agency: '省市场监管局',
  });
  const at = new Date(T0 + i).toISOString();
  const notice = { kind: 'opened' as const, alertId: unit.id, version: 2, at, severity: 'at_risk' as const, unit };
  return {
    key: `head.${i}|opened|v2|h@iw.test`,
    recipient: 'h@iw.test',
    notice: { ...notice, evaluation: evaluation('at_risk', { reason: `进度落后 ${i}` }) },
    createdAt: at,
  };
}

it('the pending mirror keeps heads of what it reads, and what this process enqueued whole until taken out', async () => {
  const outbox = new OutboxRepository(conn);
  const realNow = Date.parse('2026-12-07T06:00:00Z');
  const mirror = new PendingMirror(outbox, () => realNow);
  outbox.onEnqueued((docs) => mirror.enqueued(docs));
  const earlier = whole(1);
  await outbox.enqueue([earlier], new Date(realNow)); // before the mirror's first read: not kept whole

  const heads = await mirror.current((await outbox.sendQueue(new Date(realNow))).stamp);
  const head = heads.find((d) => d.key === earlier.key)!;
  // Only what due, mute and group read: the policy's match (agency, project), status, order.
  expect(head.notice).toEqual({
    kind: 'opened',
    alertId: 'head.1',
    version: 2,
    at: earlier.notice.at,
    severity: 'at_risk',
    unit: {
      projectId: earlier.notice.unit.projectId,
      projectName: earlier.notice.unit.projectName,
      agency: '省市场监管局',
    },
    evaluation: { status: 'at_risk' },
  });
  expect(Object.keys(head).sort()).toEqual(
    ['attempts', 'createdAt', 'enqueuedAt', 'key', 'notice', 'recipient', 'state'].sort(),
  );
  // The read's projection and a copy of the whole document agree.
  const stored = (await outbox.byKeys([earlier.key])).get(earlier.key)!;
  expect(stored.notice).toEqual(earlier.notice);
  expect(head).toEqual(headOf(stored));
  expect(mirror.whole([earlier.key]).size).toBe(0);

  // Enqueued by this process after the read: its head in the copy, the whole notification kept for the mail.
  const later = whole(2);
  await outbox.enqueue([later], new Date(realNow + 1));
  expect(mirror.known()!.find((d) => d.key === later.key)!.notice.evaluation).toEqual({ status: 'at_risk' });
  expect(mirror.whole([earlier.key, later.key]).get(later.key)?.notice).toEqual(later.notice);
  expect([...mirror.whole([earlier.key, later.key]).keys()]).toEqual([later.key]);
  mirror.remove([later.key]);
  expect(mirror.whole([later.key]).size).toBe(0);
  expect(mirror.known()!.map((d) => d.key)).not.toContain(later.key);
});

it('an accepted mail is recorded by an insert, read as sent at once, left out of the send queue and marked on the outbox later', async () => {
  const outbox = new OutboxRepository(conn);
  const sentCol = conn.db!.collection(COLLECTIONS.outboxSent);
  const base = Date.parse('2026-12-06T07:00:00Z');
  await outbox.settleSent(); // what the tests above accepted
  const [a, b] = [notification('accepted', 0), notification('accepted', 1)];
  expect(await outbox.enqueue([a, b], new Date(base))).toBe(2);
  const keys = [a.key, b.key];
  await outbox.claimDigests([{ digestId: 'accepted', messageId: '<accepted@iw.test>', keys }], new Date(base));
  const outcome = {
    digestId: 'accepted',
    messageId: '<accepted@iw.test>',
    keys,
    claimedAt: new Date(base),
    sent: { at: new Date(base + 5), domainAt: '2019-06-15T05:00:00.000Z', response: '250 OK queued' },
  };
  await outbox.recordOutcomes([outcome]);
  // Recorded twice (a retried write): the same mail, no error.
  await outbox.recordOutcomes([outcome]);
  expect(await sentCol.countDocuments({ _id: { $in: keys } } as never)).toBe(2);

  // Not marked yet, but read by key (a follow-up's thread) as sent, under its Message-ID.
  expect((await outbox.find({ alertId: a.notice.alertId })).map((d) => d.state)).toEqual(['pending']);
  const byKey = await outbox.byKeys(keys);
  expect(keys.map((k) => [byKey.get(k)?.state, byKey.get(k)?.messageId])).toEqual([
    ['sent', '<accepted@iw.test>'],
    ['sent', '<accepted@iw.test>'],
  ]);

  // Left out of what the sender reads as pending, until marked.
  const queue = await outbox.sendQueue(new Date(base + 10));
  expect(queue.unmarked).toBe(2);
  expect(queue.dueClaimed.flatMap((d) => d.docs.map((x) => x._id))).not.toContain(a.key);
  for (const read of [await outbox.pendingHeads(), await outbox.pendingHeadsSince(new Date(base))])
    for (const key of keys) expect(read.map((d) => d.key)).not.toContain(key);

  // Marked (a pass that sent nothing): as a mail recorded sent always was; outbox_sent emptied.
  expect(await outbox.settleSent()).toBe(2);
  const marked = await outbox.find({ alertId: b.notice.alertId });
  expect(marked.map((d) => [d.state, d.digestId, d.messageId, d.sentAt, d.sentDomainAt, d.response])).toEqual([
    ['sent', 'accepted', '<accepted@iw.test>', new Date(base + 5), '2019-06-15T05:00:00.000Z', '250 OK queued'],
  ]);
  expect(await sentCol.countDocuments({})).toBe(0);
  expect(await outbox.settleSent()).toBe(0);
  expect((await outbox.sendQueue(new Date(base + 20))).unmarked).toBe(0);
  expect((await outbox.lastSent([b.recipient])).get(b.recipient)).toBe(Date.parse('2019-06-15T05:00:00.000Z'));
});
