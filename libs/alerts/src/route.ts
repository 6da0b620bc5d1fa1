import { notificationKey } from './dedup';
import type { Receiver } from './policy';
import type { Notice, Notification } from './types';

/**
 * Route stage: who hears about a notice. The owners file format lives elsewhere; this
 * stage takes a resolver, and `ownersResolver` gives the owners' precedence (indicator override > project > fallback)
 * (per-indicator override > project owners > fallback) over plain maps.
 */

export type OwnersResolver = (projectId: string, indicatorId: string) => readonly string[];

export interface OwnersBook {
  /** Per indicator id (a compound part uses its parent indicator's entry). */
  indicators?: Record<string, readonly string[]>;
  /** Per project id. */
  projects?: Record<string, readonly string[]>;
  fallback: readonly string[] | string;
}

export function ownersResolver(book: OwnersBook): OwnersResolver {
  const fallback = typeof book.fallback === 'string' ? [book.fallback] : book.fallback;
  return (projectId, indicatorId) => {
    const own = book.indicators?.[indicatorId];
    if (own && own.length) return own;
    const project = book.projects?.[projectId];
    if (project && project.length) return project;
    return fallback;
  };
}

// A plain addr-spec: no display names, no quoting, nothing that could break a header.
const ADDRESS =
  /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]+@[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?(?:\.[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?)*$/u;

/**
 * `Name <a@b.cn>` or `a@b.cn` → `a@b.cn` (lower case), or null when it is not a single
 * address or carries a line break or other control character (header injection).
 */
export function normaliseAddress(raw: string): string | null {
  if (/[\u0000-\u001f\u007f\u2028\u2029]/.test(raw.replace(/^[ \t]+|[ \t]+$/g, ''))) return null;
  let s = raw.trim();
  const angle = /^[^<>]*<([^<>]+)>$/.exec(s);
  if (angle) s = angle[1].trim();
  if (s.length > 254 || !ADDRESS.test(s)) return null;
  return s.toLowerCase();
}

export interface RouteResult {
  notifications: Notification[];
  /** Notices nobody valid could receive (no owners and no valid fallback). */
  unroutable: Notice[];
  /** Addresses dropped as invalid, as written. */
  invalidAddresses: string[];
}

/** Who besides the owners: the notification policy's receivers and the office people of an agency. */
export interface ReceiverBook {
  /** The policy's receivers for a notice; absent: the owners. */
  receiversOf?: (notice: Notice) => readonly Receiver[];
  /** The office (绩效管理) people of an agency, from the people directory. */
  officeOf?: (agency: string | undefined) => readonly string[];
}

/**
 * The addresses a notice goes to, as written: an `unacknowledged` notice to the agency's office
 * people (none listed: the owners, so that somebody hears), any other to the policy's receivers.
 */
export function receiversOf(notice: Notice, resolve: OwnersResolver, book: ReceiverBook = {}): string[] {
  const owners = () => resolve(notice.unit.projectId, notice.unit.indicatorId);
  const office = () => book.officeOf?.(notice.unit.agency) ?? [];
  if (notice.kind === 'unacknowledged') {
    const people = office();
    return people.length ? [...people] : [...owners()];
  }
  const receivers = book.receiversOf?.(notice) ?? ['owners'];
  return [...(receivers.includes('owners') ? owners() : []), ...(receivers.includes('office') ? office() : [])];
}

export function route(
  notices: readonly Notice[],
  resolve: OwnersResolver,
  now: number,
  book: ReceiverBook = {},
): RouteResult {
  const result: RouteResult = { notifications: [], unroutable: [], invalidAddresses: [] };
  const createdAt = new Date(now).toISOString();
  for (const notice of notices) {
    const recipients = new Set<string>();
    for (const raw of receiversOf(notice, resolve, book)) {
      const address = normaliseAddress(raw);
      if (address) recipients.add(address);
      else result.invalidAddresses.push(raw);
    }
    if (recipients.size === 0) result.unroutable.push(notice);
    for (const recipient of [...recipients].sort()) {
      result.notifications.push({ key: notificationKey(recipient, notice), recipient, notice, createdAt });
    }
  }
  return result;
}
