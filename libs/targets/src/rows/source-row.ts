/**
 * Every row source (the seed's tab-separated dump, .csv, .xlsx) yields the same thing:
 * rows of cell texts with the line (row number) a person would look up in the file.
 */
export interface SourceRow {
  /** 1-based line (text) or row number within its sheet (spreadsheet). */
  line: number;
  cells: string[];
  /** The worksheet's name (workbooks only): a line number is per sheet. */
  sheet?: string;
}

/**
 * A cell whose text was wrapped inside the cell (Alt+Enter in Excel, a quoted newline in
 * CSV) reads as one line: Chinese joins without a space, other scripts with one.
 */
export function unwrapCell(text: string): string {
  return text
    .split(/\r\n|\r|\n/)
    .map((s) => s.trim())
    .filter(Boolean)
    .reduce((acc, s) => (!acc ? s : /[\x21-\x7e]$/.test(acc) && /^[\x21-\x7e]/.test(s) ? `${acc} ${s}` : acc + s), '');
}
