import type { Likelihood } from '@iw/measures';
import type { Status } from '@iw/risk';

/** Worst first: what a compound indicator (or a summary) shows when its parts disagree. */
const SEVERITY: readonly Status[] = ['missed', 'off_track', 'at_risk', 'no_data', 'manual', 'on_track', 'achieved'];

/** The most severe status of the parts; null for none. */
export function worstStatus(statuses: readonly Status[]): Status | null {
  let worst: Status | null = null;
  for (const s of statuses) if (worst === null || SEVERITY.indexOf(s) < SEVERITY.indexOf(worst)) worst = s;
  return worst;
}

const LIKELIHOOD_ORDER: readonly Likelihood[] = ['不可能', '有可能', '确定能'];

/** The least likely of the parts' 完成目标可能性; parts without one (no data, manual) are skipped. */
export function worstLikelihood(likelihoods: readonly (Likelihood | null)[]): Likelihood | null {
  let worst: Likelihood | null = null;
  for (const l of likelihoods) {
    if (l !== null && (worst === null || LIKELIHOOD_ORDER.indexOf(l) < LIKELIHOOD_ORDER.indexOf(worst))) worst = l;
  }
  return worst;
}

/** The official form spells the third grade 完全不可能. */
export type ReportLikelihood = '确定能' | '有可能' | '完全不可能';

export const REPORT_LIKELIHOODS: readonly ReportLikelihood[] = ['确定能', '有可能', '完全不可能'];

export function reportLikelihood(l: Likelihood | null): ReportLikelihood | null {
  return l === '不可能' ? '完全不可能' : l;
}
