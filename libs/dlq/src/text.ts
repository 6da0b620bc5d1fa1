/**
 * Untrusted text (a rejected message's bytes, key, reason) as one quoted, escaped line for a
 * terminal: JSON string escapes for C0 controls, quotes and backslashes, and `\uXXXX` for what
 * JSON leaves raw but a terminal or editor acts on (DEL, C1 controls such as CSI, line and
 * paragraph separators, bidirectional overrides).
 */
export function quoted(text: string, max = Infinity): string {
  const cut = text.length > max ? `${text.slice(0, max)}…` : text;
  return JSON.stringify(cut).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
