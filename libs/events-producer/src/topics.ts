import { DEFAULT_TOPICS, type TopicRole } from '@iw/config';
import { ACTUALS_ROLES, isActualsRole, type ActualsRole } from '@iw/events';

/**
 * An actuals topic named by its role (`cases`), its contract name (`actuals.cases`) or its
 * configured name (with KAFKA_TOPIC_PREFIX / IW_TOPIC_*), whichever the user typed; null when
 * it is none of them, or not an actuals topic (dlq and progress are written by ingest).
 */
export function actualsRoleOf(
  name: string,
  topics: Readonly<Record<TopicRole, string>> = DEFAULT_TOPICS,
): ActualsRole | null {
  const n = name.trim();
  if (isActualsRole(n)) return n;
  return ACTUALS_ROLES.find((r) => DEFAULT_TOPICS[r] === n || topics[r] === n) ?? null;
}
