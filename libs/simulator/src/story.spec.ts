import { decodeActual, keyFor, type ActualsEvent } from '@iw/events';
import { sampleStoryInput } from './sample';
import { buildStory, expectationsOn, summarizeStory, type StoryEvent } from './story';
import { judgeStory } from './verify';

const input = sampleStoryInput();
const story = buildStory(input, { seed: 1, runId: 't1' });
const valid = story.events.filter((e) => !e.malformed);
// Decoding, routing and applying a whole year takes a few seconds: once for the file.
let judgedOnce: ReturnType<typeof judgeStory> | undefined;
const judged = () => (judgedOnce ??= judgeStory(input, story.events, []));
const essence = (e: StoryEvent) => ({ role: e.role, at: e.at, key: e.key, value: e.value });

describe('buildStory on the seed catalogue', () => {
  it('is deterministic for a seed', () => {
    expect(buildStory(input, { seed: 1, runId: 't1' }).events.map(essence)).toEqual(story.events.map(essence));
    const other = buildStory(input, { seed: 2, runId: 't1' }).events.map(essence);
    expect(other).not.toEqual(story.events.map(essence));
  });

  it('changes only the event ids with the run id', () => {
    const again = buildStory(input, { seed: 1, runId: 'second-run' });
    const strip = (e: StoryEvent, runId: string) => ({ ...essence(e), value: e.value.split(runId).join('RUN') });
    expect(again.events.map((e) => strip(e, 'second-run'))).toEqual(story.events.map((e) => strip(e, 't1')));
    expect(again.events[0].eventId.startsWith('second-run-')).toBe(true);
  });

  it('cuts a date range out of the same year: a shorter replay is a slice of a longer one', () => {
    const march = buildStory(input, { seed: 1, runId: 't1', from: '2019-03-01', until: '2019-03-31' });
    expect(march.events.map(essence)).toEqual(
      story.events.filter((e) => e.date >= '2019-03-01' && e.date <= '2019-03-31').map(essence),
    );
    expect(march.events.length).toBeGreaterThan(100);
  });

  it('produces events valid per the contract, keyed as keyFor says, in occurredAt order, with unique ids', () => {
    for (const e of valid) {
      const decoded = decodeActual(e.role, Buffer.from(e.value, 'utf8'));
      expect(decoded).toEqual({ ok: true, event: e.event });
      expect(e.key).toBe(keyFor(e.role, e.event as never));
      expect((e.event as ActualsEvent).occurredAt).toBe(e.occurredAt);
      expect(e.occurredAt).toMatch(/^2019-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      expect(e.occurredAt.slice(0, 10)).toBe(e.date);
    }
    expect(new Set(story.events.map((e) => e.eventId)).size).toBe(story.events.length);
    for (let i = 1; i < story.events.length; i++) expect(story.events[i].at).toBeGreaterThan(story.events[i - 1].at);
  });

  it('feeds every topic, at a volume a laptop replays in minutes', () => {
    const counts = summarizeStory(story.events);
    for (const role of ['inspectionBatches', 'cases', 'surveys', 'spending', 'measurements'] as const)
      expect(counts[role]).toBeGreaterThan(100);
    expect(counts.total).toBeGreaterThan(3000);
    expect(counts.total).toBeLessThan(9000);
  });

  it('has exactly the malformed events it declares, each rejected for its own reason, and routes everything else', () => {
    expect(story.malformedCount).toBe(6);
    expect(buildStory(input, { seed: 1, runId: 't1', until: '2019-03-31' }).malformedCount).toBe(3);
    const { rejected } = judged();
    expect(rejected.map((r) => [r.event.eventId, r.reason])).toEqual(
      story.events.filter((e) => e.malformed).map((e) => [e.eventId, e.malformed]),
    );
    expect(new Set(rejected.map((r) => r.reason))).toEqual(
      new Set(['not_json', 'negative_count', 'unknown_indicator']),
    );
  });

  it('feeds every tracked unit except the silent scenarios, the unfeedable and counts capped at 0', () => {
    const fed = new Set([...judged().progress].filter(([, p]) => p.eventCount > 0).map(([id]) => id));
    const silent = story.scenarios.filter((s) => s.effect.kind === 'silent').map((s) => s.unitId);
    const unfed = story.unfed.map((u) => u.unitId);
    // `事故率为0`: a count that must stay at zero has nothing to report.
    const zeroCaps = [...input.bindings.units.values()]
      .filter((u) => u.measure === 'sum' && u.target.kind === 'numeric' && u.target.value === 0)
      .map((u) => u.id);
    expect(zeroCaps).toEqual([
      '2019.新疆维吾尔自治区市场监督管理局.质量监督监管信息化建设项目.全年发生重大网络安全事故次数',
    ]);
    const expected = [...input.bindings.units.keys()].filter(
      (id) => !silent.includes(id) && !unfed.includes(id) && !zeroCaps.includes(id),
    );
    expect([...fed].sort()).toEqual(expected.sort());
    const unitName = (id: string) => input.bindings.units.get(id)!.name;
    expect(story.unfed.map((u) => [unitName(u.unitId), u.reason])).toEqual([
      ['购置合同执行违规率', 'no reading meets <0'], // `<0`: no reading can meet it
      // `逐年增加` without a baseline: the engine says 缺少上年基数 whatever is reported.
      ['社会影响力', 'no base to compare with (缺少上年基数): last year is not simulated'],
    ]);
  });

  it('lists what is expected on a date', () => {
    const onMarch31 = expectationsOn(story, '2019-03-31').map((e) => `${e.scenario}:${e.status}`);
    expect(onMarch31).toEqual(
      expect.arrayContaining([
        'behind-then-recover:on_track',
        'cost-cap-exceeded:off_track',
        'survey-below-target:off_track',
        'spending-lags:at_risk',
        'spending-cap-overrun:off_track',
        'deadline-missed:on_track',
        'qualitative-assessed:on_track',
        'no-data:no_data',
        'achieved-early:achieved',
      ]),
    );
  });

  it.each([
    [{ runId: 'has space' }, /run id/],
    [{ runId: '' }, /run id/],
    [{ seed: -1 }, /seed/],
    [{ seed: 1.5 }, /seed/],
    [{ from: '2019-04-01', until: '2019-03-01' }, /from ≤ until/],
    [{ from: '2019/04/01' }, /YYYY-MM-DD/],
  ])('rejects bad options %j', (bad, message) => {
    expect(() => buildStory(input, { seed: 1, runId: 'ok', ...bad })).toThrow(message);
  });
});
