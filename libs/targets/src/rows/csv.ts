/**
 * RFC 4180 CSV: quoted cells may hold separators, doubled quotes and line breaks; a BOM
 * is dropped. The delimiter is sniffed (`,` `;` or tab) unless given. A record's line is
 * the line it starts on.
 */
import { unwrapCell, type SourceRow } from './source-row';

export interface CsvOptions {
  delimiter?: ',' | ';' | '\t';
}

function sniffDelimiter(text: string): ',' | ';' | '\t' {
  const sample = text.slice(0, 4096);
  let best: ',' | ';' | '\t' = ',';
  let bestCount = -1;
  for (const d of [',', ';', '\t'] as const) {
    let count = 0;
    let quoted = false;
    for (const ch of sample) {
      if (ch === '"') quoted = !quoted;
      else if (ch === d && !quoted) count++;
    }
    if (count > bestCount) {
      best = d;
      bestCount = count;
    }
  }
  return best;
}

export function csvRows(input: string, options: CsvOptions = {}): SourceRow[] {
  const text = input.replace(/^\uFEFF/, '');
  const delimiter = options.delimiter ?? sniffDelimiter(text);
  const rows: SourceRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  const endCell = () => {
    cells.push(cell);
    cell = '';
  };
  const endRow = () => {
    endCell();
    rows.push({ line: startLine, cells: cells.map(unwrapCell) });
    cells = [];
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          cell += '"';
          i++;
        } else quoted = false;
      } else {
        if (ch === '\n') line++;
        cell += ch;
      }
      continue;
    }
    if (ch === '"' && cell.trim() === '') {
      cell = '';
      quoted = true;
    } else if (ch === delimiter) endCell();
    else if (ch === '\r' || ch === '\n') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      endRow();
      line++;
      startLine = line;
    } else cell += ch;
  }
  if (cell !== '' || cells.length) endRow();
  return rows;
}
