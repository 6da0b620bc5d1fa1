/**
 * A sub-command of `iw` lives in its own file under commands/ and is listed once in
 * commands/index.ts. Commands sharing a first word (`iw targets parse`, `iw targets
 * import`) attach to the same group via `group()`, whichever file registers first.
 */
import { Command, InvalidArgumentError } from 'commander';
import type { CliIo } from '../cli-io';

export interface CliCommand {
  /** e.g. `targets parse`; for listings and tests. */
  readonly name: string;
  register(program: Command, io: CliIo): void;
}

/** The `iw <name>` group command, created on first use. */
export function group(program: Command, name: string, description: string): Command {
  const existing = program.commands.find((c) => c.name() === name);
  if (existing) return existing;
  return program.command(name).description(description);
}

/** `--year 2019`: a four-digit fiscal year. */
export function parseYear(value: string): number {
  if (!/^(19|20|21)\d{2}$/.test(value)) throw new InvalidArgumentError('expected a fiscal year such as 2019');
  return Number(value);
}
