import { WALL_CLOCK } from '@iw/clock';
import { BindingsProvider, ProgressRepository } from '@iw/mongo';
import type { Progress, TrackedUnit } from '@iw/measures';
import type { Target } from '@iw/targets';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import type { CliCommand } from './command';
import { cliConfig, withMongo } from './context';

interface ProgressOptions {
  project?: string;
  json?: boolean;
}

export interface ProgressRow {
  id: string;
  project: string;
  name: string;
  target: Target;
  actual: number | null;
  numerator?: number;
  denominator?: number;
  lastEventAt: string | null;
  period: { from: string; to: string };
}

/** One row per tracked unit: indicator, compound part, or a project's budget execution. */
export function progressRows(
  units: Iterable<TrackedUnit>,
  progress: Map<string, Progress>,
  project?: string,
): ProgressRow[] {
  const rows: ProgressRow[] = [];
  for (const u of units) {
    if (project && u.projectName !== project && u.projectId !== project) continue;
    const p = progress.get(u.id);
    rows.push({
      id: u.id,
      project: u.projectName,
      name: u.kind === 'part' ? `${u.name}（${u.part}）` : u.name,
      target: u.target,
      actual: p?.actual ?? null,
      ...(p?.numerator !== undefined ? { numerator: p.numerator } : {}),
      ...(p?.denominator !== undefined ? { denominator: p.denominator } : {}),
      lastEventAt: p?.lastEventAt ?? null,
      period: u.period,
    });
  }
  return rows;
}

function formatRows(rows: ProgressRow[]): string {
  const lines: string[] = [];
  let current = '';
  for (const r of rows) {
    if (r.project !== current) {
      current = r.project;
      lines.push(`\n${r.project}`);
    }
    const actual = r.actual === null ? '—' : String(Math.round(r.actual * 100) / 100);
    const unit = 'unit' in r.target ? r.target.unit : '';
    lines.push(`  ${r.name}: ${actual}${unit}${r.lastEventAt ? `  (last event ${r.lastEventAt})` : ''}`);
  }
  return lines.join('\n').trimStart() + '\n';
}

export async function showProgress(options: ProgressOptions, io: CliIo): Promise<void> {
  const config = cliConfig();
  const rows = await withMongo(config, async (conn) => {
    const bindings = await BindingsProvider.fromConfig(conn, config).get(WALL_CLOCK.now());
    const units = [...bindings.units.values()];
    const progress = await new ProgressRepository(conn).find(units.map((u) => u.id));
    return progressRows(units, progress, options.project);
  });
  if (options.project && rows.length === 0)
    throw new CliError(`no project named ${JSON.stringify(options.project)} in the catalogue`);
  io.out(options.json ? JSON.stringify(rows, null, 2) + '\n' : formatRows(rows));
}

export const progressCommand: CliCommand = {
  name: 'progress',
  register(program, io) {
    program
      .command('progress')
      .description('current progress of every indicator, compound part and project budget, from MongoDB')
      .option('--project <name>', 'only this project (name or id)')
      .option('--json', 'print JSON')
      .action((options: ProgressOptions) => showProgress(options, io));
  },
};
