import type { ActualsRole, DlqReasonClass } from '@iw/events';
import { fiscalDate } from './calendar';
import type { Draft, StreamContext } from './context';

/**
 * Messages that must end in the DLQ — never dropped, never crashing the consumer — one of
 * each kind upstream systems really send: a truncated JSON value, a negative count, and a
 * reading for an indicator that does not exist. Their number is exact and part of the story.
 */
export interface MalformedSpec {
  on: string; // MM-DD
  role: ActualsRole;
  reason: Extract<DlqReasonClass, 'not_json' | 'negative_count' | 'unknown_indicator'>;
}

export const MALFORMED: readonly MalformedSpec[] = [
  { on: '01-15', role: 'inspectionBatches', reason: 'not_json' },
  { on: '02-12', role: 'inspectionBatches', reason: 'negative_count' },
  { on: '03-14', role: 'measurements', reason: 'unknown_indicator' },
  { on: '06-18', role: 'cases', reason: 'not_json' },
  { on: '09-09', role: 'surveys', reason: 'negative_count' },
  { on: '11-11', role: 'measurements', reason: 'unknown_indicator' },
];

export function malformedDrafts(ctx: StreamContext, specs: readonly MalformedSpec[] = MALFORMED): Draft[] {
  const project = ctx.input.catalogue.projects[0];
  return specs.map((spec, i) => {
    const date = fiscalDate(ctx.fiscalYear, spec.on);
    const base = {
      role: spec.role,
      date,
      minute: 11 * 60 + i,
      source: 'legacy-import',
      body: {},
      malformed: spec.reason,
    };
    const envelope = (e: { eventId: string; occurredAt: string; source: string }) => ({ ...e, schemaVersion: 1 });
    switch (spec.reason) {
      case 'not_json':
        // Cut off mid-value, as a crashed exporter leaves it.
        return {
          ...base,
          key: spec.role === 'cases' ? `${ctx.fiscalYear}-broken` : '汽油',
          raw: (e) =>
            JSON.stringify({
              ...envelope(e),
              ...(spec.role === 'cases'
                ? { caseId: `${ctx.fiscalYear}-broken`, action: 'opened' }
                : { category: '汽油', batches: 12 }),
            }).slice(0, -12),
        } satisfies Draft;
      case 'negative_count':
        return {
          ...base,
          key: spec.role === 'surveys' ? '社会公众满意度' : '柴油',
          raw: (e) =>
            JSON.stringify(
              spec.role === 'surveys'
                ? { ...envelope(e), surveyKey: '社会公众满意度', respondents: -5, satisfied: 0 }
                : { ...envelope(e), category: '柴油', batches: -3, qualifiedBatches: 0, region: '哈密市', costYuan: 0 },
            ),
        } satisfies Draft;
      case 'unknown_indicator': {
        const indicatorId = `${project.id}.不存在的指标${i + 1}`;
        return {
          ...base,
          key: indicatorId,
          raw: (e) => JSON.stringify({ ...envelope(e), indicatorId, kind: 'increment', value: 1 }),
        } satisfies Draft;
      }
    }
  });
}
