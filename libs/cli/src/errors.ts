/**
 * An error meant for the person at the terminal: printed as one line (no stack trace),
 * with its exit code. Exit codes: 0 ok, 1 input unreadable or not what was expected,
 * 2 wrong usage.
 */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
    this.name = 'CliError';
  }
}

export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;
