/**
 * Workbooks for tests, written the way people lay them out: cells by row, merged ranges
 * (only the top-left cell holds the text), number formats. Built with exceljs, the reader's
 * own library, so the bytes are what Excel would save.
 */
import ExcelJS from 'exceljs';

export type CellValue = string | number | Date | null;

export interface SheetSpec {
  name: string;
  rows: CellValue[][];
  /** Ranges such as 'A1:H1'. */
  merges?: string[];
  /** Number formats by cell address ('E8': '0%'). */
  formats?: Record<string, string>;
  state?: 'visible' | 'hidden';
}

export async function workbookBytes(sheets: SheetSpec[]): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  for (const spec of sheets) {
    const ws = wb.addWorksheet(spec.name, { state: spec.state ?? 'visible' });
    for (const row of spec.rows) ws.addRow(row);
    for (const range of spec.merges ?? []) ws.mergeCells(range);
    for (const [address, fmt] of Object.entries(spec.formats ?? {})) ws.getCell(address).numFmt = fmt;
  }
  return Buffer.from(await wb.xlsx.writeBuffer());
}
