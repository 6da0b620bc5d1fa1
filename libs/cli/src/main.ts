/**
 * `iw`: builds the commander program from the command registry and runs it. bin/iw.js
 * calls runCli; the exit code is returned, never process.exit()-ed from inside.
 */
import { Command, CommanderError } from 'commander';
import { processIo, type CliIo } from './cli-io';
import { COMMANDS } from './commands';
import type { CliCommand } from './commands/command';
import { CliError, EXIT } from './errors';

export function buildProgram(io: CliIo, commands: readonly CliCommand[] = COMMANDS): Command {
  const program = new Command('iw')
    .description('Indicator Watch: performance targets (绩效目标表) tracked as they happen')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError('(run with --help for usage)');
  for (const c of commands) c.register(program, io);
  // Sub-commands inherit the same output and exit behaviour.
  const apply = (cmd: Command) => {
    cmd.exitOverride().configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) });
    cmd.commands.forEach(apply);
  };
  program.commands.forEach(apply);
  return program;
}

/** Runs `argv` (as process.argv: node, script, args…) and returns the exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIo = processIo,
  commands: readonly CliCommand[] = COMMANDS,
): Promise<number> {
  const program = buildProgram(io, commands);
  try {
    await program.parseAsync([...argv]);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are "errors" to commander; commander already printed the message.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help')
        return EXIT.ok;
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof CliError) {
      io.err(`iw: ${e.message}\n`);
      return e.exitCode;
    }
    // Anything else is a bug; still one line unless asked for the stack.
    const err = e as Error;
    io.err(`iw: ${err?.message ?? String(e)}\n`);
    if (process.env.IW_DEBUG) io.err(`${err?.stack ?? ''}\n`);
    return EXIT.failed;
  }
}
