import { packageOf, summariseProfile, type CpuProfile } from './profile';

describe('packageOf', () => {
  it.each([
    ['file:///w/node_modules/kafkajs/src/protocol/decoder.js', '', 'kafkajs'],
    ['file:///w/node_modules/@nestjs/core/router.js', '', '@nestjs/core'],
    ['file:///w/node_modules/mongodb/node_modules/bson/lib/bson.cjs', '', 'bson'],
    ['file:///w/dist/libs/measures/src/apply.js', '', '@iw/measures'],
    ['file:///w/dist/apps/ingest/src/services/ingest.service.js', '', 'apps/ingest'],
    ['file:///w/.local/bench-dist/libs/clock/src/local-date.js', '', '@iw/clock'],
    ['node:internal/streams/readable', '', 'node'],
    ['', '(garbage collector)', '(garbage collector)'],
    ['', 'JSONParse', '(native)'],
  ])('%s %s → %s', (url, fn, want) => expect(packageOf(url, fn)).toBe(want));
});

describe('summariseProfile', () => {
  // root → a (kafkajs) → b (measures); idle and gc beside them. One sample per ms.
  const profile: CpuProfile = {
    startTime: 0,
    endTime: 10_000,
    nodes: [
      { id: 1, callFrame: { functionName: '(root)', url: '', lineNumber: -1 }, children: [2, 4, 5] },
      {
        id: 2,
        callFrame: { functionName: 'decode', url: 'file:///w/node_modules/kafkajs/src/decoder.js', lineNumber: 9 },
        children: [3],
      },
      {
        id: 3,
        callFrame: { functionName: 'applyEvents', url: 'file:///w/dist/libs/measures/src/apply.js', lineNumber: 99 },
      },
      { id: 4, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 } },
      { id: 5, callFrame: { functionName: '(garbage collector)', url: '', lineNumber: -1 } },
    ],
    // samples: 3×decode, 5×applyEvents, 1×idle, 1×gc (the last sample has no following delta)
    samples: [2, 2, 2, 3, 3, 3, 3, 3, 5, 4, 4],
    timeDeltas: [0, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000],
  };

  it('attributes self time by function and package, idle apart', () => {
    const s = summariseProfile(profile);
    expect(s.wallMs).toBe(10);
    expect(s.idleMs).toBe(1);
    expect(s.gcMs).toBe(1);
    expect(s.busyMs).toBe(9);
    expect(s.top.map((f) => [f.name, f.selfMs])).toEqual([
      ['applyEvents', 5],
      ['decode', 3],
      ['(garbage collector)', 1],
    ]);
    expect(s.top[0].where).toBe('libs/measures/src/apply.js:100');
    expect(s.top[1].where).toBe('kafkajs/src/decoder.js:10');
    expect(s.top[0].pct).toBe(55.6);
    expect(s.byPackage.map((p) => p.package)).toEqual(['@iw/measures', 'kafkajs', '(garbage collector)']);
  });

  it('falls back to hit counts without samples', () => {
    const s = summariseProfile({
      startTime: 0,
      endTime: 4000,
      nodes: [
        {
          id: 1,
          callFrame: { functionName: 'f', url: 'file:///w/node_modules/zod/v4/core.js', lineNumber: 0 },
          hitCount: 3,
        },
        { id: 2, callFrame: { functionName: '(idle)', url: '', lineNumber: -1 }, hitCount: 1 },
      ],
    });
    expect(s.busyMs).toBe(3);
    expect(s.byPackage).toEqual([{ package: 'zod', selfMs: 3, pct: 100 }]);
  });
});
