import { Logger } from '@nestjs/common';
import { BaseRpcContext, type CustomTransportStrategy, Server } from '@nestjs/microservices';
import { DEFAULT_TOPICS, type TopicRole } from '@iw/config';
import { isObservable, lastValueFrom } from 'rxjs';
import { KafkaClient } from './client';
import { BatchConsumer, type BatchConsumerOptions } from './consumer';
import type { BatchControl, InboundBatch, KafkaClientConfig } from './types';

/** A topic and the `@EventPattern` name whose handler receives its batches. */
export interface Subscription {
  topic: string;
  pattern: string;
}

/**
 * Subscriptions for contract topics: the pattern is the contract's default topic name
 * (`@EventPattern('actuals.cases')`), the topic is the configured one (prefix, overrides).
 */
export function contractSubscriptions(topics: Record<TopicRole, string>, roles: TopicRole[]): Subscription[] {
  return roles.map((role) => ({ pattern: DEFAULT_TOPICS[role], topic: topics[role] }));
}

export interface KafkaBatchServerOptions {
  kafka: KafkaClientConfig;
  groupId: string;
  subscriptions: Subscription[];
  consumer?: Omit<BatchConsumerOptions, 'groupId' | 'topics' | 'onFatal'>;
  /**
   * What to do when the consumer is dead for good. Default: log and exit 1, so that a
   * supervisor restarts the service instead of it running on without consuming.
   */
  onFatal?: (error: Error) => void;
}

/** The context a handler gets as its second argument (`@Ctx()`). */
export class KafkaBatchContext extends BaseRpcContext<[InboundBatch, BatchControl, string]> {
  getBatch(): InboundBatch {
    return this.args[0];
  }
  getControl(): BatchControl {
    return this.args[1];
  }
  getPattern(): string {
    return this.args[2];
  }
}

/** Which subscriptions have a handler; the rest are reported, not consumed. Pure. */
export function splitByHandler(subscriptions: Subscription[], hasHandler: (pattern: string) => boolean) {
  return {
    active: subscriptions.filter((s) => hasHandler(s.pattern)),
    idle: subscriptions.filter((s) => !hasHandler(s.pattern)),
  };
}

/**
 * Waits for what a Nest handler returned. Nest turns a handler's exception (after exception
 * filters) into an Observable that errors, often with a plain object: that must fail the batch
 * too, or its offsets would be committed.
 */
export async function awaitHandlerResult(pattern: string, result: unknown): Promise<void> {
  if (!isObservable(result)) return;
  try {
    await lastValueFrom(result, { defaultValue: undefined });
  } catch (e) {
    throw e instanceof Error ? e : new Error(`handler for '${pattern}' failed: ${safeJson(e)}`);
  }
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch {
    return String(v);
  }
}

/**
 * A Nest transport that consumes whole batches and commits only after the handler's promise
 * resolved. The stock Nest Kafka transport hands over one message at a time and commits on
 * its own schedule, so a crash after the commit but before the handler's writes were durable
 * would lose an actual; here the commit follows the effects, and a crash means redelivery
 * (which idempotent handlers absorb). Batches also let a handler write many events in one
 * round trip.
 *
 * `@EventPattern(pattern)` handlers receive `(batch: InboundBatch, ctx: KafkaBatchContext)`.
 * A subscription without a handler is not consumed (the consumer still joins the group if
 * any other is), so an app can be wired before its features exist.
 */
export class KafkaBatchServer extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaBatchServer.name);
  private client?: KafkaClient;
  private consumer?: BatchConsumer;
  private routes = new Map<string, string>();

  constructor(private readonly options: KafkaBatchServerOptions) {
    super();
  }

  async listen(callback: (err?: unknown, ...rest: unknown[]) => void): Promise<void> {
    try {
      this.client = new KafkaClient(this.options.kafka, new Logger('Kafka'));
      const { active, idle } = splitByHandler(this.options.subscriptions, (p) => this.getHandlerByPattern(p) !== null);
      if (idle.length)
        this.logger.warn(`no @EventPattern handler for ${idle.map((s) => `'${s.pattern}'`).join(', ')}: not consumed`);
      this.routes = new Map(active.map((s) => [s.topic, s.pattern]));
      this.consumer = new BatchConsumer(this.client, {
        ...this.options.consumer,
        groupId: this.options.groupId,
        topics: active.map((s) => s.topic),
        onFatal: this.options.onFatal ?? ((e) => this.exitOnFatal(e)),
      });
      await this.consumer.connect();
      if (active.length > 0) await this.consumer.start((batch, control) => this.dispatch(batch, control));
      this._status$.next('connected');
      this.logger.log(
        `group ${this.options.groupId} connected; consuming ${active.map((s) => s.topic).join(', ') || 'nothing yet'}`,
      );
      callback();
    } catch (e) {
      callback(e);
    }
  }

  /** Runs the handler of the batch's topic and resolves only when it (and any chained handler) succeeded. */
  private async dispatch(batch: InboundBatch, control: BatchControl): Promise<void> {
    const pattern = this.routes.get(batch.topic);
    const handler = pattern === undefined ? null : this.getHandlerByPattern(pattern);
    if (!handler || pattern === undefined) throw new Error(`no handler for topic ${batch.topic}`);
    await awaitHandlerResult(pattern, await handler(batch, new KafkaBatchContext([batch, control, pattern])));
  }

  private exitOnFatal(error: Error): void {
    this.logger.error(`consumer of group ${this.options.groupId} stopped for good: ${error.message}; exiting`);
    process.exitCode = 1;
    setTimeout(() => process.exit(1), 100).unref();
  }

  async close(): Promise<void> {
    const consumer = this.consumer;
    this.consumer = undefined;
    if (consumer) {
      await consumer.stop();
      this._status$.next('disconnected');
    }
  }

  on(): never {
    throw new Error('KafkaBatchServer has no events; watch `status` instead');
  }

  unwrap<T>(): T {
    if (!this.consumer) throw new Error('KafkaBatchServer is not listening');
    return this.consumer as T;
  }
}
