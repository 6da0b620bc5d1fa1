import { Controller, type Type } from '@nestjs/common';
import { Ctx, EventPattern, KafkaContext, Payload } from '@nestjs/microservices';
import type { TopicRole } from '@iw/config';
import type { ActualsRole } from '@iw/events';
import { BaselineStore } from './baseline.store';
import { BaselineMeter } from './baseline.meter';

/**
 * The stock way: one `@EventPattern` per topic on Nest's own Kafka transport, which calls the
 * handler once per message (kafkajs eachMessage) and auto-commits. Patterns must be the real
 * topic names, and those carry the bench's prefix, hence a controller made for the topics.
 */
export function baselineController(topics: Record<TopicRole, string>): Type<unknown> {
  @Controller()
  class BaselineController {
    constructor(
      private readonly store: BaselineStore,
      private readonly meter: BaselineMeter,
    ) {}

    private async handle(role: ActualsRole, data: unknown, ctx: KafkaContext): Promise<void> {
      this.meter.started();
      await this.store.handle(role, data, {
        topic: ctx.getTopic(),
        partition: ctx.getPartition(),
        offset: Number(ctx.getMessage().offset),
      });
      this.meter.handled();
    }

    @EventPattern(topics.inspectionBatches)
    inspectionBatches(@Payload() data: unknown, @Ctx() ctx: KafkaContext) {
      return this.handle('inspectionBatches', data, ctx);
    }

    @EventPattern(topics.cases)
    cases(@Payload() data: unknown, @Ctx() ctx: KafkaContext) {
      return this.handle('cases', data, ctx);
    }

    @EventPattern(topics.surveys)
    surveys(@Payload() data: unknown, @Ctx() ctx: KafkaContext) {
      return this.handle('surveys', data, ctx);
    }

    @EventPattern(topics.spending)
    spending(@Payload() data: unknown, @Ctx() ctx: KafkaContext) {
      return this.handle('spending', data, ctx);
    }

    @EventPattern(topics.measurements)
    measurements(@Payload() data: unknown, @Ctx() ctx: KafkaContext) {
      return this.handle('measurements', data, ctx);
    }
  }
  return BaselineController;
}
