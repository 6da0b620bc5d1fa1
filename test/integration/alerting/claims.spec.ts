import {
  closeMongo,
  COLLECTIONS,
  connectMongo,
  LeaseRepository,
  OutboxRepository,
  prepareDatabase,
  type Connection,
} from '@iw/mongo';
import type { Notification } from '@iw/alerts';
import { dropTestDatabase, testMongoUrl } from '@iw/testing';

/**
 * The two claims of the alerting app on the real FerretDB, with contenders on connections of
 * their own racing for the same thing: the sender lease (take over = insert of the next term)
 * and the outbox (a claim per notification = insert under its key). FerretDB 1.24 does not
 * re-check an update's filter when it writes, so only an insert under a unique _id decides
 * such a race: each must have exactly one winner, every time.
 */

jest.setTimeout(120_000);

const CONTENDERS = 4;
const ROUNDS = 6;
const TTL = 10_000;
let url: string;
const conns: Connection[] = [];

beforeAll(async () => {
  url = testMongoUrl();
  for (let i = 0; i < CONTENDERS; i++) conns.push(await connectMongo(url, { maxPoolSize: 4 }));
  await prepareDatabase(conns[0]);
});

afterAll(async () => {
  for (const c of conns.splice(0)) await closeMongo(c);
  await dropTestDatabase(url);
});

it('concurrent take-overs of a free lease: exactly one winner per term, and no one takes a live lease', async () => {
  const leases = conns.map((c) => new LeaseRepository(c));
  let now = Date.parse('2026-01-01T00:00:00Z');
  const holders: string[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const won = await Promise.all(leases.map((l, i) => l.take('race', `c${i}`, TTL, now)));
    expect(won.filter(Boolean)).toHaveLength(1);
    const winner = `c${won.indexOf(true)}`;
    holders.push(winner);
    const cur = await leases[0].current('race');
    expect(cur).toMatchObject({ _id: `race#${round}`, term: round, holder: winner });

    // While it lives nobody takes it, and only its holder renews it.
    const later = now + TTL / 2;
    const others = leases.map((l, i) => ({ l, who: `c${i}` })).filter((c) => c.who !== winner);
    expect(await Promise.all(others.map((c) => c.l.take('race', c.who, TTL, later)))).toEqual([false, false, false]);
    const renewed = await Promise.all(leases.map((l, i) => l.renew('race', `c${i}`, TTL, later)));
    expect(renewed.map((r, i) => (r ? `c${i}` : null)).filter(Boolean)).toEqual([winner]);
    expect((await leases[0].get('race', later + TTL - 1))?.holder).toBe(winner);

    // Let it expire (every other round released instead): the next round races again.
    if (round % 2) now = later + TTL;
    else {
      await leases[Number(winner.slice(1))].release('race', winner);
      expect(await leases[0].get('race', later)).toBeNull();
      now = later;
    }
  }
  // Old terms are pruned: the collection stays a handful of documents.
  expect(await conns[0].db!.collection(COLLECTIONS.leases).countDocuments({ name: 'race' })).toBeLessThanOrEqual(2);
  console.log(`lease race: ${ROUNDS} rounds × ${CONTENDERS} contenders, one winner each: ${holders.join(' ')}`);
});

function notification(i: number): Notification {
  const alertId = `2019.claims.indicator-${i}`;
  return {
    key: `${alertId}|1|opened|owner${i % 3}@iw.test`,
    recipient: `owner${i % 3}@iw.test`,
    notice: { alertId, version: 1, kind: 'opened', at: '2019-06-15T04:00:00.000Z' } as Notification['notice'],
    createdAt: '2019-06-15T04:00:00.000Z',
  };
}

it('concurrent claims of the same notifications: each is won by exactly one sender, and a lost claim is adopted as its winner made it', async () => {
  const outboxes = conns.map((c) => new OutboxRepository(c));
  const all = Array.from({ length: 120 }, (_, i) => notification(i));
  expect(await outboxes[0].enqueue(all, new Date())).toBe(120);
  const keys = all.map((n) => n.key);

  // Every contender groups the same pending notifications its own way (different digests, a
  // different order) and claims them digest by digest, all at once.
  const at = new Date();
  const results = await Promise.all(
    outboxes.map(async (o, c) => {
      const rotated = [...keys.slice(c * 30), ...keys.slice(0, c * 30)];
      const digests = [];
      for (let i = 0; i < rotated.length; i += 10 + c)
        digests.push({ digestId: `d${c}-${i}`, messageId: `<d${c}-${i}@iw.test>`, keys: rotated.slice(i, i + 10 + c) });
      const parts = await Promise.all(digests.map((d) => o.claimDigests([d], at)));
      return { won: new Map(parts.flatMap((p) => [...p.won.entries()])), lost: parts.flatMap((p) => p.lost) };
    }),
  );
  const winners = new Map<string, number>();
  results.forEach((r) => {
    for (const won of r.won.values()) for (const key of won) winners.set(key, (winners.get(key) ?? 0) + 1);
    expect(r.lost.length + [...r.won.values()].flat().length).toBe(keys.length);
  });
  expect([...winners.keys()].sort()).toEqual([...keys].sort());
  expect([...winners.values()].every((n) => n === 1)).toBe(true);
  const contendersThatWon = results.filter((r) => r.won.size > 0).length;
  console.log(
    `outbox race: ${keys.length} notifications × ${CONTENDERS} claimers; ${contendersThatWon} claimer(s) won some, each notification exactly once`,
  );

  // A claim whose sender never recorded an outcome (a crash) is adopted with the winner's
  // digest and Message-ID, due ADOPT_AFTER_MS after the claim.
  const lost = results[0].lost;
  expect(lost.length + [...results[0].won.values()].flat().length).toBe(keys.length);
  const adoptable = lost.length ? lost : keys.filter((k) => ![...results[0].won.values()].flat().includes(k));
  const adopted = await outboxes[0].adoptClaims(adoptable, new Date(at.getTime() + 1));
  expect(adopted).toBe(adoptable.length);
  const docs = await outboxes[0].find({});
  for (const d of docs.filter((x) => adoptable.includes(x._id))) {
    const c = results.findIndex((r) => [...r.won.values()].some((ks) => ks.includes(d._id)));
    const digest = [...results[c].won.entries()].find(([, ks]) => ks.includes(d._id))![0];
    expect({ state: d.state, digestId: d.digestId, messageId: d.messageId }).toEqual({
      state: 'claimed',
      digestId: digest,
      messageId: `<${digest}@iw.test>`,
    });
    expect(d.nextAttemptAt!.getTime()).toBe(at.getTime() + 60_000);
  }
});
