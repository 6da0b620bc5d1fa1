import { localDate, startOfLocalDay } from '@iw/clock';
import type { TopicRole } from '@iw/config';
import { ACTUALS_ROLES, DLQ_REASON_CLASSES, isActualsRole } from '@iw/events';
import type { DlqFilter } from '@iw/mongo';

/** A selection as a person writes it (command line, query string); every field optional. */
export interface DlqSelection {
  /** Reason classes, comma-separated (`unknown_project,unbound`). */
  reason?: string;
  /** A topic role (`spending`) or topic name (`actuals.spending`, or as configured), comma-separated. */
  topic?: string;
  /** A local date (YYYY-MM-DD, from its start) or an ISO instant with an offset. */
  since?: string;
  /** `pending` or `redriven`. */
  state?: string;
  /** Record ids (`topic:partition:offset`), comma-separated. */
  ids?: string;
}

export class DlqSelectionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DlqSelectionError';
  }
}

const list = (v: string | undefined) =>
  (v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/**
 * The repository filter for a selection; throws DlqSelectionError naming what is wrong (an
 * unknown reason class or topic, a date that is not one). `topics` are the configured names.
 */
export function parseDlqSelection(
  s: DlqSelection,
  topics: Readonly<Record<TopicRole, string>>,
  timeZone: string,
): DlqFilter {
  const f: DlqFilter = {};
  const reasons = list(s.reason);
  for (const r of reasons)
    if (!(DLQ_REASON_CLASSES as readonly string[]).includes(r))
      throw new DlqSelectionError(`unknown reason "${r}" (one of ${DLQ_REASON_CLASSES.join(', ')})`);
  if (reasons.length) f.reasons = reasons;

  const named = list(s.topic);
  if (named.length) {
    f.topics = named.map((t) => {
      if (isActualsRole(t)) return topics[t];
      const role = ACTUALS_ROLES.find((r) => topics[r] === t);
      if (!role)
        throw new DlqSelectionError(
          `unknown topic "${t}" (a role — ${ACTUALS_ROLES.join(', ')} — or a topic name such as ${topics.spending})`,
        );
      return topics[role];
    });
  }

  if (s.since !== undefined && s.since.trim() !== '') {
    const v = s.since.trim();
    let t = NaN;
    if (/^\d{4}-\d{2}-\d{2}$/.test(v)) {
      t = startOfLocalDay(v, timeZone);
      // 2019-02-30 is no day: it would roll over into March.
      if (!Number.isFinite(t) || localDate(t, timeZone) !== v) t = NaN;
    } else if (/^\d{4}-\d{2}-\d{2}T.*(Z|[+-]\d{2}:\d{2})$/.test(v)) t = Date.parse(v);
    if (!Number.isFinite(t))
      throw new DlqSelectionError(`--since: "${v}" is neither a date (2019-07-01) nor an instant with an offset`);
    f.since = new Date(t);
  }

  if (s.state !== undefined && s.state !== '') {
    if (s.state !== 'pending' && s.state !== 'redriven')
      throw new DlqSelectionError(`state: "${s.state}" (pending or redriven)`);
    f.state = s.state;
  }

  const ids = list(s.ids);
  for (const id of ids)
    if (!/^.+:\d+:\d+$/.test(id))
      throw new DlqSelectionError(`"${id}" is not a DLQ record id (topic:partition:offset)`);
  if (ids.length) f.ids = ids;
  return f;
}
