/**
 * A unit written at the end of an indicator's name — `培训人次（人次）`, `覆盖率(%)`,
 * `资金（万元）`, `单价（元/人）` — applies to a bare number in its value cell. Only a
 * parenthesis that holds nothing but a unit counts: `（含平行样）`, `（30分）` do not.
 */
import { nfkc } from '../util/text';
import { KNOWN_UNITS, MULTIPLIERS } from './lexicon';

const TRAILING = /[(]([^()]{1,12})[)]\s*$/;
const MULTIPLIER = new RegExp(`^(?:${Object.keys(MULTIPLIERS).join('|')})`);

function isUnit(text: string): boolean {
  const parts = text.split('/');
  return parts.every((p, i) => {
    const bare = i === 0 ? p.replace(MULTIPLIER, '') : p;
    return bare !== '' && KNOWN_UNITS.includes(bare);
  });
}

/** The unit a name ends with, as written (NFKC), or '' when none. */
export function unitInName(name: string): string {
  const m = TRAILING.exec(nfkc(name).replace(/（/g, '(').replace(/）/g, ')'));
  if (!m) return '';
  const inner = m[1].trim().replace(/^(?:单位|计量单位)[:：]?/, '');
  return isUnit(inner) ? inner : '';
}
