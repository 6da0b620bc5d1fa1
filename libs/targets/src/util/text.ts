/**
 * Small text helpers shared by the reader. NFKC is the costliest step of reading a table,
 * and most cells (plain CJK and ASCII) are already in NFKC form, so it runs only on cells
 * that hold a character it could change.
 */

/** Characters outside ASCII, CJK ideographs and the common CJK punctuation that NFKC keeps. */
const MAY_CHANGE =
  /[^\x00-\x7f\u4e00-\u9fff\u3001-\u3002\u3008-\u3011\u2018-\u201d\u2014\u2264\u2265\u00b7\u00d7\u00f7]/;

export function nfkc(text: string): string {
  return MAY_CHANGE.test(text) ? text.normalize('NFKC') : text;
}

/** A bounded cache for pure functions of a string (cells repeat across passes). */
export function memoize<T>(fn: (s: string) => T, limit = 4096): (s: string) => T {
  const cache = new Map<string, T>();
  return (s: string) => {
    const hit = cache.get(s);
    if (hit !== undefined || cache.has(s)) return hit as T;
    if (cache.size >= limit) cache.clear();
    const v = fn(s);
    cache.set(s, v);
    return v;
  };
}
