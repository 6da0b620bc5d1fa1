import { LIMITS } from './limits';

/**
 * Structural checks on an already-parsed JSON value, applied before any schema. Events are
 * stored in MongoDB and merged into objects, so keys that MongoDB or JavaScript treat
 * specially are refused anywhere in the value, not only in known fields.
 */

export type SafetyProblem = { class: 'unsafe' | 'too_large' | 'too_deep'; message: string };

const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Why `key` may not appear in an event, or null when it may. */
export function unsafeKeyReason(key: string): string | null {
  if (PROTOTYPE_KEYS.has(key)) return `key "${key}" is reserved`;
  if (key.startsWith('$')) return `key "${key.slice(0, 40)}" starts with "$"`;
  if (key.includes('.')) return `key "${key.slice(0, 40)}" contains "."`;
  if (key.includes('\u0000')) return 'key contains a NUL character';
  return null;
}

/** Walks `value` (depth-bounded) and returns the first problem, or null. */
export function checkJsonSafety(value: unknown): SafetyProblem | null {
  return walk(value, 1, '');
}

function walk(value: unknown, depth: number, path: string): SafetyProblem | null {
  const at = path || '(root)';
  if (typeof value === 'string') {
    return value.length > LIMITS.maxStringLength
      ? { class: 'too_large', message: `${at}: string longer than ${LIMITS.maxStringLength} characters` }
      : null;
  }
  if (value === null || typeof value !== 'object') return null;
  if (depth > LIMITS.maxDepth)
    return { class: 'too_deep', message: `${at}: nested deeper than ${LIMITS.maxDepth} levels` };
  if (Array.isArray(value)) {
    if (value.length > LIMITS.maxArrayLength) {
      return { class: 'too_large', message: `${at}: array longer than ${LIMITS.maxArrayLength} elements` };
    }
    for (let i = 0; i < value.length; i++) {
      const p = walk(value[i], depth + 1, `${path}[${i}]`);
      if (p) return p;
    }
    return null;
  }
  const keys = Object.keys(value);
  if (keys.length > LIMITS.maxKeys) return { class: 'too_large', message: `${at}: more than ${LIMITS.maxKeys} keys` };
  for (const key of keys) {
    if (key.length > LIMITS.maxStringLength)
      return { class: 'too_large', message: `${at}: key longer than ${LIMITS.maxStringLength} characters` };
    const bad = unsafeKeyReason(key);
    if (bad) return { class: 'unsafe', message: `${path ? path + ': ' : ''}${bad}` };
    const p = walk((value as Record<string, unknown>)[key], depth + 1, path ? `${path}.${key}` : key);
    if (p) return p;
  }
  return null;
}
