/**
 * .xlsx via exceljs. A merged range yields its text once, in its top-left cell, and
 * blanks elsewhere — the carry-forward rule of the table reader fills level cells, as it
 * does for the merged cells of a PDF dump. Every visible sheet is read, in workbook order;
 * rows are numbered as Excel shows them, per sheet, and carry the sheet's name, so that
 * sheet + line names one row.
 */
import type ExcelJS from 'exceljs';
import { unwrapCell, type SourceRow } from './source-row';

/** exceljs is large (most of a second to load): it is loaded only when a workbook is read or written. */
export async function loadExcelJs(): Promise<typeof ExcelJS> {
  const mod = await import('exceljs');
  return (mod as { default?: typeof ExcelJS }).default ?? mod;
}

/** ValueType.Merge: a cell covered by a merged range, not its top-left cell. */
const MERGE = 1;

export interface XlsxOptions {
  /** Only this sheet (name or 1-based index); default: every visible sheet. */
  sheet?: string | number;
}

const pad = (n: number) => String(n).padStart(2, '0');

function cellText(cell: ExcelJS.Cell): string {
  if ((cell.type as number) === MERGE) return '';
  const v = cell.value as unknown;
  if (v === null || v === undefined) return '';
  if (v instanceof Date) return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
  if (typeof v === 'number') {
    // A percentage stored as a fraction shows as the table's author saw it.
    const fmt = cell.numFmt ?? '';
    if (fmt.includes('%')) return `${Number((v * 100).toPrecision(12))}%`;
    return String(v);
  }
  if (typeof v === 'object') {
    const o = v as { richText?: Array<{ text: string }>; text?: unknown; result?: unknown; error?: string };
    if (o.richText) return o.richText.map((r) => r.text).join('');
    if ('result' in o) return scalarText(o.result);
    if (typeof o.text === 'string') return o.text;
    if (o.error) return '';
    return '';
  }
  return scalarText(v);
}

/** A formula's cached result or a plain value; anything else has no text of its own. */
function scalarText(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (v instanceof Date) return `${v.getUTCFullYear()}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())}`;
  return '';
}

export async function xlsxRows(
  data: Buffer | ArrayBuffer | Uint8Array,
  options: XlsxOptions = {},
): Promise<SourceRow[]> {
  const { Workbook } = await loadExcelJs();
  const wb = new Workbook();
  // exceljs's typing wants its own Buffer flavour; any binary view works at run time.
  await wb.xlsx.load(data as unknown as ArrayBuffer);
  const sheets = wb.worksheets.filter((ws, i) => {
    if (options.sheet === undefined) return ws.state !== 'hidden' && ws.state !== 'veryHidden';
    return typeof options.sheet === 'number' ? i + 1 === options.sheet : ws.name === options.sheet;
  });
  const rows: SourceRow[] = [];
  for (const ws of sheets) {
    const width = ws.columnCount;
    for (let r = 1; r <= ws.rowCount; r++) {
      const row = ws.getRow(r);
      const cells: string[] = [];
      for (let c = 1; c <= width; c++) cells.push(unwrapCell(cellText(row.getCell(c))));
      rows.push({ line: r, cells, sheet: ws.name });
    }
  }
  return rows;
}
