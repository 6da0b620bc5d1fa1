import type { INestMicroservice } from '@nestjs/common';
import { FixedClock } from '@iw/clock';
import { EvaluationRepository, WatermarkRepository } from '@iw/mongo';
import { waitFor } from '@iw/testing';
import { createWorld, indicatorId, type ProjectSpec, type World } from './helpers';

/**
 * A progress message that comes before its source's first watermark, on the real broker and
 * FerretDB: its unit waits (judging it as of an unknown time could raise a false alarm) and is
 * judged as soon as ingest reports the watermark — not at the next daily sweep.
 */

jest.setTimeout(120_000);

const P = '水位等待项目';
const OWNERS = `fallback: ops@iw.test\nprojects:\n  ${P}: [p@iw.test]\n`;
const PROJECTS: ProjectSpec[] = [{ name: P, indicators: [['汽油抽检批次', '数量指标', '≥700批次']] }];
const UNIT = indicatorId(P, '汽油抽检批次');
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

it('judges a unit whose progress came before its watermark once the watermark is known', async () => {
  const { topics } = world.config().kafka;
  // A message ingest has not committed: the measurements source is neither caught up nor known.
  await world.producer.send(topics.measurements, [{ key: 'k', value: Buffer.from('{}') }]);
  app = await world.start(new FixedClock(NOW));
  await world.setProgress(UNIT, 'sum', { actual: 300 });
  const evaluations = new EvaluationRepository(world.conn);
  // It waits: no evaluation while the watermark is unknown.
  await new Promise((r) => setTimeout(r, 3000));
  expect((await evaluations.find([UNIT])).size).toBe(0);

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
});
