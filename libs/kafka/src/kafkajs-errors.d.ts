/** kafkajs's table of broker error codes (not in its typings; the package is pinned in package.json). */
declare module 'kafkajs/src/protocol/error' {
  export const errorCodes: ReadonlyArray<{ type: string; code: number; retriable: boolean; message: string }>;
}
