/**
 * `@iw/simulator/runner`: the story played through the real topics. The rest of the library is
 * pure; this file reads the catalogue from MongoDB and publishes with @iw/events-producer. Used
 * by `iw simulate` and by the main job (in-process).
 */
import { SystemClock, type Clock } from '@iw/clock';
import type { AppConfig } from '@iw/config';
import { ActualsPublisher } from '@iw/events-producer';
import { ACTUALS_ROLES } from '@iw/events';
import { KafkaAdmin, KafkaClient } from '@iw/kafka';
import { BindingsProvider, CatalogueRepository, type Connection } from '@iw/mongo';
import type { LoggerService } from '@nestjs/common';
import { playStory, type PlayProgress, type StorySink } from './player';
import { buildStory, type Story } from './story';
import type { StoryInput } from './view';

/** The imported catalogue (newest fiscal year) with the bindings file, as the services load it. */
export async function loadStoryInput(conn: Connection, config: AppConfig): Promise<StoryInput> {
  const provider = BindingsProvider.fromConfig(conn, config);
  const bindings = await provider.get(new SystemClock().now());
  const catalogue = await new CatalogueRepository(conn).load(bindings.fiscalYear);
  return { catalogue, bindings };
}

/** Creates the actuals topics that do not exist yet (e.g. under a new KAFKA_TOPIC_PREFIX). */
export async function ensureActualsTopics(config: AppConfig): Promise<string[]> {
  const admin = new KafkaAdmin(new KafkaClient(config.kafka));
  await admin.connect();
  try {
    return await admin.createTopics(
      ACTUALS_ROLES.map((r) => ({
        topic: config.kafka.topics[r],
        partitions: config.kafka.partitions,
        ...config.kafka.replication,
      })),
    );
  } finally {
    await admin.disconnect();
  }
}

export interface SimulationOptions {
  config: AppConfig;
  input: StoryInput;
  seed: number;
  runId: string;
  from?: string;
  until?: string;
  clock: Clock;
  /** Once the story is built, before anything is published. */
  onStart?: (story: Story) => void;
  onProgress?: (p: PlayProgress, story: Story) => void;
  signal?: AbortSignal;
  /** Where messages go; an ActualsPublisher on config.kafka by default. */
  sink?: StorySink;
  /** For the Kafka client's warnings and errors (Nest's console logger by default). */
  logger?: LoggerService;
}

/** Builds the story and publishes it on the clock; resolves when done or aborted. */
export async function runSimulation(o: SimulationOptions): Promise<{ story: Story; progress: PlayProgress }> {
  const story = buildStory(o.input, { seed: o.seed, runId: o.runId, from: o.from, until: o.until });
  o.onStart?.(story);
  let publisher: ActualsPublisher | null = null;
  let sink = o.sink;
  if (!sink) {
    publisher = ActualsPublisher.create({ kafka: o.config.kafka, topics: o.config.kafka.topics, logger: o.logger });
    await publisher.connect();
    sink = publisher;
  }
  try {
    const progress = await playStory(story.events, {
      clock: o.clock,
      sink,
      timeZone: story.timeZone,
      signal: o.signal,
      onProgress: (p) => o.onProgress?.(p, story),
    });
    return { story, progress };
  } finally {
    await publisher?.close();
  }
}
