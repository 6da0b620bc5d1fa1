import { randomBytes } from 'node:crypto';

let counter = 0;

/**
 * A short id unique across processes and runs: `<prefix>-<time36><pid36><n><rand>`, only
 * [a-z0-9-] so it is valid as a database name, topic prefix and group id.
 */
export function uniqueId(prefix: string): string {
  counter += 1;
  const parts = [
    Date.now().toString(36),
    process.pid.toString(36),
    counter.toString(36),
    randomBytes(3).toString('hex'),
  ];
  return `${prefix}-${parts.join('')}`;
}
