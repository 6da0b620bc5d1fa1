import { randomUUID } from 'node:crypto';
import * as os from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { KafkaClient, TopicTail, type InboundMessage } from '@iw/kafka';
import { APP_CONFIG } from '../tokens';

/** What the roll-up hears from the feed. */
export interface ProgressListener {
  /** Projects whose progress changed durably (ingest publishes after the write); null: which is unknown. */
  changed(projectIds: ReadonlySet<string> | null): void;
  /** The feed is following again after a gap (or for the first time): what was derived before may miss changes. */
  resumed(): void;
}

const RETRY_MS = 10_000;

/**
 * Follows `indicators.progress` from its end (a consumer group of this process alone, nothing
 * committed) and tells the roll-up which projects' progress changed. `following` is false until
 * the first fetch positioned it, and again whenever Kafka is away: the roll-up then judges every
 * request live, as before it was kept. A start that fails (no broker, no topic) is retried.
 */
@Injectable()
export class ProgressFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ProgressFeed');
  private tail: TopicTail | null = null;
  private retry: NodeJS.Timeout | null = null;
  private stopped = false;
  private readonly listeners = new Set<ProgressListener>();
  /** One more each time the feed is positioned: what was derived under an older epoch may have missed messages. */
  epoch = 0;

  constructor(
    private readonly client: KafkaClient,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  get following(): boolean {
    return this.tail?.following ?? false;
  }

  listen(listener: ProgressListener): void {
    this.listeners.add(listener);
  }

  onApplicationBootstrap(): void {
    void this.start();
  }

  private async start(): Promise<void> {
    if (this.stopped) return;
    const topic = this.config.kafka.topics.progress;
    const tail = new TopicTail(this.client, {
      groupId: `iw-status-feed.${os.hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`,
      topics: [topic],
      onMessages: (messages) => this.heard(messages),
      onPositioned: () => {
        this.epoch += 1;
        this.logger.log(`following ${topic}: the roll-up is kept from here on`);
        for (const l of this.listeners) l.resumed();
      },
      onLost: (reason) => {
        if (!this.stopped)
          this.logger.warn(`stopped following ${topic} (${reason}): the roll-up is judged live meanwhile`);
      },
    });
    this.tail = tail;
    try {
      await tail.start();
    } catch (e) {
      this.tail = null;
      await tail.stop().catch(() => undefined);
      if (this.stopped) return;
      this.logger.warn(`cannot follow ${topic}: ${(e as Error).message}; again in ${RETRY_MS / 1000} s`);
      this.retry = setTimeout(() => void this.start(), RETRY_MS);
      this.retry.unref();
    }
  }

  private heard(messages: InboundMessage[]): void {
    const projects = new Set<string>();
    let unreadable = 0;
    for (const m of messages) {
      let projectId: unknown;
      try {
        projectId = (JSON.parse(m.value?.toString('utf8') ?? '') as { projectId?: unknown }).projectId;
      } catch {
        projectId = undefined;
      }
      if (typeof projectId === 'string') projects.add(projectId);
      else unreadable += 1;
    }
    // A message that names no project: which one changed is unknown, so all may have.
    if (unreadable) for (const l of this.listeners) l.changed(null);
    else if (projects.size) for (const l of this.listeners) l.changed(projects);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.tail?.stop().catch(() => undefined);
  }
}
