import type { TopicRole } from '@iw/config';
import { keyFor } from '@iw/events';
import { KafkaClient, KafkaProducer, type OutboundMessage } from '@iw/kafka';
import { testKafkaConfig } from '@iw/testing';
import { TRAFFIC_IDS } from '../../test/integration/ingest/harness';
import { generateTraffic, type Published } from '../../test/integration/ingest/traffic';

const CHUNK = 2000;

/** The mixed contract traffic of the ingest tests (every family), `n` events long. */
export function benchTraffic(n: number, seed: number, runId: string): Published[] {
  return generateTraffic(n, seed, runId, TRAFFIC_IDS);
}

/** Publishes `events` keyed as the contract says (so they spread over partitions by key). */
export async function publishTraffic(
  topics: Record<TopicRole, string>,
  events: readonly Published[],
): Promise<Record<string, number>> {
  const byTopic = new Map<string, OutboundMessage[]>();
  for (const e of events) {
    const topic = topics[e.role];
    let list = byTopic.get(topic);
    if (!list) byTopic.set(topic, (list = []));
    list.push({ key: keyFor(e.role as never, e.event as never), value: JSON.stringify(e.event) });
  }
  const producer = new KafkaProducer(new KafkaClient(testKafkaConfig()));
  await producer.connect();
  try {
    for (const [topic, messages] of byTopic) {
      for (let i = 0; i < messages.length; i += CHUNK) await producer.send(topic, messages.slice(i, i + CHUNK));
    }
  } finally {
    await producer.disconnect();
  }
  return Object.fromEntries([...byTopic].map(([t, m]) => [t, m.length]));
}
