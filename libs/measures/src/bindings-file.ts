import { isMap, isScalar, isSeq, type Node, type Pair } from 'yaml';
import { readYamlFile } from '@iw/config';
import type { Problem } from '@iw/targets';

/**
 * Reading a bindings file into raw bindings, every key with its line, so that validation can
 * name the line of whatever is wrong. Groups (`project` + `indicators`) are flattened here.
 */

export const BINDING_KEYS = [
  'project',
  'indicator',
  'id',
  'part',
  'from',
  'where',
  'measure',
  'field',
  'numerator',
  'denominator',
  'weight',
  'of',
  'scale',
  'note',
] as const;
export type BindingKey = (typeof BINDING_KEYS)[number];

export interface RawBinding {
  line: number;
  values: Partial<Record<BindingKey, unknown>>;
  lines: Partial<Record<BindingKey, number>>;
}

export type ErrorFn = (line: number, message: string) => void;
type LineOf = (node: Node | null | undefined, fallback?: number) => number;

export function readBindingsFile(text: string): { raws: RawBinding[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const { doc, lineOf, syntaxErrors } = readYamlFile(text);
  const error = (line: number, message: string) => problems.push({ line, severity: 'error', message });
  for (const e of syntaxErrors) error(e.line, e.message);
  if (syntaxErrors.length) return { raws: [], problems };

  const raws: RawBinding[] = [];
  const root = doc.contents;
  if (root !== null && !isMap(root)) {
    error(lineOf(root), 'expected a mapping with `version: 1` and `bindings:`');
  } else if (root) {
    for (const pair of root.items as Pair<Node, Node>[]) {
      const key = scalarKey(pair);
      if (key === 'version') {
        if (!isScalar(pair.value) || pair.value.value !== 1) error(lineOf(pair.value ?? pair.key), 'version must be 1');
      } else if (key === 'bindings') {
        if (pair.value === null || (isScalar(pair.value) && pair.value.value === null)) continue;
        if (!isSeq(pair.value)) {
          error(lineOf(pair.value ?? pair.key), '`bindings` must be a list');
          continue;
        }
        for (const item of pair.value.items as Node[]) collect(item, undefined, raws, lineOf, error);
      } else {
        error(lineOf(pair.key), `unknown key "${key}" (expected version, bindings)`);
      }
    }
  }

  return { raws, problems };
}

function scalarKey(pair: Pair<Node, Node>): string {
  return isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
}

function collect(
  item: Node,
  group: { project: unknown; line: number } | undefined,
  out: RawBinding[],
  lineOf: LineOf,
  error: ErrorFn,
): void {
  const line = lineOf(item);
  if (!isMap(item)) {
    error(line, 'each binding must be a mapping');
    return;
  }
  const pairs = item.items as Pair<Node, Node>[];
  const isGroup = !group && pairs.some((p) => scalarKey(p) === 'indicators');
  if (isGroup) {
    let project: unknown;
    let list: Node | null = null;
    for (const p of pairs) {
      const key = scalarKey(p);
      if (key === 'project') project = p.value ? p.value.toJSON() : null;
      else if (key === 'indicators') list = p.value;
      else if (key !== 'note')
        error(lineOf(p.key), `unknown key "${key}" in a project group (expected project, indicators, note)`);
    }
    if (typeof project !== 'string') error(line, 'a group needs `project:` (the project name or id)');
    if (!list || !isSeq(list)) {
      error(lineOf(list, line), '`indicators` must be a list of bindings');
      return;
    }
    for (const child of list.items as Node[]) collect(child, { project, line }, out, lineOf, error);
    return;
  }
  const raw: RawBinding = { line, values: {}, lines: {} };
  if (group) {
    raw.values.project = group.project;
    raw.lines.project = group.line;
  }
  for (const p of pairs) {
    const key = scalarKey(p);
    if (!(BINDING_KEYS as readonly string[]).includes(key)) {
      error(lineOf(p.key), `unknown key "${key}" (expected ${BINDING_KEYS.join(', ')})`);
      continue;
    }
    if (group && (key === 'project' || key === 'id')) {
      error(lineOf(p.key), `"${key}" is given by the group; name the indicator`);
      continue;
    }
    raw.values[key as BindingKey] = p.value ? p.value.toJSON() : null;
    raw.lines[key as BindingKey] = lineOf(p.value ?? p.key, line);
  }
  out.push(raw);
}
