import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { readYamlFile } from '@iw/config';
import { idSegment, type ParsedCatalogue, type Problem } from '@iw/targets';
import {
  DEFAULT_RISK_CONFIG,
  LINEAR_PACE,
  monthlyPace,
  quarterlyPace,
  stepsPace,
  type Pace,
  type PaceStep,
  type RiskConfig,
} from './config';

/**
 * The pace file (`IW_PACE`, e.g. samples/pace.yaml): the thresholds of the risk engine and
 * which pace each indicator is judged against — per indicator, per project or per agency,
 * else the default (linear, 序时进度). Pure: text in, a plan or problems with their lines out.
 *
 *   version: 1
 *   thresholds: { tolerance: 0.1, minSample: 30, warningDays: [30, 7, 1], wilsonZ: 1.96, noForecastDays: 30 }
 *   profiles:
 *     汛期: { monthly: [0.02, 0.05, 0.1, 0.2, 0.35, 0.5, 0.65, 0.8, 0.9, 0.95, 0.98, 1] }
 *     季度均衡: { quarterly: [0.25, 0.5, 0.75, 1] }
 *     年中验收: { steps: { "06-30": 0.5, "12-31": 1 } }
 *   default: linear
 *   agencies: { <agency>: <profile> }
 *   projects: { <project name or id>: <profile> }
 *   indicators: { <project name>/<indicator name> or <indicator id>: <profile> }
 *
 * A profile is a name from `profiles` (or `linear`), or written in place. Names match the way
 * ids do (spaces and punctuation ignored); a project's budget execution (预算执行率) is always
 * judged against 序时进度, its official pace.
 */

/** Thresholds as the file names them, with the engine's defaults. */
export interface PaceThresholds {
  /** Behind the pace by more than this share of the expected value → 有可能 (at_risk). */
  tolerance: number;
  /** Ratios and means: sample (denominator) needed before a judgement other than on_track. */
  minSample: number;
  /** Deadlines, windows, recurring periods: days before the end at which a not-done item turns at_risk. */
  warningDays: readonly number[];
  /** Ratios: z of the Wilson score interval (1.96 ≈ 95 %). */
  wilsonZ: number;
  /** No pace judgement and no forecast (全年预计) in the first days of a period. */
  noForecastDays: number;
  /** The rest needs more than this multiple of the planned rate → 不可能 (off_track). */
  implausibleRateFactor: number;
  /** Means: beyond the target by more than this share, with minSample behind it → off_track. */
  levelTolerance: number;
  /** Qualitative: no assessment with this many days (or fewer) left → at_risk. */
  qualitativeDueDays: number;
}

export const DEFAULT_PACE_THRESHOLDS: Readonly<PaceThresholds> = Object.freeze({
  tolerance: DEFAULT_RISK_CONFIG.paceTolerance,
  minSample: DEFAULT_RISK_CONFIG.minSample,
  warningDays: DEFAULT_RISK_CONFIG.warningDays,
  wilsonZ: DEFAULT_RISK_CONFIG.wilsonZ,
  noForecastDays: DEFAULT_RISK_CONFIG.paceWarmupDays,
  implausibleRateFactor: DEFAULT_RISK_CONFIG.implausibleRateFactor,
  levelTolerance: DEFAULT_RISK_CONFIG.levelTolerance,
  qualitativeDueDays: DEFAULT_RISK_CONFIG.qualitativeDueDays,
});

export interface PaceAssignment {
  /** The key as written. */
  key: string;
  pace: Pace;
  line: number;
}

export interface PacePlan {
  thresholds: PaceThresholds;
  profiles: ReadonlyMap<string, Pace>;
  default: Pace;
  /** Keyed by idSegment(name) (ids as they are). */
  agencies: ReadonlyMap<string, PaceAssignment>;
  projects: ReadonlyMap<string, PaceAssignment>;
  indicators: ReadonlyMap<string, PaceAssignment>;
}

/** Every indicator linear, every threshold at its default: what runs without a pace file. */
export const DEFAULT_PACE_PLAN: PacePlan = Object.freeze({
  thresholds: DEFAULT_PACE_THRESHOLDS,
  profiles: new Map<string, Pace>(),
  default: LINEAR_PACE,
  agencies: new Map(),
  projects: new Map(),
  indicators: new Map(),
});

/**
 * The engine's configuration under the plan's thresholds. Its pace stays linear: each unit's
 * pace comes from paceFor (the plan's default included), so a budget is never judged otherwise.
 */
export function riskConfigOf(plan: PacePlan, overrides: Partial<RiskConfig> = {}): RiskConfig {
  const t = plan.thresholds;
  return {
    ...DEFAULT_RISK_CONFIG,
    paceTolerance: t.tolerance,
    minSample: t.minSample,
    warningDays: t.warningDays,
    wilsonZ: t.wilsonZ,
    paceWarmupDays: t.noForecastDays,
    implausibleRateFactor: t.implausibleRateFactor,
    levelTolerance: t.levelTolerance,
    qualitativeDueDays: t.qualitativeDueDays,
    pace: LINEAR_PACE,
    ...overrides,
  };
}

/** What a pace is chosen by. */
export interface PaceSubject {
  /** 预算单位 (agency) name; absent when unknown. */
  agency?: string;
  projectId: string;
  projectName: string;
  /** null for a project's budget execution. */
  indicatorId: string | null;
  indicatorName?: string;
}

const ID_KEY = /^\d{4}\./;

/** The pace a unit is judged against: indicator > project > agency > default; budgets linear. */
export function paceFor(plan: PacePlan, s: PaceSubject): Pace {
  if (s.indicatorId === null) return LINEAR_PACE;
  const parent = s.indicatorId.replace(/~[^~]*$/, '');
  const byIndicator =
    plan.indicators.get(parent) ??
    (s.indicatorName !== undefined
      ? plan.indicators.get(idSegment(s.projectName) + '/' + idSegment(s.indicatorName))
      : undefined);
  if (byIndicator) return byIndicator.pace;
  const byProject = plan.projects.get(s.projectId) ?? plan.projects.get(idSegment(s.projectName));
  if (byProject) return byProject.pace;
  const byAgency = s.agency !== undefined ? plan.agencies.get(idSegment(s.agency)) : undefined;
  return byAgency?.pace ?? plan.default;
}

/** Assignments that name nothing in the catalogue (typos, removed projects), with their lines. */
export function checkPacePlan(plan: PacePlan, catalogues: readonly ParsedCatalogue[]): Problem[] {
  const agencies = new Set<string>();
  const projects = new Set<string>();
  const indicators = new Set<string>();
  for (const c of catalogues)
    for (const p of c.projects) {
      agencies.add(idSegment(p.budgetUnit));
      projects.add(idSegment(p.name)).add(p.id);
      for (const i of p.indicators) indicators.add(i.id).add(idSegment(p.name) + '/' + idSegment(i.name));
    }
  const out: Problem[] = [];
  const check = (section: string, what: string, map: ReadonlyMap<string, PaceAssignment>, known: Set<string>) => {
    for (const [k, a] of map)
      if (!known.has(k))
        out.push({
          line: a.line,
          severity: 'error',
          message: `${section}: "${a.key}" names no ${what} of the catalogue`,
        });
  };
  check('agencies', 'agency (预算单位)', plan.agencies, agencies);
  check('projects', 'project', plan.projects, projects);
  check('indicators', 'indicator', plan.indicators, indicators);
  return out.sort((a, b) => a.line - b.line);
}

export class PaceFileError extends Error {
  constructor(
    readonly source: string,
    readonly problems: readonly Problem[],
  ) {
    super(
      `${source}: invalid pace file\n${problems.map((p) => `  ${source}${p.line > 0 ? `:${p.line}` : ''}: ${p.message}`).join('\n')}`,
    );
    this.name = 'PaceFileError';
  }
}

const TOP_KEYS = ['version', 'thresholds', 'profiles', 'default', 'agencies', 'projects', 'indicators'] as const;
const THRESHOLD_KEYS = Object.keys(DEFAULT_PACE_THRESHOLDS) as Array<keyof PaceThresholds>;

/** Reads a pace file; every problem carries its line. `plan` is null when there is any error. */
export function parsePacePlan(text: string): { plan: PacePlan | null; problems: Problem[] } {
  const problems: Problem[] = [];
  const { doc, lineOf, syntaxErrors } = readYamlFile(text);
  const error = (line: number, message: string) => problems.push({ line, severity: 'error', message });
  for (const e of syntaxErrors) error(e.line, e.message);
  if (syntaxErrors.length) return { plan: null, problems };

  const thresholds: PaceThresholds = { ...DEFAULT_PACE_THRESHOLDS };
  const profiles = new Map<string, Pace>([['linear', LINEAR_PACE]]);
  let defaultPace: Pace = LINEAR_PACE;
  const sections: Record<'agencies' | 'projects' | 'indicators', Map<string, PaceAssignment>> = {
    agencies: new Map(),
    projects: new Map(),
    indicators: new Map(),
  };
  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null)) return { plan: { ...DEFAULT_PACE_PLAN }, problems };
  if (!isMap(root)) {
    error(lineOf(root), 'expected a mapping (version, thresholds, profiles, default, agencies, projects, indicators)');
    return { plan: null, problems };
  }
  const pairs = new Map<string, Pair<Node, Node>>();
  for (const pair of root.items as Pair<Node, Node>[]) {
    const key = keyOf(pair);
    if (!(TOP_KEYS as readonly string[]).includes(key))
      error(lineOf(pair.key), `unknown key "${key}" (expected ${TOP_KEYS.join(', ')})`);
    else pairs.set(key, pair);
  }
  const version = pairs.get('version');
  if (version && !(isScalar(version.value) && version.value.value === 1))
    error(lineOf(version.value ?? version.key), 'version must be 1');

  const t = pairs.get('thresholds');
  if (t && !isNull(t.value)) {
    if (!isMap(t.value)) error(lineOf(t.value ?? t.key), '`thresholds` must be a mapping');
    else readThresholds(t.value, thresholds, lineOf, error);
  }

  // Profiles first: assignments refer to them by name, in any order of the file.
  const p = pairs.get('profiles');
  if (p && !isNull(p.value)) {
    if (!isMap(p.value)) error(lineOf(p.value ?? p.key), '`profiles` must be a mapping of name → profile');
    else
      for (const pair of p.value.items as Pair<Node, Node>[]) {
        const name = keyOf(pair);
        if (name === 'linear') {
          error(lineOf(pair.key), '"linear" is built in and cannot be redefined');
          continue;
        }
        const pace = readProfile(pair.value, name, lineOf, error, null);
        if (pace) profiles.set(name, pace);
      }
  }
  const d = pairs.get('default');
  if (d && !isNull(d.value)) {
    const pace = readProfile(d.value, undefined, lineOf, error, profiles);
    if (pace) defaultPace = pace;
  }
  for (const section of ['agencies', 'projects', 'indicators'] as const) {
    const s = pairs.get(section);
    if (!s || isNull(s.value)) continue;
    if (!isMap(s.value)) {
      error(lineOf(s.value ?? s.key), `\`${section}\` must be a mapping of name → profile`);
      continue;
    }
    for (const pair of s.value.items as Pair<Node, Node>[]) {
      const key = keyOf(pair).trim();
      const line = lineOf(pair.key);
      if (!key) {
        error(line, `${section}: empty name`);
        continue;
      }
      if (section === 'indicators' && !ID_KEY.test(key) && !key.includes('/')) {
        error(line, `indicators: "${key}" must be <project name>/<indicator name> or an indicator id`);
        continue;
      }
      const pace = readProfile(pair.value, undefined, lineOf, error, profiles);
      if (!pace) continue;
      const norm = normalKey(section, key);
      const before = sections[section].get(norm);
      if (before) {
        error(line, `${section}: "${key}" is the same name as "${before.key}" (line ${before.line})`);
        continue;
      }
      sections[section].set(norm, { key, pace, line });
    }
  }
  if (problems.length) return { plan: null, problems };
  profiles.delete('linear');
  return {
    plan: { thresholds, profiles, default: defaultPace, ...sections },
    problems,
  };
}

function normalKey(section: 'agencies' | 'projects' | 'indicators', key: string): string {
  if (ID_KEY.test(key)) return key;
  if (section === 'indicators') {
    const slash = key.indexOf('/');
    return idSegment(key.slice(0, slash)) + '/' + idSegment(key.slice(slash + 1));
  }
  return idSegment(key);
}

type LineOf = (node: Node | null | undefined, fallback?: number) => number;
type ErrorFn = (line: number, message: string) => void;

function keyOf(pair: Pair<Node, Node>): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function isNull(node: Node | null | undefined): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

function readThresholds(map: YAMLMap, out: PaceThresholds, lineOf: LineOf, error: ErrorFn): void {
  for (const pair of map.items as Pair<Node, Node>[]) {
    const key = keyOf(pair) as keyof PaceThresholds;
    const line = lineOf(pair.value ?? pair.key, lineOf(pair.key));
    if (!THRESHOLD_KEYS.includes(key)) {
      error(lineOf(pair.key), `thresholds: unknown key "${key}" (expected ${THRESHOLD_KEYS.join(', ')})`);
      continue;
    }
    if (key === 'warningDays') {
      const days = isSeq(pair.value) ? (pair.value.items as Node[]).map((n) => (isScalar(n) ? n.value : NaN)) : null;
      if (!days || !days.every((n) => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 366))
        error(line, 'thresholds.warningDays: a list of whole days between 0 and 366, e.g. [30, 7, 1]');
      else out.warningDays = [...new Set(days as number[])].sort((a, b) => b - a);
      continue;
    }
    const v = isScalar(pair.value) ? pair.value.value : undefined;
    const [min, max, integer, hint] = RANGES[key];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      error(line, `thresholds.${key}: ${hint} (got ${JSON.stringify(v ?? null)})`);
      continue;
    }
    (out as unknown as Record<string, number>)[key] = v;
  }
}

const RANGES: Record<Exclude<keyof PaceThresholds, 'warningDays'>, [number, number, boolean, string]> = {
  tolerance: [0, 1, false, 'a share between 0 and 1, e.g. 0.1'],
  minSample: [0, 1e9, true, 'a whole number ≥ 0, e.g. 30'],
  wilsonZ: [0.1, 10, false, 'a z score between 0.1 and 10, e.g. 1.96 (95 %)'],
  noForecastDays: [0, 366, true, 'whole days between 0 and 366, e.g. 30'],
  implausibleRateFactor: [1, 1000, false, 'a factor ≥ 1, e.g. 3'],
  levelTolerance: [0, 10, false, 'a share ≥ 0, e.g. 0.1'],
  qualitativeDueDays: [0, 366, true, 'whole days between 0 and 366, e.g. 30'],
};

/**
 * A profile: a name (`linear` or one of `profiles`, when `known` is given) or a mapping with
 * exactly one of `monthly`, `quarterly`, `steps`.
 */
function readProfile(
  node: Node | null | undefined,
  name: string | undefined,
  lineOf: LineOf,
  error: ErrorFn,
  known: ReadonlyMap<string, Pace> | null,
): Pace | null {
  const line = lineOf(node);
  if (isScalar(node) && typeof node.value === 'string') {
    if (known === null) {
      error(line, `profile "${name}": write it as monthly, quarterly or steps (a name refers to a profile)`);
      return null;
    }
    const pace = known.get(node.value);
    if (!pace) {
      error(line, `unknown profile "${node.value}" (known: ${[...known.keys()].join(', ')})`);
      return null;
    }
    return pace;
  }
  if (!isMap(node)) {
    error(line, 'a profile is a name, or one of { monthly: [...] }, { quarterly: [...] }, { steps: { MM-DD: share } }');
    return null;
  }
  const items = node.items as Pair<Node, Node>[];
  if (items.length !== 1) {
    error(line, 'a profile has exactly one of monthly, quarterly, steps');
    return null;
  }
  const kind = keyOf(items[0]);
  const value = items[0].value;
  const vline = lineOf(value, line);
  try {
    if (kind === 'monthly' || kind === 'quarterly') {
      const shares = isSeq(value) ? (value.items as Node[]).map((n) => (isScalar(n) ? n.value : NaN)) : null;
      if (!shares || !shares.every((s) => typeof s === 'number')) {
        error(vline, `${kind}: a list of cumulative shares, e.g. [0.25, 0.5, 0.75, 1]`);
        return null;
      }
      return kind === 'monthly' ? monthlyPace(shares, name) : quarterlyPace(shares, name);
    }
    if (kind === 'steps') {
      if (!isMap(value)) {
        error(vline, 'steps: a mapping of MM-DD → cumulative share, e.g. { "06-30": 0.5, "12-31": 1 }');
        return null;
      }
      const steps: PaceStep[] = (value.items as Pair<Node, Node>[]).map((pair) => ({
        at: keyOf(pair),
        share: isScalar(pair.value) && typeof pair.value.value === 'number' ? pair.value.value : NaN,
      }));
      return stepsPace(steps, name);
    }
  } catch (e) {
    error(vline, (e as Error).message);
    return null;
  }
  error(lineOf(items[0].key), `unknown profile kind "${kind}" (expected monthly, quarterly, steps)`);
  return null;
}
