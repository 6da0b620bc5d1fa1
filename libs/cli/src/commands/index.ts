/**
 * The one list of `iw` sub-commands. To add one: write commands/<name>.ts exporting a
 * CliCommand, and list it here.
 */
import { alertsCommand } from './alerts';
import type { CliCommand } from './command';
import { dlqCommand } from './dlq';
import { eventsPublishCommand } from './events-publish';
import { simulateCommand } from './simulate';
import { simulateProvinceCommand } from './simulate-province';
import { mailStatsCommand } from './mail-stats';
import { peopleCommand } from './people';
import { policyCheckCommand } from './policy';
import { progressCommand } from './progress';
import { progressRebuildCommand } from './progress-rebuild';
import { reportCommand } from './report';
import { yearsCommand } from './years';
import { targetsImportCommand } from './targets-import';
import { targetsParseCommand } from './targets-parse';

export const COMMANDS: readonly CliCommand[] = [
  targetsParseCommand,
  targetsImportCommand,
  progressCommand,
  progressRebuildCommand,
  alertsCommand,
  policyCheckCommand,
  mailStatsCommand,
  reportCommand,
  yearsCommand,
  peopleCommand,
  eventsPublishCommand,
  dlqCommand,
  simulateCommand,
  simulateProvinceCommand,
];
