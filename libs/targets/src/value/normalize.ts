import { nfkc } from '../util/text';

/**
 * One canonical spelling of a 指标值 before the grammar reads it: NFKC folds full-width
 * digits and punctuation, LaTeX and look-alike symbols become the plain ones, thousands
 * separators and stray spaces go. The cell as written is kept elsewhere; this is only
 * what the parser sees.
 */

const LATEX_COMMANDS: ReadonlyArray<readonly [RegExp, string]> = [
  [/\\(?:geqslant|geq|ge)(?![a-z])/g, '≥'],
  [/\\(?:leqslant|leq|le)(?![a-z])/g, '≤'],
  [/\\gt(?![a-z])/g, '>'],
  [/\\lt(?![a-z])/g, '<'],
  [/\\(?:times|cdot)(?![a-z])/g, '×'],
  [/\\div(?![a-z])/g, '÷'],
  [/\\sim(?![a-z])/g, '~'],
  [/\\%/g, '%'],
  [/\\(?:text|mathrm|textrm|mbox)\s*\{([^{}]*)\}/g, '$1'],
  [/\\[,;:! ]|\\quad|\\qquad/g, ' '],
];

/** Symbols NFKC leaves alone but that mean the same as a plain one. */
const LOOKALIKES: Readonly<Record<string, string>> = {
  '≧': '≥',
  '≦': '≤',
  '⩾': '≥',
  '⩽': '≤',
  '〜': '~',
  '—': '-',
  '–': '-',
  '−': '-',
  '―': '-',
  '‐': '-',
  '‑': '-',
  '＝': '=',
  '。': '.',
  '，': ',',
  '；': ';',
  '﹪': '%',
};

const LOOKALIKE_RE = new RegExp(`[${Object.keys(LOOKALIKES).join('')}]`, 'g');

export function isLatex(text: string): boolean {
  return text.includes('\\') || /^\$.*\$$/s.test(text.trim());
}

function stripLatex(text: string): string {
  let out = text;
  for (const [re, to] of LATEX_COMMANDS) out = out.replace(re, to);
  // Remaining commands (\mathbf{...} etc.) keep only their argument text.
  return out.replace(/\\[a-zA-Z]+/g, '').replace(/[${}]/g, '');
}

/** Canonical text for the grammar. Never used as the displayed value. */
export function normalizeValueText(raw: string): string {
  let s = nfkc(raw);
  if (isLatex(s)) s = stripLatex(s);
  s = s.replace(LOOKALIKE_RE, (ch) => LOOKALIKES[ch]);
  s = s
    .replace(/>=|=>|≥=/g, '≥')
    .replace(/<=|=<|≤=/g, '≤')
    // 1,387.5 → 1387.5 ; only groups of exactly three digits, so `30,90人` stays a list.
    .replace(/(\d),(?=\d{3}(?!\d))/g, '$1')
    .replace(/(\d) (?=\d{3}(?![\d.]))/g, '$1')
    .replace(/\s+/g, ' ')
    .trim();
  // Trailing sentence punctuation (`10-20场次。`) says nothing about the target.
  s = s.replace(/[.,;!?:]+$/u, '').trim();
  // Spaces around digits, operators and units are layout, not meaning (`≥ 300 批次`).
  s = s
    .replace(/\s*([≥≤<>=%~-])\s*/g, '$1')
    .replace(/(\d)\s+(?=[^\d\s])/g, '$1')
    .replace(/([^\d\s,;、])\s+(?=\d)/g, '$1');
  return s;
}
