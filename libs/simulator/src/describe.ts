import { STATUS_LABELS } from '@iw/risk';
import { instantMs, isoWithOffset } from './calendar';
import { summarizeStory, type Story } from './story';

/** The plot in words: what `iw simulate --plan` prints and a test report can quote. */
export function describeStory(story: Story): string {
  const c = summarizeStory(story.events);
  const lines = [
    `story of fiscal year ${story.fiscalYear}, seed ${story.seed}, run ${story.runId}: ${story.from} … ${story.until}`,
    `  ${c.total} events: ${c.inspectionBatches} inspection batches, ${c.cases} cases, ${c.surveys} surveys, ${c.spending} spending, ${c.measurements} measurements`,
    `  ${c.malformed} malformed on purpose (the DLQ must hold exactly these)`,
    '',
  ];
  for (const s of story.scenarios) {
    lines.push(`${s.name}: ${s.plot}`);
    lines.push(`  picked: ${s.projectName} / ${s.unitName}   (${s.rule})`);
    for (const e of s.expectations) {
      const who = e.unitId === s.unitId ? '' : ` [${e.name}]`;
      lines.push(`  ${e.from} … ${e.to}  ${e.status} (${STATUS_LABELS[e.status]})${who}`);
    }
  }
  if (story.unfed.length) {
    lines.push('', 'not fed (no_data):');
    for (const u of story.unfed) lines.push(`  ${u.unitId}: ${u.reason}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * IW_CLOCK for a replay: `sim:<local midnight of from>@<speed>~<real start ms>`. The `~` pins
 * the real instant the simulation started, so every process given it shares one timeline.
 * With `until` (the last replayed day) the clock stops at the local midnight that ends it
 * (`..<stop>`): nothing is judged past the replay.
 */
export function simulatedClockSpec(
  from: string,
  speed: number,
  timeZone: string,
  realStartMs: number,
  until?: string,
): string {
  if (!(speed > 0)) throw new Error(`speed must be > 0, got ${speed}`);
  const stop = until === undefined ? '' : `..${isoWithOffset(instantMs(until, 24 * 60, timeZone), timeZone)}`;
  return `sim:${isoWithOffset(instantMs(from, 0, timeZone), timeZone)}@${speed}~${Math.round(realStartMs)}${stop}`;
}

/** A run id from the real time it started (`r` + base 36): short, sortable, unique per run. */
export function newRunId(realNowMs: number): string {
  return `r${Math.floor(realNowMs).toString(36)}`;
}
