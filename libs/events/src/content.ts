/**
 * What makes two deliveries of one event id "the same event": their content. A redelivery or
 * an upstream retry of the same event is harmless; the same id with different content is an
 * upstream bug (it goes to the DLQ as `conflicting_duplicate`). Ingest keeps a hash of each
 * event's bytes with its id; when the bytes differ it compares the two values as JSON with
 * keys in a canonical order, so the same event written again with other spacing or key order
 * is still the same event.
 */

/**
 * A 53-bit hash of a message value's bytes (cyrb53): a safe integer, cheap enough for every
 * message. Equal bytes, equal hash; a different hash means different bytes.
 */
export function contentHash(bytes: Uint8Array): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** JSON text with every object's keys sorted: equal for equal values, whatever the spacing and key order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const obj = value as Record<string, unknown>;
  return `{${Object.keys(obj)
    .sort()
    .filter((k) => obj[k] !== undefined)
    .map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`)
    .join(',')}}`;
}

/**
 * Whether two message values (UTF-8 text) carry the same event: the same bytes, or the same JSON
 * value. Text that is not JSON is the same only byte for byte.
 */
export function sameContent(a: string, b: string): boolean {
  if (a === b) return true;
  try {
    return canonicalJson(JSON.parse(a)) === canonicalJson(JSON.parse(b));
  } catch {
    return false;
  }
}
