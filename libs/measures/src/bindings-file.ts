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

/**
 * A province's bindings file has thousands of bindings (2 MB): parsed as one YAML document, its
 * syntax tree and document took 120 MB at once, for 40 MB of tracked units. So the list under
 * `bindings:` is read a few dozen bindings at a time (readInPieces), each piece a document of its
 * own whose lines are offset to the file's; the whole file is parsed at once only when it is not
 * of that plain shape, or when a piece shows any problem (so every message is exactly the one
 * the whole file gives).
 */
export function readBindingsFile(text: string): BindingsRead {
  return finish(readSteps(text));
}

/**
 * readBindingsFile, giving the event loop a turn after each piece: a service reads the file
 * while its catalogue comes in from the store (for a province, both take seconds).
 */
export async function readBindingsFileAsync(text: string): Promise<BindingsRead> {
  const steps = readSteps(text);
  for (let r = steps.next(); ; r = steps.next()) {
    if (r.done) return r.value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** What a bindings file says: its raw bindings, and its problems (the file's own: YAML, keys). */
export interface BindingsRead {
  raws: RawBinding[];
  problems: Problem[];
}

/** A reading that pauses (yields) between its pieces. */
type Steps<T> = Generator<void, T, void>;

function finish<T>(steps: Steps<T>): T {
  for (;;) {
    const r = steps.next();
    if (r.done) return r.value;
  }
}

function* readSteps(text: string): Steps<BindingsRead> {
  return (yield* piecesOf(text)) ?? readWhole(text);
}

/** The whole file as one YAML document (exported for the tests). */
export function readWhole(text: string): BindingsRead {
  const problems: Problem[] = [];
  const { doc, lineOf, syntaxErrors } = readYamlFile(text);
  const error = (line: number, message: string) => problems.push({ line, severity: 'error', message });
  for (const e of syntaxErrors) error(e.line, e.message);
  if (syntaxErrors.length) return { raws: [], problems };
  const raws: RawBinding[] = [];
  readTop(doc.contents, lineOf, error, (items) => {
    for (const item of items) collect(item, undefined, raws, lineOf, error);
  });
  return { raws, problems };
}

/** The top-level mapping: `version: 1` and `bindings:` (whose items go to `onItems`). */
function readTop(root: unknown, lineOf: LineOf, error: ErrorFn, onItems: (items: Node[]) => void): void {
  if (root !== null && !isMap(root)) {
    error(lineOf(root as Node), 'expected a mapping with `version: 1` and `bindings:`');
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
        onItems(pair.value.items as Node[]);
      } else {
        error(lineOf(pair.key), `unknown key "${key}" (expected version, bindings)`);
      }
    }
  }
}

/** About how much of the list one piece holds (characters): small pieces die young (a province's file: 130 MB peak at 4,000 and 8,000 characters, 150 MB at 32,000). */
const PIECE_CHARS = 4_000;
const BLANK = /^[ ]*(#.*)?\r?$/;

/**
 * The file read piece by piece, or null when it is not of the plain shape (one `bindings:` key
 * at the left margin, its value a block list below it, no document markers or directives, no
 * tabs) or when any piece (or what is left around the list) has a problem. A list item starts
 * with `-` at the list's indentation; the list ends at the first other line that is not blank
 * or a comment and is indented less. Anything more unusual (an alias to an anchor in another
 * item, say) is a problem in its piece, and the whole file is then read as one document.
 */
export function readInPieces(text: string): BindingsRead | null {
  return finish(piecesOf(text));
}

function* piecesOf(text: string): Steps<BindingsRead | null> {
  const lines = text.split('\n');
  let at = -1;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    if (/^(---|\.\.\.|%)/.test(l) || l.startsWith('\t')) return null;
    if (/^bindings[ ]*:/.test(l)) {
      if (at !== -1 || !/^bindings[ ]*:[ ]*(#.*)?\r?$/.test(l)) return null;
      at = i;
    }
  }
  if (at === -1) return null;
  let first = at + 1;
  while (first < lines.length && BLANK.test(lines[first])) first++;
  const head = /^([ ]*)-(?:[ ]|\r?$)/.exec(lines[first] ?? '');
  if (!head) return null;
  const indent = head[1].length;
  const isItem = (l: string) => l.length > indent && l.startsWith(head[1]) && /^-(?:[ ]|\r?$)/.test(l.slice(indent));
  // [start, end) line ranges of pieces, each beginning with an item.
  const pieces: Array<[number, number]> = [];
  let start = first;
  let size = 0;
  let end = first;
  for (; end < lines.length; end++) {
    const l = lines[end];
    if (isItem(l)) {
      if (size >= PIECE_CHARS) {
        pieces.push([start, end]);
        start = end;
        size = 0;
      }
    } else if (!BLANK.test(l)) {
      const ind = /^[ ]*/.exec(l)![0].length;
      if (ind < indent || (indent === 0 && ind === 0)) break; // the list has ended
      if (ind === indent) return null; // not a list item at the list's indentation
    }
    size += l.length + 1;
  }
  pieces.push([start, end]);

  const problems: Problem[] = [];
  const error = (line: number, message: string) => problems.push({ line, severity: 'error', message });
  const raws: RawBinding[] = [];
  // What is around the list, the list's lines left blank (so every line keeps its number).
  const rest = [...lines.slice(0, first), ...lines.slice(first, end).map(() => ''), ...lines.slice(end)].join('\n');
  const top = readYamlFile(rest);
  if (top.syntaxErrors.length) return null;
  let sawList = false;
  readTop(top.doc.contents, top.lineOf, error, () => (sawList = true));
  if (sawList || problems.length) return null;
  for (const [from, to] of pieces) {
    // Ended by a line break: a piece of a CRLF file would otherwise end in a lone CR, which YAML refuses.
    const piece = readYamlFile(lines.slice(from, to).join('\n') + '\n');
    if (piece.syntaxErrors.length || !isSeq(piece.doc.contents)) return null;
    const lineOf: LineOf = (node, fallback = 1) => (node?.range ? piece.lineOf(node) + from : fallback);
    for (const item of piece.doc.contents.items as Node[]) collect(item, undefined, raws, lineOf, error);
    if (problems.length) return null;
    yield;
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
