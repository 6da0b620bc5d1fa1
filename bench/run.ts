/**
 * `npm run bench`: every benchmark figure in one run, on this machine, against the local
 * infrastructure (started if needed), in databases and topics of the run's own. Prints a
 * table and writes bench/results/latest.json. See bench/README.md.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { benchAlertLatency } from './alert-latency';
import { benchIngest, emptyIngestResult } from './ingest';
import { stopAll } from './spawn';
import { parseOptions, UsageError, USAGE, type BenchOptions, type Stage } from './options';
import { benchParser } from './parser';
import { benchProvince } from './province';
import { checkTargets, renderReport, type BenchResult, type ProvinceResult } from './report';
import { benchRisk } from './risk-engine';
import { benchSweep } from './sweep';
import { BenchWorld, describeMachine, infraUp, ROOT } from './world';

const started = Date.now();
function log(message: string): void {
  process.stderr.write(`[bench +${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s] ${message}\n`);
}

function emptyProvince(opts: BenchOptions): ProvinceResult {
  return {
    agencies: opts.provinceAgencies,
    projects: null,
    indicators: null,
    units: null,
    importSeconds: null,
    alertingStartSeconds: null,
    statusStartSeconds: null,
    alertingPeakRssMb: null,
    statusPeakRssMb: null,
    evaluateSeconds: null,
    how: '',
  };
}

function failure(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

async function runStage(stage: Stage, world: BenchWorld, opts: BenchOptions, result: BenchResult): Promise<boolean> {
  try {
    switch (stage) {
      case 'ingest':
        result.ingest = emptyIngestResult(opts);
        await benchIngest(world, opts, log, result.ingest);
        return !result.ingest.error;
      case 'alerts':
        result.alertLatency = { indicators: opts.alerts, mails: 0, p50Ms: null, p95Ms: null, maxMs: null, how: '' };
        await benchAlertLatency(world, opts, log, result.alertLatency);
        return !result.alertLatency.error;
      case 'risk':
        result.riskEngine = benchRisk(opts.riskSizes, log);
        return true;
      case 'sweep':
        result.sweep = { indicators: opts.sweep, units: null, seconds: null, firstSeconds: null, how: '' };
        await benchSweep(world, opts, log, result.sweep);
        return !result.sweep.error;
      case 'province':
        result.province = emptyProvince(opts);
        await benchProvince(world, opts, log, result.province);
        return !result.province.error;
      case 'parser':
        result.parser = benchParser(opts.parseRuns, log);
        return true;
    }
  } catch (e) {
    log(`${stage} failed: ${failure(e)}`);
    await stopAll();
    const error = failure(e);
    if (stage === 'ingest') result.ingest = { ...(result.ingest ?? emptyIngestResult(opts)), error };
    if (stage === 'alerts')
      result.alertLatency = {
        ...(result.alertLatency ?? {
          indicators: opts.alerts,
          mails: 0,
          p50Ms: null,
          p95Ms: null,
          maxMs: null,
          how: '',
        }),
        error,
      };
    if (stage === 'risk')
      result.riskEngine = { nsPerEval: Object.fromEntries(opts.riskSizes.map((s) => [String(s), null])), error };
    if (stage === 'sweep')
      result.sweep = {
        ...(result.sweep ?? { indicators: opts.sweep, units: null, seconds: null, firstSeconds: null, how: '' }),
        error,
      };
    if (stage === 'province') result.province = { ...(result.province ?? emptyProvince(opts)), error };
    if (stage === 'parser') result.parser = { medianMs: null, runs: opts.parseRuns, file: '', error };
  }
  return false;
}

async function main(): Promise<number> {
  let opts: BenchOptions;
  try {
    opts = parseOptions(process.argv.slice(2), path.join(ROOT, 'bench/results/latest.json'));
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    if (e.message) console.error(e.message);
    console.error(USAGE);
    return e.message ? 2 : 0;
  }
  const needsInfra = opts.stages.some((s) => s === 'ingest' || s === 'alerts' || s === 'sweep' || s === 'province');
  if (needsInfra) {
    log('infra: node infra/cli.js up');
    infraUp(log);
  }
  const result: BenchResult = {
    machine: await describeMachine(),
    at: new Date().toISOString(),
    options: { ...opts, out: path.relative(ROOT, opts.out) },
  };
  const world = new BenchWorld();
  let ok = true;
  const interrupted = () => {
    log('interrupted: stopping apps, dropping the bench databases and topics');
    void stopAll()
      .then(() => (opts.keep ? undefined : world.cleanUp(log)))
      .finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupted);
  process.once('SIGTERM', interrupted);
  try {
    for (const stage of opts.stages) {
      log(`stage ${stage}`);
      ok = (await runStage(stage, world, opts, result)) && ok;
    }
  } finally {
    await stopAll();
    if (!opts.keep) await world.cleanUp(log);
  }
  result.targets = checkTargets(result);
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, JSON.stringify(result, null, 2) + '\n');
  console.log(renderReport(result));
  console.log(`\nwritten: ${path.relative(ROOT, opts.out)}`);
  return ok ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.stack : String(e));
    process.exit(1);
  },
);
