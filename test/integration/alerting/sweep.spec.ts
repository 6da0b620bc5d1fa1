import type { INestMicroservice } from '@nestjs/common';
import { FixedClock, localDate } from '@iw/clock';
import { KafkaAdmin } from '@iw/kafka';
import { AlertRepository, EvaluationRepository } from '@iw/mongo';
import { waitFor } from '@iw/testing';
import { EvaluationService } from '../../../apps/alerting/src/services/evaluation.service';
import { OutboxSignal } from '../../../apps/alerting/src/services/outbox-signal';
import { createWorld, indicatorId, sweptOn, type ProjectSpec, type World } from './helpers';

/**
 * The sweep on the real broker and FerretDB: each evaluation keeps the progress it was judged
 * on; a process's first sweep reads every unit's progress, its later (daily) sweeps judge each
 * unit again on what is kept — once every progress message published so far is judged — and a
 * progress message still brings a change at once.
 */

jest.setTimeout(120_000);

const P = '巡检测试项目';
const OWNERS = `fallback: ops@iw.test\nprojects:\n  ${P}: [p@iw.test]\n`;
const PROJECTS: ProjectSpec[] = [
  {
    name: P,
    indicators: [
      ['汽油抽检批次', '数量指标', '≥700批次'],
      ['柴油抽检批次', '数量指标', '≥100批次'],
    ],
  },
];
const A = indicatorId(P, '汽油抽检批次');
const B = indicatorId(P, '柴油抽检批次');
const TZ = 'Asia/Shanghai';
const clock = new FixedClock(Date.parse('2019-07-01T12:00:00+08:00'));

let world: World;
let app: INestMicroservice | undefined;

const read = () => new EvaluationRepository(world.conn).findWithJudged([A, B]);

async function judgedOnDay(day: string) {
  return waitFor(
    async () => {
      const r = await read();
      const ok = [A, B].every((id) => {
        const e = r.evaluations.get(id);
        // What it was judged on is written just after the evaluation.
        return e && localDate(e.evaluatedAt.getTime(), TZ) === day && r.judged.has(id);
      });
      return ok ? r : null;
    },
    { timeoutMs: 30_000, message: `both units judged on ${day}` },
  );
}

/** A promise that stays pending until `open` is called. */
function gate() {
  let open = () => {};
  const held = new Promise<void>((r) => (open = r));
  return { held, open };
}

/** Holds the app's progress batches (as behind a busy sender) until `release`. */
function holdProgress(evaluation: EvaluationService) {
  const handle = evaluation.onProgressBatch.bind(evaluation);
  const g = gate();
  let restored = false;
  const spy = jest.spyOn(evaluation, 'onProgressBatch').mockImplementation(async (batch) => {
    await g.held;
    return handle(batch);
  });
  return {
    delivered: () => spy.mock.calls.length,
    release: () => {
      g.open();
      if (!restored) spy.mockRestore();
      restored = true;
    },
  };
}

beforeAll(async () => {
  world = await createWorld(PROJECTS, OWNERS);
  await world.setProgress(A, 'sum', { actual: 650 }, false);
  await world.setProgress(B, 'sum', { actual: 20 }, false);
});

afterAll(async () => {
  await app?.close();
  await world?.teardown();
});

it('keeps the progress each evaluation was judged on, and later sweeps judge on it', async () => {
  app = await world.start(clock);
  // 1. The first sweep read both units' progress and kept it beside their evaluations.
  const first = await judgedOnDay('2019-07-01');
  for (const [id, actual] of [
    [A, 650],
    [B, 20],
  ] as const) {
    expect(first.evaluations.get(id)!.actual).toBe(actual);
    expect(first.judged.get(id)).toMatchObject({ id, measure: 'sum', actual, eventCount: 5 });
    expect(first.judged.get(id)!.version).toBe(first.evaluations.get(id)!.progressVersion);
    // Kept for judging only: what ingest keeps for itself is not copied.
    expect(first.judged.get(id)).not.toHaveProperty('applied');
  }

  // 2. A progress message: judged at once on the new progress, which is kept.
  await world.setProgress(A, 'sum', { actual: 700 });
  const moved = await waitFor(
    async () => {
      const r = await read();
      return r.evaluations.get(A)!.actual === 700 && r.judged.get(A)?.actual === 700 ? r : null;
    },
    { timeoutMs: 30_000, message: 'A judged on its new progress' },
  );
  expect(moved.judged.get(A)).toMatchObject({ actual: 700, version: moved.evaluations.get(A)!.progressVersion });

  // 3. B's progress written with no message (nothing does that but a test): the next day's
  // sweep judges B on what was kept, so it read no progress document. Nothing B's evaluation
  // says moved (20 of ≥100 on 1 and on 2 July alike), so it is not written again either.
  await world.setProgress(B, 'sum', { actual: 90 }, false);
  const alertReads = jest.spyOn(app.get(AlertRepository), 'find');
  clock.advance(86_400_000);
  await sweptOn(app, '2019-07-02', TZ);
  // It read only the alerts that exist (A, on track, has none).
  const stored = await new AlertRepository(world.conn).ids();
  expect(stored.has(A)).toBe(false);
  const asked = alertReads.mock.calls.flatMap(([ids]) => ids);
  expect(asked.filter((id) => !stored.has(id))).toEqual([]);
  alertReads.mockRestore();
  const second = await read();
  expect(second.evaluations.get(B)!.actual).toBe(20);
  expect(second.evaluations.get(A)!.actual).toBe(700);
  expect(second.evaluations.get(B)!.rev).toBe(first.evaluations.get(B)!.rev);
  expect(localDate(second.evaluations.get(B)!.evaluatedAt.getTime(), TZ)).toBe('2019-07-01');
  // The sweep's record says as of when the stored evaluations hold: its own day.
  const record = await new EvaluationRepository(world.conn).lastSweep();
  expect(record).toMatchObject({ units: 3, judged: 3, waiting: 0 });
  expect(localDate(record!.asOf.getTime(), TZ)).toBe('2019-07-02');

  // 4. A new process's first sweep reads the progress again.
  await app.close();
  app = undefined;
  clock.advance(86_400_000);
  app = await world.start(clock);
  await sweptOn(app, '2019-07-03', TZ);
  const third = await read();
  expect(third.evaluations.get(B)!.actual).toBe(90);
  expect(third.judged.get(B)).toMatchObject({ actual: 90, version: third.evaluations.get(B)!.progressVersion });
  expect(localDate(third.evaluations.get(B)!.evaluatedAt.getTime(), TZ)).toBe('2019-07-03');

  // 5. A progress message alerting has not judged yet (its batch held, as behind a busy sender):
  // what is kept beside B's evaluation is older than the watermarks, so the next day's sweep
  // waits for the message, then reads B's progress instead of judging on what is kept.
  const evaluation = app.get(EvaluationService);
  const hold = holdProgress(evaluation);
  try {
    await world.setProgress(B, 'sum', { actual: 99 });
    await waitFor(() => hold.delivered() > 0, { timeoutMs: 30_000, message: "B's progress message delivered" });
    clock.advance(86_400_000);
    await sweptOn(app, '2019-07-04', TZ);
    const fifth = await read();
    expect(fifth.evaluations.get(B)!.actual).toBe(99);
    expect(fifth.judged.get(B)).toMatchObject({ actual: 99, version: fifth.evaluations.get(B)!.progressVersion });
  } finally {
    hold.release();
  }

  // 6. A message published after the sweep read where indicators.progress ended is not waited
  // for (under a steady stream there would always be one): the sweep judges on what is kept,
  // and the message brings its change when it is judged.
  await waitFor(async () => (await read()).judged.get(B)?.actual === 99, { message: "B's held message judged" });
  // (A day's sweeps asked for while one waited run after it: let them finish first.)
  await evaluation.idle();
  const admin = app.get(KafkaAdmin);
  const ends = admin.offsets.bind(admin);
  const hold6 = holdProgress(evaluation);
  // Once, right after the sweep's first read of where indicators.progress ends.
  let published = false;
  const after = jest.spyOn(admin, 'offsets').mockImplementation(async (topic) => {
    const read = await ends(topic);
    if (topic === world.config().kafka.topics.progress && !published) {
      published = true;
      await world.setProgress(A, 'sum', { actual: 710 });
    }
    return read;
  });
  try {
    clock.advance(86_400_000);
    await sweptOn(app, '2019-07-05', TZ);
    expect(published).toBe(true);
    expect((await read()).evaluations.get(A)!.actual).toBe(700);
  } finally {
    hold6.release();
    after.mockRestore();
  }
  await waitFor(async () => (await read()).evaluations.get(A)!.actual === 710, { message: "A's message judged" });

  // 7. A message this process has judged, whose documents and commit still wait for the sender
  // to be quiet: the sweep need not wait for its commit (the claims are read here), so it judges
  // B on what is kept. B's progress moved with no message: only reading every unit's progress
  // would see it.
  await evaluation.idle();
  await world.setProgress(B, 'sum', { actual: 95 }, false);
  const held7 = gate();
  const quiet = jest.spyOn(app.get(OutboxSignal), 'quiet').mockImplementation(() => held7.held);
  const here = app.get(EvaluationRepository);
  try {
    await world.setProgress(A, 'sum', { actual: 720 });
    await waitFor(async () => (await here.find([A])).get(A)?.actual === 720, { message: 'A judged, not yet written' });
    clock.advance(86_400_000);
    await sweptOn(app, '2019-07-06', TZ);
    const seventh = await here.find([A, B]);
    expect(seventh.get(B)!.actual).toBe(99);
    expect(seventh.get(A)!.actual).toBe(720);
  } finally {
    held7.open();
    quiet.mockRestore();
  }

  // 8. Sweeps asked for while one waits, having read its watermarks, are not folded into it (a
  // new day in event time asked for meanwhile would not be judged as of that day): they get one
  // sweep after it, on watermarks read then.
  await evaluation.idle();
  const sweeps = jest.spyOn(evaluation as unknown as { sweepNow: (reason: string) => Promise<void> }, 'sweepNow');
  const hold8 = holdProgress(evaluation);
  try {
    await world.setProgress(B, 'sum', { actual: 97 });
    await waitFor(() => hold8.delivered() > 0, { timeoutMs: 30_000, message: "B's progress message delivered" });
    const asked = [evaluation.sweep('test 1'), evaluation.sweep('test 2'), evaluation.sweep('test 3')];
    hold8.release();
    await Promise.all(asked);
    expect(sweeps.mock.calls.map(([reason]) => reason).filter((r) => r.startsWith('test '))).toEqual([
      'test 1',
      'test 2',
    ]);
  } finally {
    hold8.release();
    sweeps.mockRestore();
  }
});
