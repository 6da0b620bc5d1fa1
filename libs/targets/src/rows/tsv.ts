import type { SourceRow } from './source-row';

/** The seed's format: one table row per line, cells separated by tabs (a PDF dump). */
export function tsvRows(text: string): SourceRow[] {
  return text
    .replace(/^\uFEFF/, '')
    .split(/\r\n|\r|\n/)
    .map((line, i) => ({ line: i + 1, cells: line.split('\t') }));
}
