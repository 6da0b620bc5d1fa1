/**
 * `iw simulate province --agencies 100 --seed N --out <folder> [--year 2019] [--indicators N]`:
 * writes a province to test with — one target table per agency under `<folder>/targets/` (both
 * templates), `owners.yaml` and `bindings.yaml` — deterministically from the seed. Import it
 * with `iw targets import <folder>/targets --owners <folder>/owners.yaml`.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { generateProvince, MAX_PROVINCE_AGENCIES } from '@iw/simulator';
import { InvalidArgumentError } from 'commander';
import type { CliIo } from '../cli-io';
import { CliError } from '../errors';
import { group, parseYear, type CliCommand } from './command';

export interface ProvinceOptions {
  agencies: number;
  seed: number;
  out: string;
  year?: number;
  indicators?: number;
}

function integer(lo: number, hi: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!/^\d+$/.test(value) || n < lo || n > hi)
      throw new InvalidArgumentError(`expected an integer from ${lo} to ${hi}`);
    return n;
  };
}

export function simulateProvince(o: ProvinceOptions, io: CliIo): void {
  if (fs.existsSync(o.out) && fs.readdirSync(o.out).length > 0)
    throw new CliError(`${o.out}: not empty; give a new or empty folder`);
  const p = generateProvince({
    agencies: o.agencies,
    seed: o.seed,
    fiscalYear: o.year,
    indicatorsPerAgency: o.indicators,
  });
  for (const f of p.files) {
    const target = path.join(o.out, ...f.path.split('/'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    fs.writeFileSync(target, f.text);
  }
  const templates = (t: string) => p.agencies.filter((a) => a.template === t).length;
  io.out(
    [
      `${o.out}: fiscal year ${p.fiscalYear}, ${p.agencies.length} agencies, ${p.projects} projects, ${p.indicators} indicators`,
      `  targets/: ${templates('one-column')} one-column tables (.txt), ${templates('split-column')} split-column tables (.csv)`,
      '  owners.yaml, bindings.yaml',
      `import: npx iw targets import ${path.join(o.out, 'targets')} --owners ${path.join(o.out, 'owners.yaml')}`,
      '',
    ].join('\n'),
  );
}

export const simulateProvinceCommand: CliCommand = {
  name: 'simulate province',
  register(program, io) {
    group(program, 'simulate', 'replay a plausible year of actuals')
      .command('province')
      .description('write the target tables, owners and bindings of a province of agencies to test with')
      .requiredOption('--out <folder>', 'a new or empty folder to write to')
      .option('--agencies <n>', 'how many agencies (预算单位)', integer(1, MAX_PROVINCE_AGENCIES), 100)
      .option('--seed <n>', 'the same seed, the same province', integer(0, 2 ** 31 - 1), 1)
      .option('--year <year>', 'fiscal year', parseYear)
      .option('--indicators <n>', 'average indicators per agency (default 1000)', integer(20, 5000))
      .action((options: ProvinceOptions) => simulateProvince(options, io));
  },
};
