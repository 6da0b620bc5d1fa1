import type { TopicRole } from '@iw/config';
import { idSegment } from '@iw/targets';
import type { ActualsEventByRole } from './actuals';
import type { DlqRecord } from './dlq';
import type { ProgressMessage } from './progress-message';

/**
 * Message keys (contract v1): Kafka keeps the order of one key's messages within a partition,
 * so the key is whatever one order matters for.
 *
 * | topic role          | key                                                                     |
 * |---------------------|-------------------------------------------------------------------------|
 * | inspectionBatches   | `category` (one category's batches feed the same indicators)            |
 * | cases               | `caseId` (a case's opened/closed stay in order)                          |
 * | surveys             | `surveyKey`                                                              |
 * | spending            | the project: `projectId` without its year, or `projectName`, both as id segments, so either spelling lands on one partition |
 * | measurements        | `indicatorId` without the part suffix (all parts of one indicator together) |
 * | dlq                 | the rejected message's own key, else `topic/partition`                   |
 * | progress            | `trackedId`                                                              |
 *
 * Correctness does not depend on it (latest-wins uses occurredAt, exactly-once uses offsets per
 * partition): keys spread load and keep related events close.
 */
export interface MessageByRole extends ActualsEventByRole {
  dlq: DlqRecord;
  progress: ProgressMessage;
}

export function keyFor<R extends TopicRole>(role: R, event: MessageByRole[R]): string {
  const e = event;
  switch (role) {
    case 'inspectionBatches':
      return (e as MessageByRole['inspectionBatches']).category.normalize('NFKC').trim();
    case 'cases':
      return (e as MessageByRole['cases']).caseId;
    case 'surveys':
      return (e as MessageByRole['surveys']).surveyKey.normalize('NFKC').trim();
    case 'spending': {
      const s = e as MessageByRole['spending'];
      // `2019.某局.工商行政管理业务费`, `2019.工商行政管理业务费` (an id of the form before
      // agencies) and `工商行政管理业务费` share a key: the project is the id's last segment.
      return s.projectId !== undefined
        ? idSegment(s.projectId.slice(s.projectId.lastIndexOf('.') + 1))
        : idSegment(s.projectName ?? '');
    }
    case 'measurements':
      return (e as MessageByRole['measurements']).indicatorId.split('~')[0];
    case 'dlq': {
      const d = e as DlqRecord;
      return d.key ?? `${d.topic}/${d.partition}`;
    }
    case 'progress':
      return (e as ProgressMessage).trackedId;
    default:
      throw new Error(`no key rule for topic role ${String(role)}`);
  }
}
