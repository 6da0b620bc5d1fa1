/**
 * `iw events publish <topic> <file.jsonl|->`: one actuals event per line, validated exactly as
 * ingest will (buildMessage); bad lines are reported with their numbers and skipped, the rest
 * are published with the contract's keys. The topic is a role (`cases`) or a topic name
 * (`actuals.cases`, or as configured with KAFKA_TOPIC_PREFIX).
 */
import * as fs from 'node:fs';
import * as readline from 'node:readline';
import type { Readable } from 'node:stream';
import { parseClockSpec } from '@iw/clock';
import { buildMessage, futureEventReason, InvalidEventError, type ActualsRole, type KafkaMessage } from '@iw/events';
import { actualsRoleOf } from '@iw/events';
import { ActualsPublisher } from '@iw/events-producer';
import type { AppConfig } from '@iw/config';
import type { CliIo } from '../cli-io';
import { CliError, EXIT } from '../errors';
import { group, type CliCommand } from './command';
import { cliConfig } from './context';

export interface PublishOptions {
  dryRun?: boolean;
  batchSize?: number;
  /** The event (the file's only one) corrects this earlier event id (docs/events.md "Corrections"). */
  corrects?: string;
  /** With corrects: take the earlier event's effect back, with none of its own. */
  retract?: boolean;
}

/** `--corrects`/`--retract`: set on the one event of the input. */
export interface CorrectionFlags {
  corrects: string;
  retract: boolean;
}

export interface BadLine {
  line: number;
  message: string;
}

/** What a send needs: ActualsPublisher, or a test double. */
export interface MessageSink {
  send(role: ActualsRole, messages: ReadonlyArray<{ key: string | null; value: string }>): Promise<void>;
}

const MAX_SHOWN = 50;

/** Events dated after `now + maxSkewMs` are refused, as ingest refuses them (`future_event`). */
export interface EventTimeBound {
  now: number;
  maxSkewMs: number;
}

/** Reads `input` line by line; returns the bad lines after sending every good one through `sink`. */
export async function publishLines(
  role: ActualsRole,
  input: Readable,
  sink: MessageSink | null,
  batchSize = 500,
  time?: EventTimeBound,
  correction?: CorrectionFlags,
): Promise<{ published: number; lines: number; bad: BadLine[] }> {
  const bad: BadLine[] = [];
  let batch: KafkaMessage[] = [];
  let published = 0;
  let lines = 0;
  const flush = async () => {
    if (batch.length && sink) await sink.send(role, batch);
    published += batch.length;
    batch = [];
  };
  let n = 0;
  for await (const raw of readline.createInterface({ input, crlfDelay: Infinity })) {
    n += 1;
    const text = n === 1 ? raw.replace(/^\uFEFF/, '') : raw;
    if (!text.trim()) continue;
    lines += 1;
    if (correction && lines > 1)
      throw new CliError(
        '--corrects names the one event it corrects: give a file with one event (or put "corrects" in each line)',
        EXIT.usage,
      );
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (e) {
      bad.push({ line: n, message: `not JSON: ${(e as Error).message}` });
      continue;
    }
    if (correction && value !== null && typeof value === 'object' && !Array.isArray(value))
      value = {
        ...(value as Record<string, unknown>),
        corrects: correction.corrects,
        ...(correction.retract ? { retract: true } : {}),
      };
    let message: KafkaMessage;
    try {
      message = buildMessage(role, value as never);
    } catch (e) {
      if (!(e instanceof InvalidEventError)) throw e;
      bad.push({ line: n, message: `${e.reason.class}: ${e.reason.message}` });
      continue;
    }
    const future = time && futureEventReason((value as { occurredAt: string }).occurredAt, time.now, time.maxSkewMs);
    if (future) {
      bad.push({ line: n, message: `${future.class}: ${future.message}` });
      continue;
    }
    batch.push(message);
    if (batch.length >= batchSize && !correction) await flush();
  }
  await flush();
  return { published, lines, bad };
}

export async function eventsPublish(
  topic: string,
  file: string,
  options: PublishOptions,
  io: CliIo,
  deps: { config?: AppConfig; stdin?: Readable } = {},
): Promise<void> {
  const config = deps.config ?? cliConfig();
  const role = actualsRoleOf(topic, config.kafka.topics);
  if (!role) {
    throw new CliError(
      `"${topic}" is not an actuals topic: use a role (inspectionBatches, cases, surveys, spending, measurements) or its topic name (${Object.values(config.kafka.topics).slice(0, 5).join(', ')})`,
      EXIT.usage,
    );
  }
  let input: Readable;
  if (file === '-') input = deps.stdin ?? process.stdin;
  else {
    try {
      await fs.promises.access(file, fs.constants.R_OK);
    } catch (e) {
      throw new CliError(`cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
    }
    input = fs.createReadStream(file);
  }

  let publisher: ActualsPublisher | null = null;
  if (!options.dryRun) {
    publisher = ActualsPublisher.create({ kafka: config.kafka, topics: config.kafka.topics });
    try {
      await publisher.connect();
    } catch (e) {
      throw new CliError(
        `Kafka at ${config.kafka.brokers.join(',')} is not reachable: ${(e as Error).message} (is the infrastructure up? npm run infra:up)`,
      );
    }
  }
  let result: Awaited<ReturnType<typeof publishLines>>;
  try {
    if (options.retract && options.corrects === undefined)
      throw new CliError('--retract goes with --corrects <eventId>', EXIT.usage);
    result = await publishLines(
      role,
      input,
      publisher,
      options.batchSize,
      { now: parseClockSpec(config.clock).now(), maxSkewMs: config.maxClockSkewMs },
      options.corrects !== undefined ? { corrects: options.corrects, retract: options.retract === true } : undefined,
    );
  } finally {
    await publisher?.close();
  }

  const name = file === '-' ? 'stdin' : file;
  for (const b of result.bad.slice(0, MAX_SHOWN)) io.err(`${name}:${b.line}: ${b.message}\n`);
  if (result.bad.length > MAX_SHOWN) io.err(`… ${result.bad.length - MAX_SHOWN} more bad lines\n`);
  const verb = options.dryRun ? 'valid (dry run, nothing published)' : `published to ${config.kafka.topics[role]}`;
  io.out(
    `${result.published} of ${result.lines} events ${verb}${result.bad.length ? `; ${result.bad.length} bad line(s) skipped` : ''}\n`,
  );
  if (result.bad.length)
    throw new CliError(
      `${result.bad.length} line(s) of ${name} were not ${options.dryRun ? 'valid' : 'published'} (see above)`,
    );
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`expected a positive integer, got "${value}"`, EXIT.usage);
  return n;
}

export const eventsPublishCommand: CliCommand = {
  name: 'events publish',
  register(program, io) {
    group(program, 'events', 'actuals events (contract v1)')
      .command('publish')
      .description(
        'validate a JSON-lines file of actuals events and publish the valid ones, keyed as the contract says',
      )
      .argument('<topic>', 'topic role (cases …) or topic name (actuals.cases …)')
      .argument('<file>', 'one JSON event per line; - reads stdin')
      .option('--dry-run', 'only validate; publish nothing')
      .option('--batch-size <n>', 'messages per Kafka request', positiveInt, 500)
      .option(
        '--corrects <eventId>',
        "the file's one event corrects this earlier event: its effect replaces that one's",
      )
      .option('--retract', 'with --corrects: take the earlier effect back, with none of its own')
      .action((topic: string, file: string, options: PublishOptions) => eventsPublish(topic, file, options, io));
  },
};
