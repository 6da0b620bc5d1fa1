import { z } from 'zod';
import { DEFAULT_TOPICS, type TopicRole } from '@iw/config';
import { count, envelopeShape, finite, prose, text, yuan } from './fields';

/**
 * The five actuals families of contract v1 (docs/events.md). Objects are loose: unknown extra
 * fields pass (forward compatible: v1 may gain optional fields), while the safety walk and the
 * size limits bound what they can carry.
 */

export const ACTUALS_ROLES = ['inspectionBatches', 'cases', 'surveys', 'spending', 'measurements'] as const;
export type ActualsRole = (typeof ACTUALS_ROLES)[number] & TopicRole;

export function isActualsRole(role: string): role is ActualsRole {
  return (ACTUALS_ROLES as readonly string[]).includes(role);
}

/**
 * An actuals topic named by its role (`cases`), its contract name (`actuals.cases`) or its
 * configured name (with KAFKA_TOPIC_PREFIX / IW_TOPIC_*), whichever the user typed; null when
 * it is none of them, or not an actuals topic (dlq and progress are written by ingest).
 */
export function actualsRoleOf(
  name: string,
  topics: Readonly<Record<TopicRole, string>> = DEFAULT_TOPICS,
): ActualsRole | null {
  const n = name.trim();
  if (isActualsRole(n)) return n;
  return ACTUALS_ROLES.find((r) => DEFAULT_TOPICS[r] === n || topics[r] === n) ?? null;
}

export const inspectionBatchSchema = z
  .looseObject({
    ...envelopeShape,
    /** As the tables write it: 汽油, 柴油, 化肥, 农膜, 食品 … */
    category: text(100),
    batches: count(),
    qualifiedBatches: count().optional(),
    /** 地州 name */
    region: text(100).optional(),
    costYuan: yuan().optional(),
    projectName: text(300).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.qualifiedBatches !== undefined && e.qualifiedBatches > e.batches) {
      ctx.addIssue({ code: 'custom', path: ['qualifiedBatches'], message: 'must not exceed batches' });
    }
  });

export const CASE_ACTIONS = ['opened', 'closed'] as const;

export const caseSchema = z.looseObject({
  ...envelopeShape,
  caseId: text(200),
  action: z.enum(CASE_ACTIONS),
  category: text(100).optional(),
  region: text(100).optional(),
  projectName: text(300).optional(),
});

/**
 * Either an aggregate (`respondents` + `satisfied`) or one answer (`score` + `scale`; the
 * answer is satisfied when score/scale reaches IW_SURVEY_SATISFIED_SHARE). One flat object
 * rather than a union keeps error messages readable.
 */
export const surveySchema = z
  .looseObject({
    ...envelopeShape,
    surveyKey: text(200),
    respondents: count().optional(),
    satisfied: count().optional(),
    score: z.number().min(0).max(1_000_000).optional(),
    scale: z.number().positive().max(1_000_000).optional(),
    region: text(100).optional(),
    projectName: text(300).optional(),
  })
  .superRefine((e, ctx) => {
    const aggregate = e.respondents !== undefined || e.satisfied !== undefined;
    const answer = e.score !== undefined || e.scale !== undefined;
    if (aggregate === answer) {
      ctx.addIssue({
        code: 'custom',
        path: [],
        message: 'needs either respondents + satisfied, or score + scale (not both)',
      });
    } else if (aggregate && (e.respondents === undefined || e.satisfied === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [e.respondents === undefined ? 'respondents' : 'satisfied'],
        message: 'respondents and satisfied go together',
      });
    } else if (aggregate && e.satisfied! > e.respondents!) {
      ctx.addIssue({ code: 'custom', path: ['satisfied'], message: 'must not exceed respondents' });
    } else if (answer && (e.score === undefined || e.scale === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [e.score === undefined ? 'score' : 'scale'],
        message: 'score and scale go together',
      });
    } else if (answer && e.score! > e.scale!) {
      ctx.addIssue({ code: 'custom', path: ['score'], message: 'must not exceed scale' });
    }
  });

export const spendingSchema = z
  .looseObject({
    ...envelopeShape,
    projectName: text(300).optional(),
    projectId: text(400).optional(),
    amountYuan: yuan(),
    item: text(200).optional(),
  })
  .superRefine((e, ctx) => {
    if (e.projectName === undefined && e.projectId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['projectName'], message: 'projectName or projectId is required' });
    }
  });

export const LIKELIHOODS = ['确定能', '有可能', '不可能'] as const;

const measurementBase = {
  ...envelopeShape,
  /** Catalogue id of the indicator, or of a compound part (`…~期`). */
  indicatorId: text(500),
  note: prose(2000).optional(),
};

export const measurementSchema = z.discriminatedUnion('kind', [
  // Increments only add: a correction downwards is a `set` on a latest-measured indicator.
  z.looseObject({ ...measurementBase, kind: z.literal('increment'), value: z.number().min(0).max(1e15) }),
  z
    .looseObject({
      ...measurementBase,
      kind: z.literal('set'),
      value: finite(),
      numerator: z.number().min(0).max(1e15).optional(),
      denominator: z.number().min(0).max(1e15).optional(),
    })
    .superRefine((e, ctx) => {
      if ((e.numerator === undefined) !== (e.denominator === undefined)) {
        ctx.addIssue({ code: 'custom', path: ['numerator'], message: 'numerator and denominator go together' });
      }
    }),
  z.looseObject({ ...measurementBase, kind: z.literal('milestone'), done: z.boolean() }),
  z.looseObject({
    ...measurementBase,
    kind: z.literal('assessment'),
    likelihood: z.enum(LIKELIHOODS),
    text: prose(2000),
  }),
]);

export const ACTUALS_SCHEMAS = {
  inspectionBatches: inspectionBatchSchema,
  cases: caseSchema,
  surveys: surveySchema,
  spending: spendingSchema,
  measurements: measurementSchema,
} as const;

export type InspectionBatchEvent = z.output<typeof inspectionBatchSchema>;
export type CaseEvent = z.output<typeof caseSchema>;
export type SurveyEvent = z.output<typeof surveySchema>;
export type SpendingEvent = z.output<typeof spendingSchema>;
export type MeasurementEvent = z.output<typeof measurementSchema>;

export interface ActualsEventByRole {
  inspectionBatches: InspectionBatchEvent;
  cases: CaseEvent;
  surveys: SurveyEvent;
  spending: SpendingEvent;
  measurements: MeasurementEvent;
}
export type ActualsEvent = ActualsEventByRole[ActualsRole];

/**
 * Fields a binding may name, per family, with their JSON type: the bindings loader checks
 * `where`/`field`/`numerator`… against this table. A unit test keeps it equal to the schemas.
 */
export type FieldType = 'string' | 'number' | 'boolean';
export const FAMILY_FIELDS: Record<Exclude<ActualsRole, 'measurements'>, Record<string, FieldType>> = {
  inspectionBatches: {
    eventId: 'string',
    occurredAt: 'string',
    source: 'string',
    schemaVersion: 'number',
    corrects: 'string',
    retract: 'boolean',
    category: 'string',
    batches: 'number',
    qualifiedBatches: 'number',
    region: 'string',
    costYuan: 'number',
    projectName: 'string',
  },
  cases: {
    eventId: 'string',
    occurredAt: 'string',
    source: 'string',
    schemaVersion: 'number',
    corrects: 'string',
    retract: 'boolean',
    caseId: 'string',
    action: 'string',
    category: 'string',
    region: 'string',
    projectName: 'string',
  },
  surveys: {
    eventId: 'string',
    occurredAt: 'string',
    source: 'string',
    schemaVersion: 'number',
    corrects: 'string',
    retract: 'boolean',
    surveyKey: 'string',
    respondents: 'number',
    satisfied: 'number',
    score: 'number',
    scale: 'number',
    region: 'string',
    projectName: 'string',
  },
  spending: {
    eventId: 'string',
    occurredAt: 'string',
    source: 'string',
    schemaVersion: 'number',
    corrects: 'string',
    retract: 'boolean',
    projectName: 'string',
    projectId: 'string',
    amountYuan: 'number',
    item: 'string',
  },
};

/** Fields whose values are a closed set; a `where` on them must use one of these. */
export const FIELD_VALUES: Partial<Record<ActualsRole, Record<string, readonly string[]>>> = {
  cases: { action: CASE_ACTIONS },
};
