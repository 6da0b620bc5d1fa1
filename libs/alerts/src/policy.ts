import type { Status } from '@iw/risk';
import { isMap, isScalar, isSeq, type Node, type Pair, type YAMLMap } from 'yaml';
import { addDays, localDate, startOfLocalDay } from '@iw/clock';
import { parseDuration, readYamlFile } from '@iw/config';

/**
 * The notification policy (IW_POLICY, default samples/policy.yaml), after Alertmanager's
 * routing tree: `defaults` hold every setting; `routes` are tried in order and the first whose
 * matchers all match (agency, project, status) overrides what it names. Pure: text in, a
 * policy or problems with their lines out; `routeFor` picks the settings of one alert.
 *
 *   version: 1
 *   defaults:
 *     receivers: [owners]        # owners: the indicator's owners; office: the agency's office people
 *     group_wait: 30s            # a change mail waits this long for others to the same person (IW_GROUP_WAIT)
 *     group_interval: 1h         # after a mail, a person's next one waits this long since it (IW_GROUP_INTERVAL)
 *     repeat_interval: 7d        # a standing alert is reminded at most this often … (IW_REPEAT_INTERVAL)
 *     escalate_after: 7d         # … and not acknowledged this long, it goes to the office people
 *     no_data_reminder: true     # one 缺报提醒 when an indicator still has no data after the grace
 *     digest: { day: monday, time: "09:00" }   # … in one weekly digest per person (local time)
 *   routes:
 *     - match: { status: off_track }
 *       receivers: [owners, office]
 */

export const RECEIVERS = ['owners', 'office'] as const;
export type Receiver = (typeof RECEIVERS)[number];

/** The settings one alert is handled with. */
export interface RouteSettings {
  receivers: readonly Receiver[];
  groupWaitMs: number;
  /** After a mail to a person, their next one waits until this long since it was sent (then takes all that arose). 0: no spacing. */
  groupIntervalMs: number;
  /** Reminders of a standing alert: at most one per interval, in the weekly digest. 0: none. */
  repeatIntervalMs: number;
  /** Not acknowledged this long after it opened: escalated to the agency's office people. 0: never. */
  escalateAfterMs: number;
  /** One 缺报提醒 when the unit still has no data after the grace (IW_NO_DATA_GRACE). */
  noDataReminder: boolean;
}

export interface RouteMatch {
  agency?: readonly string[];
  /** Project names or ids. */
  project?: readonly string[];
  status?: readonly Status[];
}

export interface PolicyRoute {
  match: RouteMatch;
  settings: Partial<RouteSettings>;
  line: number;
}

/** When reminders go out: one digest per person per week, at local `weekday` `hour`:`minute`. */
export interface DigestSchedule {
  /** 0 Sunday … 6 Saturday. */
  weekday: number;
  hour: number;
  minute: number;
}

export interface NotificationPolicy {
  defaults: RouteSettings;
  digest: DigestSchedule;
  routes: readonly PolicyRoute[];
}

export const DEFAULT_POLICY: NotificationPolicy = {
  defaults: {
    receivers: ['owners'],
    groupWaitMs: 30_000,
    groupIntervalMs: 3_600_000,
    repeatIntervalMs: 7 * 86_400_000,
    escalateAfterMs: 7 * 86_400_000,
    noDataReminder: true,
  },
  digest: { weekday: 1, hour: 9, minute: 0 },
  routes: [],
};

/**
 * The defaults a policy file's unset keys take: the environment's durations (IW_GROUP_WAIT,
 * IW_GROUP_INTERVAL, IW_REPEAT_INTERVAL), the rest as in DEFAULT_POLICY. What alerting runs
 * with and what `iw policy check` shows.
 */
export function policyBase(env: {
  groupWaitMs: number;
  groupIntervalMs: number;
  repeatIntervalMs: number;
}): RouteSettings {
  return {
    ...DEFAULT_POLICY.defaults,
    groupWaitMs: env.groupWaitMs,
    groupIntervalMs: env.groupIntervalMs,
    repeatIntervalMs: env.repeatIntervalMs,
  };
}

export interface PolicyProblem {
  line: number;
  message: string;
}

const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const STATUSES: readonly Status[] = ['on_track', 'at_risk', 'off_track', 'achieved', 'missed', 'no_data', 'manual'];
const TOP_KEYS = ['version', 'defaults', 'routes'];
/** The settings a policy's defaults and routes may name (digest only in defaults). */
export const POLICY_SETTING_KEYS = [
  'receivers',
  'group_wait',
  'group_interval',
  'repeat_interval',
  'escalate_after',
  'no_data_reminder',
];
const DURATION_KEYS: Record<string, keyof RouteSettings> = {
  group_wait: 'groupWaitMs',
  group_interval: 'groupIntervalMs',
  repeat_interval: 'repeatIntervalMs',
  escalate_after: 'escalateAfterMs',
};
const MATCH_KEYS = ['agency', 'project', 'status'] as const;

function pairsOf(map: YAMLMap<unknown, unknown>): Pair<Node, Node>[] {
  return map.items as Pair<Node, Node>[];
}

function keyOf(pair: Pair<Node, Node>): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

/** Reads a policy file; every problem names its line and key. `policy` is null on any problem. */
export function parsePolicy(
  text: string,
  base: RouteSettings = DEFAULT_POLICY.defaults,
): { policy: NotificationPolicy | null; problems: PolicyProblem[] } {
  const problems: PolicyProblem[] = [];
  const { doc, lineOf, syntaxErrors } = readYamlFile(text);
  const error = (line: number, message: string) => problems.push({ line, message });
  for (const e of syntaxErrors) error(e.line, e.message);
  if (syntaxErrors.length) return { policy: null, problems };

  const root = doc.contents;
  if (root === null || (isScalar(root) && root.value === null))
    return { policy: { ...DEFAULT_POLICY, defaults: base }, problems };
  if (!isMap(root)) {
    error(lineOf(root), `expected a mapping (${TOP_KEYS.join(', ')})`);
    return { policy: null, problems };
  }
  const defaults: RouteSettings = { ...base };
  let digest: DigestSchedule = { ...DEFAULT_POLICY.digest };
  const routes: PolicyRoute[] = [];

  const readSettings = (
    map: YAMLMap<unknown, unknown>,
    where: string,
    extra: readonly string[],
  ): Partial<RouteSettings> => {
    const out: Partial<RouteSettings> = {};
    for (const pair of pairsOf(map)) {
      const key = keyOf(pair);
      const line = lineOf(pair.value ?? pair.key, lineOf(pair.key));
      if (extra.includes(key)) continue;
      if (key === 'receivers') {
        const values = isSeq(pair.value) ? pair.value.items : [pair.value];
        const receivers: Receiver[] = [];
        for (const v of values) {
          const name = isScalar(v) ? String(v.value) : '';
          if ((RECEIVERS as readonly string[]).includes(name)) receivers.push(name as Receiver);
          else
            error(lineOf(v as Node, line), `${where}.receivers: "${name}" is not a receiver (${RECEIVERS.join(', ')})`);
        }
        if (receivers.length === 0 && values.length === 0)
          error(line, `${where}.receivers: name at least one receiver`);
        out.receivers = [...new Set(receivers)];
      } else if (key === 'no_data_reminder') {
        if (isScalar(pair.value) && typeof pair.value.value === 'boolean') out.noDataReminder = pair.value.value;
        else error(line, `${where}.no_data_reminder: expected true or false`);
      } else if (key in DURATION_KEYS) {
        const raw = isScalar(pair.value) ? String(pair.value.value) : '';
        try {
          out[DURATION_KEYS[key] as 'groupWaitMs'] = parseDuration(raw);
        } catch (e) {
          error(line, `${where}.${key}: ${(e as Error).message}`);
        }
      } else {
        error(
          lineOf(pair.key),
          `${where}: unknown key "${key}" (expected ${[...POLICY_SETTING_KEYS, ...extra].join(', ')})`,
        );
      }
    }
    return out;
  };

  for (const pair of root.items as Pair<Node, Node>[]) {
    const key = keyOf(pair);
    const line = lineOf(pair.value ?? pair.key, lineOf(pair.key));
    if (key === 'version') {
      if (!isScalar(pair.value) || Number(pair.value.value) !== 1) error(line, 'version: must be 1');
    } else if (key === 'defaults') {
      if (!isMap(pair.value)) {
        error(line, 'defaults: expected a mapping');
        continue;
      }
      Object.assign(defaults, readSettings(pair.value, 'defaults', ['digest']));
      const d = pairsOf(pair.value).find((p) => keyOf(p) === 'digest');
      if (d) digest = readDigest(d.value, lineOf(d.value ?? d.key, lineOf(d.key)), lineOf, error) ?? digest;
    } else if (key === 'routes') {
      if (!isSeq(pair.value)) {
        error(line, 'routes: expected a list of routes');
        continue;
      }
      pair.value.items.forEach((item, i) => {
        const where = `routes[${i}]`;
        const routeLine = lineOf(item as Node, line);
        if (!isMap(item)) {
          error(routeLine, `${where}: expected a mapping with match and settings`);
          return;
        }
        const m = pairsOf(item).find((p) => keyOf(p) === 'match');
        if (!m || !isMap(m.value)) {
          error(routeLine, `${where}.match: required, a mapping of ${MATCH_KEYS.join(', ')}`);
          return;
        }
        const match: RouteMatch = {};
        for (const mp of pairsOf(m.value)) {
          const mk = keyOf(mp);
          const mline = lineOf(mp.value ?? mp.key, routeLine);
          if (!(MATCH_KEYS as readonly string[]).includes(mk)) {
            error(lineOf(mp.key, routeLine), `${where}.match: unknown key "${mk}" (expected ${MATCH_KEYS.join(', ')})`);
            continue;
          }
          const values = (isSeq(mp.value) ? mp.value.items : [mp.value]).map((v) =>
            isScalar(v) && ['string', 'number'].includes(typeof v.value)
              ? String(v.value as string | number).trim()
              : '',
          );
          if (values.length === 0 || values.some((v) => v === '')) {
            error(mline, `${where}.match.${mk}: expected a name or a list of names`);
            continue;
          }
          if (mk === 'status') {
            const bad = values.filter((v) => !(STATUSES as readonly string[]).includes(v));
            if (bad.length) error(mline, `${where}.match.status: "${bad[0]}" is not a status (${STATUSES.join(', ')})`);
            match.status = values as Status[];
          } else match[mk as 'agency' | 'project'] = values;
        }
        const settings = readSettings(item, where, ['match']);
        routes.push({ match, settings, line: routeLine });
      });
    } else error(lineOf(pair.key), `unknown key "${key}" (expected ${TOP_KEYS.join(', ')})`);
  }
  if (problems.length) return { policy: null, problems };
  return { policy: { defaults, digest, routes }, problems };
}

function readDigest(
  node: Node | null,
  line: number,
  lineOf: (n: Node | null | undefined, fallback?: number) => number,
  error: (line: number, message: string) => void,
): DigestSchedule | null {
  if (!isMap(node)) {
    error(line, 'defaults.digest: expected a mapping { day, time }');
    return null;
  }
  const out: DigestSchedule = { ...DEFAULT_POLICY.digest };
  let ok = true;
  for (const pair of pairsOf(node)) {
    const key = keyOf(pair);
    const value = isScalar(pair.value) ? String(pair.value.value).trim().toLowerCase() : '';
    const at = lineOf(pair.value ?? pair.key, line);
    if (key === 'day') {
      const i = WEEKDAYS.indexOf(value);
      if (i < 0) {
        error(at, `defaults.digest.day: "${value}" is not a weekday (monday … sunday)`);
        ok = false;
      } else out.weekday = i;
    } else if (key === 'time') {
      const m = /^([01]?\d|2[0-3]):([0-5]\d)$/.exec(value);
      if (!m) {
        error(at, `defaults.digest.time: "${value}" is not a local time HH:MM (e.g. "09:00")`);
        ok = false;
      } else {
        out.hour = Number(m[1]);
        out.minute = Number(m[2]);
      }
    } else {
      error(lineOf(pair.key, line), `defaults.digest: unknown key "${key}" (expected day, time)`);
      ok = false;
    }
  }
  return ok ? out : null;
}

/** What an alert is matched on. */
export interface AlertLabels {
  agency: string | null;
  projectId: string;
  projectName: string;
  status: Status;
}

/** The settings of the first route whose matchers all match, over the defaults. */
export function routeFor(policy: NotificationPolicy, labels: AlertLabels): RouteSettings {
  for (const r of policy.routes) {
    const m = r.match;
    if (m.agency && !(labels.agency !== null && m.agency.includes(labels.agency))) continue;
    if (m.project && !m.project.some((p) => p === labels.projectName || p === labels.projectId)) continue;
    if (m.status && !m.status.includes(labels.status)) continue;
    return { ...policy.defaults, ...r.settings };
  }
  return policy.defaults;
}

const DAY_MS = 86_400_000;

/** The latest weekly digest slot at or before `now` (ms), in local time of `timeZone`. */
export function digestSlotAtOrBefore(now: number, schedule: DigestSchedule, timeZone: string): number {
  const today = localDate(now, timeZone);
  for (let back = 0; back <= 7; back++) {
    const date = addDays(today, -back);
    const [y, m, d] = date.split('-').map(Number);
    if (new Date(Date.UTC(y, m - 1, d)).getUTCDay() !== schedule.weekday) continue;
    const slot = startOfLocalDay(date, timeZone) + schedule.hour * 3_600_000 + schedule.minute * 60_000;
    if (slot <= now) return slot;
  }
  // Unreachable: within 8 days back one slot of the weekday is before now.
  return now - 7 * DAY_MS;
}

/** The first weekly digest slot strictly after `now`. */
export function nextDigestSlot(now: number, schedule: DigestSchedule, timeZone: string): number {
  const last = digestSlotAtOrBefore(now, schedule, timeZone);
  const date = addDays(localDate(last, timeZone), 7);
  return startOfLocalDay(date, timeZone) + schedule.hour * 3_600_000 + schedule.minute * 60_000;
}
