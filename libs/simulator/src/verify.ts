import { decodeActual } from '@iw/events';
import { applyEvents, route, type AppliedEvent, type Progress } from '@iw/measures';
import { DEFAULT_RISK_CONFIG, evaluate, type Evaluation, type RiskConfig, type UnitTarget } from '@iw/risk';
import type { StoryEvent } from './story';
import { viewOf, type StoryInput } from './view';

/**
 * The story judged without any service: every message decoded and routed as ingest does
 * (decodeActual, route), applied to progress (applyEvents) and evaluated by the risk engine at
 * each checkpoint. The unit tests use it to show that the scenarios produce the statuses they
 * claim; it also tells what a replay should show at any instant.
 */
export interface Checkpoint {
  /** Epoch ms. */
  at: number;
  statuses: Map<string, Evaluation>;
}

export interface Judged {
  checkpoints: Checkpoint[];
  /** Messages ingest would reject, with the reason class it would give. */
  rejected: Array<{ event: StoryEvent; reason: string }>;
  progress: Map<string, Progress>;
}

export function judgeStory(
  input: StoryInput,
  events: readonly StoryEvent[],
  at: readonly number[],
  config: RiskConfig = DEFAULT_RISK_CONFIG,
): Judged {
  const views = viewOf(input);
  const tz = input.bindings.timeZone;
  const progress = new Map<string, Progress>();
  const rejected: Judged['rejected'] = [];
  const checkpoints: Checkpoint[] = [];
  const times = [...at].sort((a, b) => a - b);
  let pending = new Map<string, AppliedEvent[]>();
  let offset = 0;

  const flush = () => {
    for (const [id, applied] of pending) {
      const unit = input.bindings.units.get(id)!;
      progress.set(
        id,
        applyEvents(
          progress.get(id) ?? null,
          { id, measure: unit.measure, period: unit.period, scale: unit.scale, of: unit.of },
          applied,
          tz,
        ),
      );
    }
    pending = new Map();
  };
  const judge = (now: number) => {
    flush();
    const statuses = new Map<string, Evaluation>();
    for (const v of views) {
      const u = v.unit;
      statuses.set(
        u.id,
        evaluate(
          {
            target: u.target as UnitTarget,
            measure: u.measure,
            progress: progress.get(u.id) ?? null,
            period: u.period,
            now,
            timeZone: tz,
            level2: v.level2,
          },
          config,
        ),
      );
    }
    checkpoints.push({ at: now, statuses });
  };

  let t = 0;
  for (const e of events) {
    while (t < times.length && times[t] < e.at) judge(times[t++]);
    offset += 1;
    const decoded = decodeActual(e.role, Buffer.from(e.value, 'utf8'));
    if (!decoded.ok) {
      rejected.push({ event: e, reason: decoded.reason.class });
      continue;
    }
    const routed = route(decoded.event, e.role, input.bindings);
    if (!routed.ok) {
      rejected.push({ event: e, reason: routed.reason.class });
      continue;
    }
    for (const c of routed.contributions) {
      const list = pending.get(c.trackedId) ?? [];
      list.push({ ...c, position: { topic: e.role, partition: 0, offset } });
      pending.set(c.trackedId, list);
    }
  }
  while (t < times.length) judge(times[t++]);
  flush();
  return { checkpoints, rejected, progress };
}
