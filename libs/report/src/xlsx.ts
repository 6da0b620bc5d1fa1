import type ExcelJS from 'exceljs';
import { loadExcelJs } from '@iw/targets';
import { DEVIATION_CATEGORIES } from './deviation';
import { monthsLabel, type MonitoringReport } from './monitoring-report';
import { REPORT_LIKELIHOODS } from './statuses';

/**
 * The 绩效监控表 as an .xlsx in the official layout: 16 columns (A–P), the funding block, the
 * goal, then the indicator block under a two-row header whose 完成目标可能性 and 偏差原因分析
 * cells are merged over their sub-columns. A tick (✓) marks the likelihood; the chosen
 * deviation category holds the owner's remark (or a tick when there is none).
 */

export const REPORT_SHEET = '绩效监控表';

const COLUMNS = 16;
const WIDTHS = [6, 12, 12, 24, 16, 18, 18, 7, 7, 9, 12, 12, 12, 12, 12, 24];
const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

export async function monitoringReportXlsx(report: MonitoringReport): Promise<Buffer> {
  const wb = new (await loadExcelJs()).Workbook();
  wb.creator = 'Indicator Watch';
  writeProjectSheet(wb, REPORT_SHEET, report);
  return Buffer.from(await wb.xlsx.writeBuffer());
}

const PAGE_SETUP = { orientation: 'landscape' as const, fitToPage: true, fitToWidth: 1, fitToHeight: 0 };

/** One project's 绩效监控表 as a worksheet named `name` of `wb` (the single report and the agency workbook). */
export function writeProjectSheet(wb: ExcelJS.Workbook, name: string, report: MonitoringReport): ExcelJS.Worksheet {
  const ws = wb.addWorksheet(name, { pageSetup: PAGE_SETUP });
  WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const x = monthsLabel(report.month);
  let row = 1;

  const put = (r: number, c: number, value: string | number | null, toCol = c, toRow = r) => {
    if (toCol > c || toRow > r) ws.mergeCells(r, c, toRow, toCol);
    const cell = ws.getCell(r, c);
    cell.value = value ?? '';
    return cell;
  };

  put(row, 1, report.title, COLUMNS).font = { bold: true, size: 16 };
  ws.getCell(row, 1).alignment = { horizontal: 'center' };
  row++;
  put(row, 1, `（${report.fiscalYear}年度，截至${report.asOf}）`, COLUMNS).alignment = { horizontal: 'center' };
  row++;
  const tableTop = row;
  put(row, 1, '项目名称', 3);
  put(row, 4, report.projectName, COLUMNS);
  row++;
  put(row, 1, '预算单位', 3);
  put(row, 4, report.budgetUnit, COLUMNS);
  row++;

  // 项目资金: A label over the four rows; B–D row label; E–F, G–H, I–J, K–P the figures.
  const fundingTop = row;
  put(row, 1, '项目资金（万元）', 1, row + report.funding.length);
  put(row, 2, '', 4);
  put(row, 5, '年初预算数', 6);
  put(row, 7, `${x}执行数`, 8);
  put(row, 9, '预算执行率（%）', 10);
  put(row, 11, '全年预计执行数', COLUMNS);
  header(ws, fundingTop, 1, COLUMNS);
  row++;
  for (const f of report.funding) {
    put(row, 2, f.label, 4);
    put(row, 5, f.budget, 6);
    put(row, 7, f.executed, 8);
    put(row, 9, f.executionRate, 10);
    put(row, 11, f.forecast, COLUMNS);
    row++;
  }

  put(row, 1, '年度总体目标', 3);
  put(row, 4, report.goal, COLUMNS).alignment = { wrapText: true, vertical: 'top' };
  ws.getRow(row).height = Math.min(120, 15 * Math.max(1, Math.ceil(report.goal.length / 90)));
  row++;

  // Indicator block header: two rows.
  const headTop = row;
  const lastRow = headTop + 1 + Math.max(1, report.indicators.length);
  put(row, 1, '绩效指标', 1, lastRow);
  put(row, 2, '一级指标', 2, row + 1);
  put(row, 3, '二级指标', 3, row + 1);
  put(row, 4, '三级指标', 4, row + 1);
  put(row, 5, '年度指标值', 5, row + 1);
  put(row, 6, `${x}执行情况`, 6, row + 1);
  put(row, 7, '全年预计完成情况', 7, row + 1);
  put(row, 8, '完成目标可能性', 10);
  REPORT_LIKELIHOODS.forEach((l, i) => put(row + 1, 8 + i, l));
  put(row, 11, '偏差原因分析', 15);
  DEVIATION_CATEGORIES.forEach((c, i) => put(row + 1, 11 + i, c));
  put(row, 16, '整改措施', 16, row + 1);
  header(ws, headTop, 2, COLUMNS, headTop + 1);
  row += 2;

  const first = row;
  for (const ind of report.indicators) {
    put(row, 2, ind.level1);
    put(row, 3, ind.level2);
    put(row, 4, ind.name);
    put(row, 5, ind.value);
    put(row, 6, ind.execution);
    put(row, 7, ind.forecast);
    REPORT_LIKELIHOODS.forEach((l, i) => put(row, 8 + i, ind.likelihood === l ? '✓' : ''));
    DEVIATION_CATEGORIES.forEach((c, i) =>
      put(row, 11 + i, ind.deviation?.category === c ? ind.deviation.remark || '✓' : ''),
    );
    put(row, 16, ind.measures);
    row++;
  }
  mergeRuns(ws, 2, first, row - 1, (r) => report.indicators[r - first].level1);
  mergeRuns(
    ws,
    3,
    first,
    row - 1,
    (r) => `${report.indicators[r - first].level1}\u0000${report.indicators[r - first].level2}`,
  );
  if (report.indicators.length === 0) row++;

  for (let r = tableTop; r < Math.max(row, lastRow + 1); r++) {
    for (let c = 1; c <= COLUMNS; c++) {
      const cell = ws.getCell(r, c);
      cell.border = BORDER;
      cell.alignment = { wrapText: true, vertical: 'middle', ...(cell.alignment ?? {}) };
    }
  }
  return ws;
}

function header(ws: ExcelJS.Worksheet, fromRow: number, fromCol: number, toCol: number, toRow = fromRow): void {
  for (let r = fromRow; r <= toRow; r++) {
    for (let c = fromCol; c <= toCol; c++) {
      const cell = ws.getCell(r, c);
      cell.font = { bold: true };
      cell.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
      cell.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
    }
  }
}

/** Merges runs of equal keys down one column, as the printed form does for 一级/二级指标. */
function mergeRuns(ws: ExcelJS.Worksheet, col: number, from: number, to: number, key: (row: number) => string): void {
  let start = from;
  for (let r = from + 1; r <= to + 1; r++) {
    if (r <= to && key(r) === key(start)) continue;
    if (r - 1 > start) ws.mergeCells(start, col, r - 1, col);
    start = r;
  }
}
