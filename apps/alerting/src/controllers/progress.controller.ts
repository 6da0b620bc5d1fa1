import { Controller } from '@nestjs/common';
import { Ctx, EventPattern } from '@nestjs/microservices';
import { DEFAULT_TOPICS } from '@iw/config';
import { KafkaBatchContext } from '@iw/kafka';
import { EvaluationService } from '../services/evaluation.service';

/**
 * indicators.progress: each batch's tracked units are evaluated at once; the offsets are
 * committed (by KafkaBatchServer) only after their evaluations and notifications are stored.
 */
@Controller()
export class ProgressController {
  constructor(private readonly evaluation: EvaluationService) {}

  @EventPattern(DEFAULT_TOPICS.progress)
  progress(_: unknown, @Ctx() ctx: KafkaBatchContext): Promise<void> {
    return this.evaluation.onProgressBatch(ctx.getBatch());
  }
}
