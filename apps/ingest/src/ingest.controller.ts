import { Controller } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { DEFAULT_TOPICS } from '@iw/config';
import { KafkaBatchContext } from '@iw/kafka';
import { IngestService } from './services/ingest.service';

/**
 * One handler per actuals family. Patterns are the contract's topic names; the topics consumed
 * are the configured ones (KafkaBatchServer maps them). Each handler gets a whole batch of one
 * partition and resolves only once its effects are durable — then the offsets are committed.
 */
@Controller()
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @EventPattern(DEFAULT_TOPICS.inspectionBatches)
  inspectionBatches(_: unknown, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    return this.ingest.processBatch('inspectionBatches', ctx.getBatch(), ctx.getControl());
  }

  @EventPattern(DEFAULT_TOPICS.cases)
  cases(_: unknown, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    return this.ingest.processBatch('cases', ctx.getBatch(), ctx.getControl());
  }

  @EventPattern(DEFAULT_TOPICS.surveys)
  surveys(_: unknown, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    return this.ingest.processBatch('surveys', ctx.getBatch(), ctx.getControl());
  }

  @EventPattern(DEFAULT_TOPICS.spending)
  spending(_: unknown, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    return this.ingest.processBatch('spending', ctx.getBatch(), ctx.getControl());
  }

  @EventPattern(DEFAULT_TOPICS.measurements)
  measurements(_: unknown, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    return this.ingest.processBatch('measurements', ctx.getBatch(), ctx.getControl());
  }
}
