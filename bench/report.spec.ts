import { checkTargets, renderReport, type BenchResult } from './report';

const machine = {
  cpu: 'Test CPU',
  cores: 2,
  memGb: 24,
  os: 'Linux 6',
  node: 'v20',
  kafka: '3.9.1',
  mongo: 'FerretDB 1.24.2',
  loadAvg: [1, 1, 1],
};

function result(over: Partial<BenchResult> = {}): BenchResult {
  return {
    machine,
    at: '2026-01-01T00:00:00.000Z',
    options: {},
    ingest: {
      events: 200_000,
      partitions: 6,
      eventsPerSec: 6000,
      ceilingAPerSec: 10_000,
      ceilingBPerSec: 20_000,
      baselineCPerSec: 500,
      ratioA: 0.6,
      ratioC: 12,
      peakRssMb: 180,
      seconds: 33.3,
    },
    alertLatency: { indicators: 200, mails: 200, p50Ms: 300, p95Ms: 800, maxMs: 900, how: 'burst' },
    riskEngine: { nsPerEval: { '10000': 400, '100000': 420, '1000000': 450 } },
    sweep: {
      indicators: 100_000,
      units: 101_000,
      seconds: 20,
      newDaySeconds: 22,
      firstSeconds: 25,
      how: 'EvaluationService.sweep',
    },
    province: {
      agencies: 100,
      projects: 5871,
      indicators: 100_566,
      units: 101_000,
      importSeconds: 40,
      alertingStartSeconds: 7.5,
      statusStartSeconds: 6,
      alertingPeakRssMb: 250,
      statusPeakRssMb: 210,
      evaluateSeconds: 120,
      how: 'private FerretDB',
    },
    parser: { medianMs: 8, runs: 200, file: 'seed' },
    ...over,
  };
}

const verdicts = (r: BenchResult) => Object.fromEntries(checkTargets(r).map((c) => [c.what, c.ok]));

describe('checkTargets', () => {
  it('meets every target when every figure is inside', () => {
    expect(Object.values(verdicts(result())).every((v) => v === true)).toBe(true);
  });

  it.each([
    ['ingest / ceiling A', { ingest: { ...result().ingest!, ratioA: 0.49 } }],
    ['ingest / baseline C', { ingest: { ...result().ingest!, ratioC: 9.9 } }],
    ['ingest peak RSS', { ingest: { ...result().ingest!, peakRssMb: 301 } }],
    ['alert latency p95', { alertLatency: { ...result().alertLatency!, p95Ms: 1001 } }],
    ['risk evaluation', { riskEngine: { nsPerEval: { '10000': 900, '100000': 950, '1000000': 1100 } } }],
    ['risk evaluation flat', { riskEngine: { nsPerEval: { '10000': 200, '100000': 300, '1000000': 400 } } }],
    // A cold first size is as much a broken line as a slow last one.
    ['risk evaluation flat', { riskEngine: { nsPerEval: { '10000': 950, '100000': 500, '1000000': 510 } } }],
    ['sweep of 100000 (next day)', { sweep: { ...result().sweep!, newDaySeconds: 31 } }],
    ['sweep of 100000 (same day)', { sweep: { ...result().sweep!, seconds: 31 } }],
    ['sweep of 100000 (first)', { sweep: { ...result().sweep!, firstSeconds: 45 } }],
    ['province import (100,566 indicators)', { province: { ...result().province!, importSeconds: 61 } }],
    ['province: alerting start', { province: { ...result().province!, alertingStartSeconds: 10.5 } }],
    ['province: status start', { province: { ...result().province!, statusStartSeconds: 11 } }],
    ['province: alerting peak RSS', { province: { ...result().province!, alertingPeakRssMb: 301 } }],
    ['province: status peak RSS', { province: { ...result().province!, statusPeakRssMb: 400 } }],
    ['seed parse (median)', { parser: { medianMs: 20.5, runs: 200, file: 'seed' } }],
  ] as Array<[string, Partial<BenchResult>]>)('misses "%s"', (what, over) => {
    const v = verdicts(result(over));
    expect(v[what]).toBe(false);
    expect(Object.entries(v).filter(([k, ok]) => k !== what && ok !== true)).toEqual([]);
  });

  it('says "not measured" for a stage that failed', () => {
    const r = result({
      alertLatency: { indicators: 200, mails: 0, p50Ms: null, p95Ms: null, maxMs: null, how: 'burst', error: 'boom' },
    });
    expect(verdicts(r)['alert latency p95']).toBeNull();
    expect(renderReport(r)).toContain('not measured');
  });

  it('checks only the stages that ran', () => {
    const r: BenchResult = { machine, at: 'x', options: {}, parser: { medianMs: 3, runs: 5, file: 'seed' } };
    expect(checkTargets(r).map((c) => c.what)).toEqual(['seed parse (median)']);
  });
});

describe('renderReport', () => {
  it('shows a tiny ratio with its digits, not as 0.00', () => {
    const text = renderReport(result({ ingest: { ...result().ingest!, ratioA: 0.00115 } }));
    expect(text).toContain('0.0011');
  });

  it('prints every figure and ratio, and the verdicts', () => {
    const text = renderReport(result({ ingest: { ...result().ingest!, ratioA: 0.4 } }));
    for (const want of [
      '6,000',
      '10,000',
      '20,000',
      '500',
      '0.40',
      '12.0×',
      '180 MB',
      '300 / 800 / 900 ms',
      '450',
      '20.0 s',
      '8.00 ms',
      '7.5 s / 250 MB',
      '6.0 s / 210 MB',
      '120.0 s',
      'province of 100 agencies',
      'MISSED',
      'Test CPU',
    ]) {
      expect(text).toContain(want);
    }
  });
});
