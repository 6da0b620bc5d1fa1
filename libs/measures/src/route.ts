import { localDate } from '@iw/clock';
import type { ActualsEventByRole, ActualsRole, DlqReason, MeasurementEvent, SpendingEvent } from '@iw/events';
import { budgetTrackId, idSegment } from '@iw/targets';
import { accepts, type MeasureContribution, type MeasureInput } from './apply';
import { normaliseText, type Binding, type BindingSet, type RatioSide, type WhereClause } from './bindings';
import type { TrackedUnit } from './units';

/**
 * Which tracked units one valid event feeds, and with what. An event that feeds nothing is
 * rejected with the reason the ingest writes to the DLQ; an event is never split: it feeds
 * every unit whose period contains it, or it is rejected as a whole.
 */
export type Routed = { ok: true; contributions: MeasureContribution[] } | { ok: false; reason: DlqReason };

type Fields = Record<string, unknown>;

export function route<R extends ActualsRole>(event: ActualsEventByRole[R], role: R, bindings: BindingSet): Routed {
  if (role === 'measurements') return routeMeasurement(event as MeasurementEvent, bindings);

  const candidates: Array<{ unit: TrackedUnit; input: MeasureInput }> = [];
  let own: Binding[] = bindings.byRole[role] as Binding[];
  // projectName is optional outside spending, but when an event names a project it must be a tracked one.
  const named = (event as Fields).projectName;
  if (role !== 'spending' && typeof named === 'string' && !bindings.projects.has(idSegment(named))) {
    return reject('unknown_project', `no project ${JSON.stringify(named)} in the ${bindings.fiscalYear} catalogue`);
  }
  if (role === 'spending') {
    const projectId = findProject(event as SpendingEvent, bindings);
    if (!projectId) {
      const s = event as SpendingEvent;
      return reject(
        'unknown_project',
        `no project ${JSON.stringify(s.projectId ?? s.projectName)} in the ${bindings.fiscalYear} catalogue`,
      );
    }
    // 执行数 of the project's budget execution, whatever else the spending feeds.
    candidates.push({
      unit: bindings.units.get(budgetTrackId(projectId))!,
      input: { kind: 'add', value: (event as SpendingEvent).amountYuan },
    });
    own = own.filter((b) => bindings.units.get(b.unitId)!.projectId === projectId);
  }

  const fields = fieldsOf(event, role, bindings.satisfiedShare);
  for (const b of own) {
    if (!matches(fields, b.where)) continue;
    const input = inputFor(b, fields);
    if (input) candidates.push({ unit: bindings.units.get(b.unitId)!, input });
  }
  if (candidates.length === 0)
    return reject('unbound', `no binding takes this ${role} event (${describe(fields, role)})`);
  return inPeriod(event.occurredAt, event.eventId, candidates, bindings);
}

function routeMeasurement(event: MeasurementEvent, bindings: BindingSet): Routed {
  const id = normaliseText(event.indicatorId);
  const unit = bindings.units.get(id);
  if (!unit) {
    const parts = bindings.compoundParts.get(id);
    if (parts) return reject('unknown_indicator', `${id} is compound; address one of its parts: ${parts.join(', ')}`);
    return reject('unknown_indicator', `no indicator ${JSON.stringify(id)} in the ${bindings.fiscalYear} catalogue`);
  }
  if (unit.kind === 'budget') return reject('incompatible', `${id} is budget execution, fed by actuals.spending`);
  const input = measurementInput(event);
  if (!accepts(unit.measure, input.kind)) {
    return reject(
      'incompatible',
      `${id} is measured as ${unit.measure}; a ${event.kind} measurement cannot feed it (${KIND_HINT[unit.measure]})`,
    );
  }
  return inPeriod(event.occurredAt, event.eventId, [{ unit, input }], bindings);
}

const KIND_HINT: Record<TrackedUnit['measure'], string> = {
  sum: 'send increment',
  count: 'send increment',
  latest: 'send set',
  max: 'send set',
  min: 'send set',
  milestone: 'send milestone',
  assessment: 'send assessment',
  ratio: 'fed by its binding; assessments only',
  mean: 'fed by its binding; assessments only',
  distinct: 'fed by its binding; assessments only',
};

function measurementInput(e: MeasurementEvent): MeasureInput {
  switch (e.kind) {
    case 'increment':
      return { kind: 'add', value: e.value };
    case 'set':
      return e.numerator !== undefined
        ? { kind: 'reading', value: e.value, numerator: e.numerator, denominator: e.denominator }
        : { kind: 'reading', value: e.value };
    case 'milestone':
      return { kind: 'milestone', done: e.done };
    case 'assessment':
      return { kind: 'assessment', likelihood: e.likelihood, text: e.text };
  }
}

function inPeriod(
  occurredAt: string,
  eventId: string,
  candidates: Array<{ unit: TrackedUnit; input: MeasureInput }>,
  bindings: BindingSet,
): Routed {
  // One local date per event, however many units it feeds (isInPeriod, unrolled).
  const ms = Date.parse(occurredAt);
  const date = Number.isFinite(ms) ? localDate(ms, bindings.timeZone) : null;
  const kept = candidates.filter((c) => date !== null && date >= c.unit.period.from && date <= c.unit.period.to);
  if (kept.length === 0) {
    const periods = [...new Set(candidates.map((c) => `${c.unit.period.from}…${c.unit.period.to}`))].join(', ');
    return reject('out_of_period', `occurred on ${date} (${bindings.timeZone}), outside ${periods}`);
  }
  return { ok: true, contributions: kept.map((c) => ({ trackedId: c.unit.id, eventId, occurredAt, input: c.input })) };
}

/**
 * The event's fields as bindings see them. A single survey answer becomes one respondent,
 * satisfied when score/scale reaches the configured share, so one binding
 * (satisfied / respondents) serves both forms.
 */
function fieldsOf(event: Fields, role: ActualsRole, satisfiedShare: number): Fields {
  if (role !== 'surveys' || event.score === undefined) return event;
  const share = (event.score as number) / (event.scale as number);
  return { ...event, respondents: 1, satisfied: share >= satisfiedShare ? 1 : 0 };
}

function matches(fields: Fields, where: readonly WhereClause[]): boolean {
  return where.every((c) => {
    const v = fields[c.field];
    if (v === undefined || v === null) return false;
    const actual = typeof v === 'string' ? normaliseText(v) : v;
    return c.values.includes(actual as string | number | boolean);
  });
}

function num(fields: Fields, field: string): number | undefined {
  const v = fields[field];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** What a matching event gives its binding's unit; null when a field the measure needs is absent. */
function inputFor(b: Binding, fields: Fields): MeasureInput | null {
  switch (b.measure) {
    case 'count':
      return { kind: 'add', value: 1 };
    case 'sum': {
      const v = num(fields, b.field!);
      return v === undefined ? null : { kind: 'add', value: v };
    }
    case 'max':
    case 'min':
    case 'latest': {
      const v = num(fields, b.field!);
      return v === undefined ? null : { kind: 'reading', value: v };
    }
    case 'distinct': {
      const v = fields[b.field!];
      if (v === undefined || v === null || typeof v === 'object') return null;
      return { kind: 'distinct', value: typeof v === 'string' ? normaliseText(v) : JSON.stringify(v) };
    }
    case 'mean': {
      const v = num(fields, b.field!);
      const w = b.weight ? num(fields, b.weight) : 1;
      return v === undefined || w === undefined ? null : { kind: 'ratio', numerator: v, denominator: w };
    }
    case 'ratio': {
      const n = side(b.numerator!, fields);
      const d = side(b.denominator!, fields);
      // An event that says nothing about one side (qualifiedBatches missing) would bias the ratio: skip it.
      if (n === undefined || d === undefined || (n === 0 && d === 0)) return null;
      return { kind: 'ratio', numerator: n, denominator: d };
    }
    default:
      return null; // milestone/assessment come only from measurements
  }
}

/** A ratio side's share of one event: 0 when its where does not match, undefined when its field is missing. */
function side(s: RatioSide, fields: Fields): number | undefined {
  if (!matches(fields, s.where)) return 0;
  return s.field === undefined ? 1 : num(fields, s.field);
}

function findProject(e: SpendingEvent, bindings: BindingSet): string | undefined {
  if (e.projectId !== undefined) {
    const id = normaliseText(e.projectId);
    const found = bindings.projects.get(id);
    if (found) return found;
  }
  return e.projectName !== undefined ? bindings.projects.get(idSegment(e.projectName)) : undefined;
}

const DESCRIBE_FIELDS: Record<ActualsRole, string[]> = {
  inspectionBatches: ['category', 'region', 'projectName'],
  cases: ['action', 'category', 'projectName'],
  surveys: ['surveyKey', 'projectName'],
  spending: ['projectName', 'projectId', 'item'],
  measurements: ['indicatorId'],
};

function describe(fields: Fields, role: ActualsRole): string {
  return DESCRIBE_FIELDS[role]
    .filter((f) => fields[f] !== undefined)
    .map((f) => `${f}=${String(fields[f]).slice(0, 60)}`)
    .join(', ');
}

function reject(cls: DlqReason['class'], message: string): Routed {
  return { ok: false, reason: { class: cls, message } };
}
