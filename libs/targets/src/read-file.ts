/**
 * The I/O edge of the reader: a file path → rows → ParsedCatalogue. Everything behind
 * it is pure. The format comes from the content (xlsx is a zip), then the extension.
 */
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { readCatalogue, type ReadOptions } from './catalogue';
import { binaryKind, decodeText } from './rows/decode';
import { csvRows } from './rows/csv';
import type { SourceRow } from './rows/source-row';
import { tsvRows } from './rows/tsv';
import { xlsxRows } from './rows/xlsx';
import type { ParsedCatalogue } from './target';

/** A file that cannot be read as a target table; the message is one line for people. */
export class TargetFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TargetFileError';
  }
}

export async function rowsFromBytes(bytes: Uint8Array, fileName = ''): Promise<SourceRow[]> {
  const kind = binaryKind(bytes);
  const ext = extname(fileName).toLowerCase();
  if (kind === 'ole2')
    throw new TargetFileError(`${fileName || 'file'}: legacy .xls is not supported; save it as .xlsx`);
  if (kind === 'zip') {
    try {
      return await xlsxRows(bytes);
    } catch (e) {
      throw new TargetFileError(
        `${fileName || 'file'}: not a readable .xlsx workbook (${(e as Error).message.split('\n')[0]})`,
      );
    }
  }
  const text = decodeText(bytes);
  if (text.includes('\u0000')) throw new TargetFileError(`${fileName || 'file'}: binary data, not a target table`);
  if (ext === '.csv') return csvRows(text);
  // Tab-separated unless the text has no tabs and reads as CSV.
  if (ext !== '.tsv' && ext !== '.txt' && !text.includes('\t') && text.includes(',')) return csvRows(text);
  return tsvRows(text);
}

/**
 * Text already in memory (the seed's tab-separated dump, or CSV) → catalogue. Tab-separated
 * unless the text has no tabs but commas.
 */
export function parseTargetTable(
  text: string,
  options: ReadOptions & { format?: 'tsv' | 'csv' } = {},
): ParsedCatalogue {
  const clean = text.replace(/^\uFEFF/, '');
  const csv = options.format ? options.format === 'csv' : !clean.includes('\t') && clean.includes(',');
  return readCatalogue(csv ? csvRows(clean) : tsvRows(clean), options);
}

export async function readTargetFile(path: string, options: ReadOptions = {}): Promise<ParsedCatalogue> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT'
        ? 'no such file'
        : code === 'EISDIR'
          ? 'is a directory'
          : code === 'EACCES'
            ? 'permission denied'
            : (e as Error).message;
    throw new TargetFileError(`${path}: ${why}`);
  }
  const catalogue = readCatalogue(await rowsFromBytes(bytes, path), options);
  if (!catalogue.projects.length)
    throw new TargetFileError(`${path}: not a target table (no 绩效目标表 with indicators found)`);
  return catalogue;
}
