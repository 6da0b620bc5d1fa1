/**
 * A deep copy of a unit's state (JSON-like: plain objects, arrays, strings, numbers, booleans,
 * null, undefined, and the Dates and byte arrays a stored document may bring along): what
 * `structuredClone` gives for such values, about eight times faster. A state with a year of
 * daily history and a thousand kept readings took 1.5 ms to structuredClone here, 0.18 ms this
 * way; ingest copies each unit it changes once per batch. Class instances come back as plain
 * objects of their own enumerable fields (structuredClone drops their prototypes too). One
 * object held in two places (the latest assessment, also in the list) becomes two equal copies,
 * as a stored document's round trip makes it: nothing in the measures relies on the sharing.
 */
export function copyState<T>(value: T): T {
  return copy(value) as T;
}

function copy(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) out[i] = copy(v[i]);
    return out;
  }
  if (v instanceof Date) return new Date(v.getTime());
  if (ArrayBuffer.isView(v)) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v)) out[k] = copy((v as Record<string, unknown>)[k]);
  return out;
}
