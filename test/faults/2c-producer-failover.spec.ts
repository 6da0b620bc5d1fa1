import { KafkaAdmin, KafkaClient, KafkaProducer } from '@iw/kafka';
import { testKafkaConfig, uniqueId } from '@iw/testing';
import { consumeExactly } from '../integration/simulator/consume';
import { waitFor } from './support/apps';
import { DedicatedKafkaCluster } from './support/dedicated';
import { recordScenario, since } from './support/results';
import { quiet } from './support/stream';

/**
 * A send in flight when the leader of some of its partitions dies. The leader hangs first
 * (SIGSTOP: its request is on the wire, unanswered), loses its leadership to a follower, then
 * is SIGKILLed. kafkajs (2.2.4) retries the failed request, but skips every broker that answered
 * an earlier attempt — also for the partitions that moved to that broker — and resolves the
 * send: without a check of its own, the producer acknowledged messages no broker holds (what
 * scenario 2b saw, at random, when the leader died during one of the publisher's sends).
 * Every message acknowledged must be in the topic, exactly once.
 */
const PARTITIONS = 6;
const N = 600;

let cluster: DedicatedKafkaCluster;
let admin: KafkaAdmin | undefined;
let watcher: KafkaAdmin | undefined;
let producer: KafkaProducer | undefined;
let sending: Promise<void> | undefined;

beforeAll(async () => {
  cluster = await DedicatedKafkaCluster.create(uniqueId('failover'));
  await cluster.start();
  // testKafkaConfig (and consumeExactly) read the brokers from the environment: this file's copy.
  process.env.KAFKA_BROKERS = cluster.brokers;
  admin = new KafkaAdmin(new KafkaClient({ ...testKafkaConfig(), clientId: 'iw-faults-failover' }, quiet));
  await admin.connect();
});

afterAll(async () => {
  await sending?.catch(() => undefined);
  await producer?.disconnect().catch(() => undefined);
  await admin?.disconnect().catch(() => undefined);
  await watcher?.disconnect().catch(() => undefined);
  await cluster?.destroy();
});

it(`a leader that hangs mid-send, loses its leadership and dies: all ${N} messages acknowledged are in the topic`, async () => {
  const t0 = Date.now();
  const topic = `${uniqueId('t')}.failover`;
  await admin!.createTopics([{ topic, partitions: PARTITIONS }]);
  const placed = await waitFor(
    async () => {
      const parts = await admin!.partitions(topic);
      return parts.every((p) => p.isr.length === 3) ? parts : null;
    },
    { timeoutMs: 60_000, intervalMs: 250, message: 'every partition with three replicas in sync' },
  );
  // The victim leads some partitions, not all: the others' leaders answer the first attempt.
  const led = new Map<number, number[]>();
  for (const p of placed) led.set(p.leader, [...(led.get(p.leader) ?? []), p.partition]);
  const [victim, victimPartitions] = [...led].sort((a, b) => b[1].length - a[1].length)[0];
  expect(led.size).toBeGreaterThan(1);

  producer = new KafkaProducer(new KafkaClient({ ...testKafkaConfig(), clientId: 'iw-faults-failover' }, quiet));
  await producer.connect();
  // One message a partition first: the producer knows every leader and is connected to each.
  const warm = Array.from({ length: 60 }, (_, i) => ({ key: `warm-${i}`, value: `warm-${i}` }));
  await producer.send(topic, warm);

  // From here on the cluster is asked through the other two brokers only: a request that went
  // to the hung one would wait for its timeout (one run's metadata polls did, for 60 s).
  const survivors = cluster
    .nodes()
    .filter((n) => n.id !== victim)
    .map((n) => n.address);
  process.env.KAFKA_BROKERS = survivors.join(',');
  watcher = new KafkaAdmin(new KafkaClient({ ...testKafkaConfig(), clientId: 'iw-faults-failover-watch' }, quiet));
  await watcher.connect();

  const keys = Array.from({ length: N }, (_, i) => `k-${i}`);
  const pausedPid = cluster.pause(victim);
  sending = producer.send(
    topic,
    keys.map((key) => ({ key, value: key })),
  );
  // The victim is fenced once its heartbeats are missed; its followers lead its partitions.
  const moved = await waitFor(
    async () => {
      const parts = await watcher!.partitions(topic);
      return parts.every((p) => p.leader !== victim && p.leader >= 0) ? parts : null;
    },
    { timeoutMs: 60_000, intervalMs: 250, message: `new leaders for the partitions broker ${victim} led` },
  );
  const movedAt = Math.round(since(t0));
  cluster.kill(victim);
  let outcome = 'acknowledged';
  await Promise.race([
    sending.catch((e: Error) => void (outcome = `failed: ${e.message}`)),
    new Promise((r) => setTimeout(r, 120_000)).then(() => void (outcome = 'no answer within 120 s')),
  ]);

  const inTopic = await watcher.messageCount([topic]);
  const read = inTopic > 0 ? await consumeExactly([topic], inTopic, 120_000) : [];
  const seen = new Map<string, number>();
  for (const m of read) {
    const k = m.key?.toString('utf8') ?? '';
    seen.set(k, (seen.get(k) ?? 0) + 1);
  }
  const missing = keys.filter((k) => !seen.has(k));
  const twice = [...keys, ...warm.map((m) => m.key)].filter((k) => (seen.get(k) ?? 0) > 1);
  recordScenario({
    scenario: '2c. producer: leader hangs, moves, dies mid-send',
    published: N,
    expected: `${N + warm.length} messages`,
    observed: `${inTopic} messages`,
    lost: missing.length,
    doubled: twice.length,
    emailsExpected: null,
    emailsReceived: null,
    emailsDuplicated: null,
    notes: `3 brokers, ${PARTITIONS} partitions; broker ${victim} (pid ${pausedPid}, leader of partitions ${victimPartitions.join(',')}) SIGSTOPped mid-send, its partitions led by ${moved
      .filter((p) => victimPartitions.includes(p.partition))
      .map((p) => p.leader)
      .join(
        ',',
      )} by ${movedAt}s, then SIGKILLed; the send: ${outcome}; missing ${missing.length}${missing.length > 0 ? ` (e.g. ${missing.slice(0, 3).join(', ')})` : ''}, twice ${twice.length}${twice.length > 0 ? ` (e.g. ${twice.slice(0, 3).join(', ')})` : ''}`,
    seconds: since(t0),
  });
  expect(outcome).toBe('acknowledged');
  expect({ missing: missing.length, twice: twice.length }).toEqual({ missing: 0, twice: 0 });
  expect(inTopic).toBe(N + warm.length);
});
