import {
  ACTUALS_ROLES,
  actualsRoleOf,
  FAMILY_FIELDS,
  FIELD_VALUES,
  MEASURE_KINDS,
  type ActualsRole,
  type FieldType,
} from '@iw/events';
import { idSegment, legacyProjectId, type ParsedCatalogue, type ParsedProject, type Problem } from '@iw/targets';
import { readBindingsFile, type BindingKey, type BindingsRead, type ErrorFn, type RawBinding } from './bindings-file';
export { readBindingsFileAsync, type BindingsRead } from './bindings-file';
import type { MeasureKind } from './progress';
import { budgetYuan, catalogueUnits, defaultScale, measuresFor, type TrackedUnit } from './units';

/**
 * Bindings: a YAML file saying which events feed which tracked unit and how.
 *
 *   version: 1
 *   bindings:
 *     - project: 流通领域商品、成品油、农资产品、网络商品质量抽检监测经费   # a group: items inherit the project
 *       indicators:
 *         - indicator: 汽油抽检批次
 *           from: inspectionBatches           # topic role (or its default topic name)
 *           where: { category: 汽油 }          # equality, or a list of accepted values
 *           measure: sum
 *           field: batches
 *     - id: 2019.某局.工商行政管理业务费.案件办结率  # or one binding by catalogue id
 *       from: cases
 *       measure: ratio
 *       numerator: { where: { action: closed } }    # a side is a field to sum, or a count of matching events
 *       denominator: { where: { action: opened } }
 *
 * Measures and their keys: sum/max/min/latest `field`; count (no field); distinct `field`
 * (+ `of`: the total it is counted out of); ratio `numerator` + `denominator`; mean `field`
 * (+ `weight`); milestone/assessment only `from: measurements`. `of` (sum/count/distinct) is a
 * number, or `budget` for the project's 年度资金总额 in yuan. `scale` multiplies the result
 * (defaults to 100 for a ratio, or a count out of `of`, against a % target). Spending bindings
 * only see their own project's spending. Every problem is reported with its line.
 */

export type WhereValue = string | number | boolean;
export interface WhereClause {
  field: string;
  values: WhereValue[];
}
export interface RatioSide {
  /** Sum of this field over matching events; absent: count matching events. */
  field?: string;
  where: WhereClause[];
}

export interface Binding {
  line: number;
  unitId: string;
  from: ActualsRole;
  where: WhereClause[];
  measure: MeasureKind;
  field?: string;
  numerator?: RatioSide;
  denominator?: RatioSide;
  weight?: string;
  of?: number | null;
  scale: number;
}

export interface BindingOptions {
  /** IW_TIMEZONE: local dates of periods and history. */
  timeZone?: string;
  /** IW_SURVEY_SATISFIED_SHARE: a single answer is satisfied when score/scale reaches it. */
  satisfiedShare?: number;
}

export interface BindingSet {
  fiscalYear: number;
  /** Every tracked unit, bound or not, with the measure it is kept with. */
  units: ReadonlyMap<string, TrackedUnit>;
  bindings: readonly Binding[];
  byRole: Readonly<Record<ActualsRole, readonly Binding[]>>;
  /** Project id by id and by the id segment of its name (how spending names projects). */
  projects: ReadonlyMap<string, string>;
  /** Compound indicator id → its part ids (the indicator itself is not a tracked unit). */
  compoundParts: ReadonlyMap<string, readonly string[]>;
  timeZone: string;
  satisfiedShare: number;
}

export class BindingsError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`Invalid bindings:\n${problems.map((p) => `  line ${p.line}: ${p.message}`).join('\n')}`);
    this.name = 'BindingsError';
  }
}

/**
 * `unit` kept with its binding's measure. One literal of a fixed shape, as catalogueUnits builds
 * units: a copy spread from the unit with the binding's fields added kept most of its fields in a
 * second array, and a province's 5,871 bound units took a hidden class each (about 0.4 kB a unit).
 */
export function boundUnit(unit: TrackedUnit, b: Pick<Binding, 'measure' | 'scale' | 'of' | 'line'>): TrackedUnit {
  const { projectId, projectName, id, kind, indicatorId, name, part, target, period } = unit;
  const { measure, scale, of, line: bindingLine } = b;
  return part === undefined
    ? { projectId, projectName, id, kind, indicatorId, name, target, period, measure, scale, of, bindingLine }
    : { projectId, projectName, id, kind, indicatorId, name, part, target, period, measure, scale, of, bindingLine };
}

/** Validates `text` against `catalogue`; throws BindingsError naming every bad line. */
export function loadBindings(
  text: string | BindingsRead,
  catalogue: ParsedCatalogue,
  options: BindingOptions = {},
): BindingSet {
  const { bindings, problems } = checkBindings(text, catalogue, options);
  const errors = problems.filter((p) => p.severity === 'error');
  if (!bindings || errors.length) throw new BindingsError(errors);
  return bindings;
}

/** Like loadBindings, but returns the problems instead of throwing (for `iw` commands and tests). */
export function checkBindings(
  text: string | BindingsRead,
  catalogue: ParsedCatalogue,
  options: BindingOptions = {},
): { bindings: BindingSet | null; problems: Problem[] } {
  // The file's text, or what readBindingsFile(Async) read of it.
  const read = typeof text === 'string' ? readBindingsFile(text) : text;
  const raws = read.raws;
  const problems = [...read.problems];
  const error = (line: number, message: string) => problems.push({ line, severity: 'error', message });

  const units = new Map<string, TrackedUnit>();
  for (const u of catalogueUnits(catalogue)) units.set(u.id, u);
  const compoundParts = new Map<string, string[]>();
  for (const u of units.values())
    if (u.kind === 'part') compoundParts.set(u.indicatorId!, [...(compoundParts.get(u.indicatorId!) ?? []), u.id]);
  const ctx: Ctx = { catalogue, units, compoundParts, error };
  const bindings: Binding[] = [];
  const boundAt = new Map<string, number>();
  for (const raw of raws) {
    const b = resolve(raw, ctx);
    if (!b) continue;
    const first = boundAt.get(b.unitId);
    if (first !== undefined) {
      error(raw.line, `${b.unitId} is already bound at line ${first}; a tracked unit takes one binding`);
      continue;
    }
    boundAt.set(b.unitId, raw.line);
    bindings.push(b);
    const unit = units.get(b.unitId)!;
    units.set(b.unitId, boundUnit(unit, b));
  }
  if (problems.some((p) => p.severity === 'error')) return { bindings: null, problems: sortByLine(problems) };

  const byRole = Object.fromEntries(ACTUALS_ROLES.map((r) => [r, bindings.filter((b) => b.from === r)])) as Record<
    ActualsRole,
    Binding[]
  >;
  const projects = new Map<string, string>();
  for (const p of catalogue.projects) {
    projects.set(p.id, p.id);
    projects.set(idSegment(p.name), p.id);
  }
  return {
    bindings: {
      fiscalYear: catalogue.fiscalYear,
      units,
      bindings,
      byRole,
      projects,
      compoundParts,
      timeZone: options.timeZone ?? 'Asia/Shanghai',
      satisfiedShare: options.satisfiedShare ?? 0.8,
    },
    problems: sortByLine(problems),
  };
}

// ---------------------------------------------------------------------------------------------
// Resolving and validating one binding

interface Ctx {
  catalogue: ParsedCatalogue;
  units: Map<string, TrackedUnit>;
  compoundParts: Map<string, string[]>;
  error: ErrorFn;
}

/** The measure kinds of the contract (the progress message names them too). */
const MEASURES: readonly MeasureKind[] = MEASURE_KINDS;
/** measurements events carry their own reading; a binding only chooses how it is kept. */
const MEASUREMENT_MEASURES: readonly MeasureKind[] = ['sum', 'latest', 'max', 'min', 'milestone', 'assessment'];
const NEEDS_FIELD: readonly MeasureKind[] = ['sum', 'distinct', 'mean', 'max', 'min', 'latest'];

function resolve(raw: RawBinding, ctx: Ctx): Binding | null {
  const v = raw.values;
  const at = (k: BindingKey) => raw.lines[k] ?? raw.line;
  let ok = true;
  const fail = (line: number, message: string) => {
    ctx.error(line, message);
    ok = false;
  };

  // from
  let from: ActualsRole | null = null;
  if (v.from === undefined) fail(raw.line, 'missing `from` (a topic role: ' + ACTUALS_ROLES.join(', ') + ')');
  else from = roleOf(v.from);
  if (v.from !== undefined && !from)
    fail(at('from'), `unknown topic role ${JSON.stringify(v.from)} (expected ${ACTUALS_ROLES.join(', ')})`);

  // measure
  const measure = MEASURES.find((m) => m === v.measure) ?? null;
  if (v.measure === undefined) fail(raw.line, 'missing `measure`');
  else if (!measure)
    fail(at('measure'), `unknown measure ${JSON.stringify(v.measure)} (expected ${MEASURES.join(', ')})`);

  // the tracked unit
  const unit = resolveUnit(raw, ctx, fail);
  if (unit && measure && !measuresFor(unit.target).includes(measure)) {
    const allowed = measuresFor(unit.target);
    fail(
      at('measure'),
      `measure ${measure} does not fit ${unit.id}: its target is ${unit.target.kind}` +
        (allowed.length ? ` (use ${allowed.join(', ')})` : ''),
    );
  }

  // keys by measure and family
  const present = (k: BindingKey) => v[k] !== undefined && v[k] !== null;
  if (from && measure) {
    if (from === 'measurements') {
      if (!MEASUREMENT_MEASURES.includes(measure))
        fail(
          at('measure'),
          `measure ${measure} cannot be fed by measurements (use ${MEASUREMENT_MEASURES.join(', ')})`,
        );
      for (const k of ['where', 'field', 'numerator', 'denominator', 'weight', 'of'] as const) {
        if (present(k))
          fail(at(k), `\`${k}\` does not apply to measurements: they name their indicator and carry their value`);
      }
    } else if (measure === 'milestone' || measure === 'assessment') {
      fail(at('measure'), `measure ${measure} is fed only by measurements (from: measurements)`);
    }
  }
  const fields = from && from !== 'measurements' ? FAMILY_FIELDS[from] : null;
  const checkField = (k: BindingKey, name: unknown, want?: FieldType): string | undefined => {
    if (typeof name !== 'string' || !name) {
      fail(at(k), `\`${k}\` must be a field name`);
      return undefined;
    }
    if (!fields) return name;
    const type = fields[name];
    if (!type) fail(at(k), `unknown field "${name}" for ${from} (fields: ${Object.keys(fields).join(', ')})`);
    else if (want && type !== want) fail(at(k), `field "${name}" of ${from} is a ${type}; ${measure} needs a ${want}`);
    return name;
  };

  let field: string | undefined;
  let numerator: RatioSide | undefined;
  let denominator: RatioSide | undefined;
  let weight: string | undefined;
  if (measure && from && from !== 'measurements') {
    if (NEEDS_FIELD.includes(measure)) {
      if (!present('field')) fail(raw.line, `measure ${measure} needs \`field\``);
      else field = checkField('field', v.field, measure === 'distinct' ? undefined : 'number');
    } else if (present('field')) {
      fail(
        at('field'),
        `measure ${measure} takes no \`field\`` + (measure === 'ratio' ? ' (use numerator and denominator)' : ''),
      );
    }
    if (measure === 'ratio') {
      for (const side of ['numerator', 'denominator'] as const) {
        if (!present(side)) fail(raw.line, `measure ratio needs \`${side}\``);
        else {
          const s = ratioSide(v[side], at(side), from, fields!, fail, checkField, side);
          if (side === 'numerator') numerator = s ?? undefined;
          else denominator = s ?? undefined;
        }
      }
    } else {
      for (const side of ['numerator', 'denominator'] as const)
        if (present(side)) fail(at(side), `\`${side}\` applies to ratio only`);
    }
    if (present('weight')) {
      if (measure !== 'mean') fail(at('weight'), '`weight` applies to mean only');
      else weight = checkField('weight', v.weight, 'number');
    }
  }

  let where: WhereClause[] = [];
  if (from && from !== 'measurements' && present('where'))
    where = whereClauses(v.where, at('where'), from, fields!, fail);

  let of: number | null | undefined;
  if (present('of')) {
    if (!measure || !['sum', 'count', 'distinct'].includes(measure))
      fail(at('of'), '`of` applies to sum, count and distinct');
    else if (v.of === 'budget') {
      if (measure === 'distinct') fail(at('of'), '`of: budget` applies to sums of money');
      else if (unit) {
        const project = projectIndex(ctx.catalogue).byId.get(unit.projectId)!;
        of = budgetYuan(project.funds.total);
        if (of === null) fail(at('of'), `project ${project.name} has no 年度资金总额 to count against`);
      }
    } else if (typeof v.of === 'number' && Number.isFinite(v.of) && v.of > 0) of = v.of;
    else fail(at('of'), '`of` must be a positive number or `budget`');
  }

  let scale: number | undefined;
  if (present('scale')) {
    if (typeof v.scale === 'number' && Number.isFinite(v.scale) && v.scale > 0) scale = v.scale;
    else fail(at('scale'), '`scale` must be a positive number');
  }
  if (present('note') && typeof v.note !== 'string') fail(at('note'), '`note` must be text');

  if (!ok || !from || !measure || !unit) return null;
  return {
    line: raw.line,
    unitId: unit.id,
    from,
    where,
    measure,
    ...(field !== undefined ? { field } : {}),
    ...(numerator ? { numerator } : {}),
    ...(denominator ? { denominator } : {}),
    ...(weight !== undefined ? { weight } : {}),
    ...(of !== undefined ? { of } : {}),
    scale: scale ?? defaultScale(measure, unit.target, of),
  };
}

function roleOf(value: unknown): ActualsRole | null {
  return typeof value === 'string' ? actualsRoleOf(value) : null;
}

function resolveUnit(raw: RawBinding, ctx: Ctx, fail: ErrorFn): TrackedUnit | null {
  const v = raw.values;
  const at = (k: BindingKey) => raw.lines[k] ?? raw.line;
  if (v.id !== undefined) {
    if (v.project !== undefined || v.indicator !== undefined) {
      fail(at('id'), 'give either `id` or `project` + `indicator`, not both');
      return null;
    }
    const id = typeof v.id === 'string' ? v.id.normalize('NFKC').trim() : '';
    return unitById(id, v.part, at('id'), ctx, fail);
  }
  if (typeof v.project !== 'string' || !v.project.trim()) {
    fail(at('project'), 'missing `project` (name or id) and `indicator`, or `id`');
    return null;
  }
  const project = findProject(ctx.catalogue, v.project);
  if (!project) {
    fail(
      at('project'),
      `unknown project "${v.project}"` +
        suggest(
          v.project,
          ctx.catalogue.projects.map((p) => p.name),
        ),
    );
    return null;
  }
  if (typeof v.indicator !== 'string' || !v.indicator.trim()) {
    fail(at('indicator'), 'missing `indicator` (its name as in the table)');
    return null;
  }
  const want = idSegment(v.indicator);
  const matches = project.indicators.filter((i) => idSegment(i.name) === want);
  if (matches.length === 0) {
    fail(
      at('indicator'),
      `unknown indicator "${v.indicator}" in ${project.name}` +
        suggest(
          v.indicator,
          project.indicators.map((i) => i.name),
        ),
    );
    return null;
  }
  if (matches.length > 1) {
    fail(
      at('indicator'),
      `"${v.indicator}" names ${matches.length} indicators of ${project.name} (table lines ${matches.map((m) => m.line).join(', ')}); use \`id\``,
    );
    return null;
  }
  return unitById(matches[0].id, v.part, at('indicator'), ctx, fail);
}

function unitById(id: string, part: unknown, line: number, ctx: Ctx, fail: ErrorFn): TrackedUnit | null {
  const parts = ctx.compoundParts.get(id);
  if (parts) {
    if (part === undefined || part === null) {
      fail(line, `${id} is compound: bind each part with \`part:\` (${partNames(parts, ctx).join(', ')})`);
      return null;
    }
    const label = typeof part === 'string' ? part : JSON.stringify(part);
    const unit = parts
      .map((p) => ctx.units.get(p)!)
      .find((u) => u.part === label || idSegment(u.part ?? '') === idSegment(label) || u.id === `${id}~${label}`);
    if (!unit) fail(line, `${id} has no part "${label}" (parts: ${partNames(parts, ctx).join(', ')})`);
    return unit ?? null;
  }
  const unit = ctx.units.get(id);
  if (!unit) {
    fail(line, `unknown indicator id "${id}"`);
    return null;
  }
  if (unit.kind === 'budget') {
    fail(
      line,
      `${id} is a budget execution track: it is fed by every spending event of its project, no binding needed`,
    );
    return null;
  }
  if (part !== undefined && part !== null && unit.kind !== 'part') {
    fail(line, `${id} is not compound: remove \`part\``);
    return null;
  }
  return unit;
}

function partNames(parts: string[], ctx: Ctx): string[] {
  return parts.map((p) => ctx.units.get(p)!.part ?? p);
}

interface ProjectIndex {
  byId: Map<string, ParsedProject>;
  /** First project (in catalogue order) per name segment, and per id of the form before agencies. */
  byName: Map<string, number>;
  byLegacyId: Map<string, number>;
}

/** Built once per catalogue: a province's bindings name thousands of projects among thousands. */
const projectIndexes = new WeakMap<ParsedCatalogue, ProjectIndex>();

function projectIndex(catalogue: ParsedCatalogue): ProjectIndex {
  let index = projectIndexes.get(catalogue);
  if (!index) {
    index = { byId: new Map(), byName: new Map(), byLegacyId: new Map() };
    catalogue.projects.forEach((p, n) => {
      if (!index!.byId.has(p.id)) index!.byId.set(p.id, p);
      const name = idSegment(p.name);
      if (!index!.byName.has(name)) index!.byName.set(name, n);
      const legacy = legacyProjectId(catalogue.fiscalYear, p.name);
      if (!index!.byLegacyId.has(legacy)) index!.byLegacyId.set(legacy, n);
    });
    projectIndexes.set(catalogue, index);
  }
  return index;
}

function findProject(catalogue: ParsedCatalogue, nameOrId: string): ParsedProject | undefined {
  const index = projectIndex(catalogue);
  const byId = index.byId.get(nameOrId.trim());
  if (byId) return byId;
  // By name, or by an id of the form before agencies (`2019.<project>`): the first that matches either.
  const n = Math.min(
    index.byName.get(idSegment(nameOrId)) ?? Infinity,
    index.byLegacyId.get(nameOrId.trim()) ?? Infinity,
  );
  return Number.isFinite(n) ? catalogue.projects[n] : undefined;
}

function suggest(given: string, names: string[]): string {
  const g = idSegment(given);
  const close = names.filter((n) => {
    const s = idSegment(n);
    return g.length > 1 && (s.includes(g) || g.includes(s));
  });
  return close.length
    ? ` (did you mean ${close
        .slice(0, 3)
        .map((c) => `"${c}"`)
        .join(', ')}?)`
    : '';
}

function whereClauses(
  value: unknown,
  line: number,
  from: ActualsRole,
  fields: Record<string, FieldType>,
  fail: ErrorFn,
): WhereClause[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(line, '`where` must map field names to a value or a list of values');
    return [];
  }
  const clauses: WhereClause[] = [];
  for (const [field, expected] of Object.entries(value as Record<string, unknown>)) {
    const type = fields[field];
    if (!type) {
      fail(line, `unknown field "${field}" in where for ${from} (fields: ${Object.keys(fields).join(', ')})`);
      continue;
    }
    if (from === 'spending' && (field === 'projectName' || field === 'projectId')) {
      fail(line, `where on ${field}: spending bindings already take only their own project's spending`);
      continue;
    }
    const values = Array.isArray(expected) ? expected : [expected];
    if (values.length === 0 || values.some((x) => typeof x !== type)) {
      fail(line, `where ${field}: expected ${type === 'string' ? 'text' : `a ${type}`} or a non-empty list of them`);
      continue;
    }
    const allowed = FIELD_VALUES[from]?.[field];
    const unknown = allowed ? values.filter((x) => !allowed.includes(String(x))) : [];
    if (unknown.length) {
      fail(
        line,
        `where ${field}: ${unknown.map((u) => JSON.stringify(u)).join(', ')} is not one of ${allowed!.join(', ')}`,
      );
      continue;
    }
    clauses.push({ field, values: values.map((x) => (typeof x === 'string' ? normaliseText(x) : (x as WhereValue))) });
  }
  return clauses;
}

function ratioSide(
  value: unknown,
  line: number,
  from: ActualsRole,
  fields: Record<string, FieldType>,
  fail: ErrorFn,
  checkField: (k: BindingKey, name: unknown, want?: FieldType) => string | undefined,
  key: 'numerator' | 'denominator',
): RatioSide | null {
  if (typeof value === 'string') return { field: checkField(key, value, 'number'), where: [] };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    fail(line, `\`${key}\` must be a field name, or { field?, where? }`);
    return null;
  }
  const o = value as Record<string, unknown>;
  const extra = Object.keys(o).filter((k) => k !== 'field' && k !== 'where');
  if (extra.length)
    fail(line, `unknown key ${extra.map((e) => `"${e}"`).join(', ')} in \`${key}\` (expected field, where)`);
  if (o.field === undefined && o.where === undefined) fail(line, `\`${key}\` needs a field to sum or a where to count`);
  return {
    ...(o.field !== undefined ? { field: checkField(key, o.field, 'number') } : {}),
    where: o.where !== undefined ? whereClauses(o.where, line, from, fields, fail) : [],
  };
}

/** How `where` values and event values are compared: NFKC (full-width folded), trimmed. */
/** Recent normalisations: events repeat a few categories, regions and keys (NFKC is costly per call). */
const normalised = new Map<string, string>();

export function normaliseText(s: string): string {
  let n = normalised.get(s);
  if (n === undefined) {
    n = s.normalize('NFKC').trim();
    if (s.length <= 200) {
      if (normalised.size >= 10_000) normalised.clear();
      normalised.set(s, n);
    }
  }
  return n;
}

function sortByLine(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => a.line - b.line);
}
