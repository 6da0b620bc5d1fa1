export { opSymbol } from '@iw/targets';

/** Numbers in reasons: at most two decimals, no grouping (Intl is too slow per evaluation). */
export function fmt(n: number): string {
  if (Number.isInteger(n)) return String(n);
  // Small shares (an error rate of 0.0022 %) keep three significant digits instead of rounding to 0.
  if (Math.abs(n) < 1 || !Number.isFinite(n) || Math.abs(n) > 1e13) return String(Number(n.toPrecision(3)));
  // Integer arithmetic: printing a double is the slowest part of a reason.
  const r = Math.round(Math.abs(n) * 100);
  const whole = Math.floor(r / 100);
  const cents = r - whole * 100;
  const sign = n < 0 ? '-' : '';
  if (cents === 0) return sign + whole;
  if (cents % 10 === 0) return `${sign}${whole}.${cents / 10}`;
  return `${sign}${whole}.${cents < 10 ? '0' : ''}${cents}`;
}

/** A share (0..1) as a percentage with one decimal. */
export function pct(share: number): string {
  return `${fmt(Math.round(share * 1000) / 10)}%`;
}

/** Reasons are one line: collapse whitespace and cut long free text. */
export function oneLine(text: string, max = 60): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}
