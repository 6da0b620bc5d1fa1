import type { INestMicroservice } from '@nestjs/common';
import { FixedClock } from '@iw/clock';
import { EvaluationRepository, WatermarkRepository } from '@iw/mongo';
import { waitFor } from '@iw/testing';
import { createWorld, indicatorId, type ProjectSpec, type World } from './helpers';

/**
 * A progress message that comes before its source's first watermark, on the real broker and
 * FerretDB: its unit waits (judging it as of an unknown time could raise a false alarm) and is
 * judged as soon as ingest reports the watermark — not at the next daily sweep. So is a unit the
 * start-up sweep found waiting (at start-up the broker may not yet say how far ingest got).
 */

jest.setTimeout(120_000);

const P = '水位等待项目';
const OWNERS = `fallback: ops@iw.test\nprojects:\n  ${P}: [p@iw.test]\n`;
const PROJECTS: ProjectSpec[] = [
  {
    name: P,
    indicators: [
      ['汽油抽检批次', '数量指标', '≥700批次'],
      ['柴油抽检批次', '数量指标', '≥500批次'],
    ],
  },
];
const UNIT = indicatorId(P, '汽油抽检批次');
const SWEPT = indicatorId(P, '柴油抽检批次');
const NOW = Date.parse('2019-07-01T12:00:00+08:00');

let world: World;
let app: INestMicroservice | undefined;

beforeAll(async () => {
  world = await createWorld(PROJECTS, OWNERS);
});

afterAll(async () => {
  await app?.close();
  await world?.teardown();
});

it('judges units that waited for their watermark once it is known: from a progress message and from the start-up sweep', async () => {
  const { topics } = world.config().kafka;
  // A message ingest has not committed: the measurements source is neither caught up nor known.
  await world.producer.send(topics.measurements, [{ key: 'k', value: Buffer.from('{}') }]);
  // Progress stored before start and never announced: only the start-up sweep looks at it.
  await world.setProgress(SWEPT, 'sum', { actual: 120 }, false);
  app = await world.start(new FixedClock(NOW));
  await world.setProgress(UNIT, 'sum', { actual: 300 });
  const evaluations = new EvaluationRepository(world.conn);
  // It waits: no evaluation while the watermark is unknown.
  await new Promise((r) => setTimeout(r, 3000));
  expect((await evaluations.find([UNIT, SWEPT])).size).toBe(0);

  await new WatermarkRepository(world.conn).advance(
    [
      {
        topic: topics.measurements,
        role: 'measurements',
        partitionCount: 2,
        partitions: [
          { partition: 0, watermark: NOW },
          { partition: 1, watermark: NOW },
        ],
      },
    ],
    new Date(),
  );
  const judged = await waitFor(async () => (await evaluations.find([UNIT])).get(UNIT), {
    timeoutMs: 10_000,
    message: 'the waiting unit judged once its watermark is known',
  });
  expect(judged.actual).toBe(300);
  expect(judged.asOf).toEqual(new Date(NOW));
  const swept = await waitFor(async () => (await evaluations.find([SWEPT])).get(SWEPT), {
    timeoutMs: 10_000,
    message: "the start-up sweep's waiting unit judged once its watermark is known",
  });
  expect(swept.actual).toBe(120);
});
