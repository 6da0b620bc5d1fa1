export type { SourceRow } from './source-row';
export { unwrapCell } from './source-row';
export { tsvRows } from './tsv';
export { csvRows, type CsvOptions } from './csv';
export { loadExcelJs, xlsxRows, type XlsxOptions } from './xlsx';
export { decodeText, binaryKind } from './decode';
