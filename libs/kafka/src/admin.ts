import type { Admin } from 'kafkajs';
import type { KafkaClient } from './client';
import { computeLag } from './offsets';
import { topicReplication } from './replication';
import type { PartitionLag, TopicSpec } from './types';
import { WALL_CLOCK } from '@iw/clock';

/** A connected admin client with the few operations the apps and tests need. */
export class KafkaAdmin {
  private readonly admin: Admin;
  private connected = false;

  constructor(client: KafkaClient) {
    this.admin = client.kafka.admin();
  }

  async connect(): Promise<void> {
    await this.admin.connect();
    this.connected = true;
  }

  /** Creates the topics that do not exist yet; returns the names created now. */
  async createTopics(specs: TopicSpec[], timeoutMs = 30_000): Promise<string[]> {
    const existing = new Set(await this.admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return [];
    const brokers = (await this.admin.describeCluster()).brokers.length;
    await this.admin.createTopics({
      // kafkajs waits only while the answer is LEADER_NOT_AVAILABLE; in a cluster the broker it
      // asks may not know the new topic yet (UNKNOWN_TOPIC_OR_PARTITION), so we wait ourselves.
      waitForLeaders: false,
      timeout: timeoutMs,
      topics: missing.map((s) => {
        const r = topicReplication(brokers, s);
        return {
          topic: s.topic,
          numPartitions: s.partitions,
          replicationFactor: r.replicationFactor,
          configEntries: [{ name: 'min.insync.replicas', value: String(r.minInsyncReplicas) }],
        };
      }),
    });
    await this.waitForLeaders(
      missing.map((s) => s.topic),
      timeoutMs,
    );
    return missing.map((s) => s.topic);
  }

  /** Until every partition of `topics` has a leader, as the brokers answer metadata requests. */
  private async waitForLeaders(topics: string[], timeoutMs: number): Promise<void> {
    const deadline = WALL_CLOCK.now() + timeoutMs;
    for (;;) {
      try {
        const meta = await this.admin.fetchTopicMetadata({ topics });
        if (meta.topics.every((t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0))) return;
      } catch (e) {
        if (WALL_CLOCK.now() > deadline) throw e;
      }
      if (WALL_CLOCK.now() > deadline) throw new Error(`no leaders for ${topics.join(', ')} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const existing = new Set(await this.admin.listTopics());
    const present = topics.filter((t) => existing.has(t));
    if (present.length) await this.admin.deleteTopics({ topics: present, timeout: 30_000 });
  }

  listTopics(): Promise<string[]> {
    return this.admin.listTopics();
  }

  /** Replicas and in-sync replicas of each partition, by leader: for the cluster's fault scenario. */
  async partitions(
    topic: string,
  ): Promise<Array<{ partition: number; leader: number; replicas: number[]; isr: number[] }>> {
    const meta = await this.admin.fetchTopicMetadata({ topics: [topic] });
    return meta.topics[0].partitions.map((p) => ({
      partition: p.partitionId,
      leader: p.leader,
      replicas: p.replicas,
      isr: p.isr,
    }));
  }

  /** Messages the brokers hold in `topics` (end − start offsets, summed over partitions). */
  async messageCount(topics: string[]): Promise<number> {
    let n = 0;
    for (const topic of topics)
      for (const p of await this.admin.fetchTopicOffsets(topic)) n += Number(p.high) - Number(p.low);
    return n;
  }

  /** Each partition's earliest retained offset and end offset (the next one to be written). */
  async offsets(topic: string): Promise<Array<{ partition: number; low: string; high: string }>> {
    return (await this.admin.fetchTopicOffsets(topic)).map((p) => ({
      partition: p.partition,
      low: p.low,
      high: p.high,
    }));
  }

  /** Forgets a consumer group's committed offsets (one made for a single read, e.g. a rebuild). */
  async deleteGroup(groupId: string): Promise<void> {
    await this.admin.deleteGroups([groupId]);
  }

  /** A topic's settings as the brokers report them (e.g. min.insync.replicas). */
  async topicConfig(topic: string, names: string[]): Promise<Record<string, string>> {
    const res = await this.admin.describeConfigs({
      includeSynonyms: false,
      resources: [{ type: 2 /* TOPIC */, name: topic, configNames: names }],
    });
    return Object.fromEntries(res.resources[0].configEntries.map((e) => [e.configName, e.configValue]));
  }

  /** Answers when the cluster does: for readiness checks. */
  async ping(): Promise<{ brokers: number; controller: number | null }> {
    const c = await this.admin.describeCluster();
    return { brokers: c.brokers.length, controller: c.controller };
  }

  /**
   * Committed offsets of `groupId` on `topic` against end offsets read earlier (`offsets`): what
   * the group has still to commit of what the topic held then, per partition.
   */
  async lagBehind(
    groupId: string,
    topic: string,
    ends: ReadonlyArray<{ partition: number; low: string; high: string }>,
  ): Promise<PartitionLag[]> {
    return lagOf(await this.admin.fetchOffsets({ groupId, topics: [topic] }), topic, ends);
  }

  /**
   * Committed offsets of `groupId` against end offsets, per partition of each topic. The ends are
   * read after the commits: a partition at lag 0 had committed all it held when its ends were
   * read, later than the commits (the watermarks count on that margin).
   */
  async lag(groupId: string, topics: string[]): Promise<PartitionLag[]> {
    const committed = await this.admin.fetchOffsets({ groupId, topics });
    const ends = await Promise.all(topics.map((topic) => this.admin.fetchTopicOffsets(topic)));
    return topics.flatMap((topic, i) => lagOf(committed, topic, ends[i]));
  }

  async disconnect(): Promise<void> {
    if (!this.connected) return;
    this.connected = false;
    await this.admin.disconnect();
  }
}

/** One topic's lag: `committed` (fetchOffsets, any topics) against its `ends`. */
function lagOf(
  committed: ReadonlyArray<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>,
  topic: string,
  ends: ReadonlyArray<{ partition: number; low: string; high: string }>,
): PartitionLag[] {
  return computeLag(
    topic,
    committed.find((c) => c.topic === topic)?.partitions ?? [],
    ends.map((e) => ({ partition: e.partition, end: e.high, start: e.low })),
  );
}
