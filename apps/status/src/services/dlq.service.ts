import { BadRequestException, Inject, Injectable } from '@nestjs/common';
import type { AppConfig } from '@iw/config';
import { DlqSelectionError, parseDlqSelection } from '@iw/dlq';
import type { DlqDoc } from '@iw/mongo';
import type { DlqItem, DlqList, DlqQuery } from '../dtos/dlq.dto';
import { Store } from '../adapters/store';
import { APP_CONFIG } from '../tokens';

/** The DLQ as `GET /api/dlq` shows it: paged newest first, filtered as `iw dlq list` filters. */
@Injectable()
export class DlqService {
  constructor(
    private readonly store: Store,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(q: DlqQuery): Promise<DlqList> {
    let filter;
    try {
      filter = parseDlqSelection(q, this.config.kafka.topics, this.config.timeZone);
    } catch (e) {
      if (e instanceof DlqSelectionError)
        throw new BadRequestException({ statusCode: 400, error: 'Bad Request', message: e.message });
      throw e;
    }
    const { total, items } = await this.store.dlq.list(filter, q.page, q.limit);
    return { total, page: q.page, limit: q.limit, items: items.map(dlqItem) };
  }
}

export function dlqItem(d: DlqDoc): DlqItem {
  return {
    id: d._id,
    at: new Date(d.at).toISOString(),
    topic: d.topic,
    partition: d.partition,
    offset: d.offset,
    key: d.key ?? null,
    reasonClass: d.reasonClass,
    reason: d.reason,
    preview: d.preview,
    originalSize: d.originalSize ?? null,
    redrivable: d.originalBase64 !== undefined,
    redriveOf: d.redriveOf ?? null,
    redrive: d.redrive
      ? {
          state: d.redrive.state,
          attempt: d.redrive.attempt,
          at: new Date(d.redrive.at).toISOString(),
          by: d.redrive.by,
        }
      : null,
  };
}
