export { runCli, buildProgram } from './main';
export { CliError, EXIT } from './errors';
export { processIo, memoryIo, type CliIo } from './cli-io';
export { group, parseYear, type CliCommand } from './commands/command';
export { COMMANDS } from './commands';
export { loadCatalogue, formatSummary } from './commands/targets-parse';
