import { loadExcelJs } from '@iw/targets';
import { SUMMARY_LIKELIHOODS, type AgencyMonitoringReport } from './agency-report';
import { monthsLabel } from './monitoring-report';
import { writeProjectSheet } from './xlsx';

/**
 * The department 绩效监控表 as one .xlsx: the 汇总 sheet first (one row per project: funds,
 * 预算执行率 against 序时进度 — a rate 落后 (budgetBehind) is filled red — and the indicators counted by
 * 完成目标可能性), then one sheet per project in the official layout (the single report's writer),
 * named by its row number and name (Excel: at most 31 characters, no []:*?/\).
 */

export const SUMMARY_SHEET = '汇总';

const HEAD = [
  '序号',
  '项目名称',
  '年初预算数（万元）',
  '执行数（万元）',
  '预算执行率（%）',
  '序时进度（%）',
  '指标数',
  ...SUMMARY_LIKELIHOODS,
  '工作表',
];
const WIDTHS = [6, 40, 12, 12, 12, 12, 8, 8, 8, 8, 8, 30];
const THIN = { style: 'thin' as const };
const BORDER = { top: THIN, left: THIN, bottom: THIN, right: THIN };

export async function agencyReportXlsx(report: AgencyMonitoringReport): Promise<Buffer> {
  const wb = new (await loadExcelJs()).Workbook();
  wb.creator = 'Indicator Watch';
  const ws = wb.addWorksheet(SUMMARY_SHEET, {
    pageSetup: { orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0 },
  });
  WIDTHS.forEach((w, i) => (ws.getColumn(i + 1).width = w));
  const x = monthsLabel(report.month);
  const cols = HEAD.length;

  ws.mergeCells(1, 1, 1, cols);
  ws.getCell(1, 1).value = report.title;
  ws.getCell(1, 1).font = { bold: true, size: 16 };
  ws.getCell(1, 1).alignment = { horizontal: 'center' };
  ws.mergeCells(2, 1, 2, cols);
  ws.getCell(2, 1).value =
    `（${report.fiscalYear}年度，截至${report.asOf}，${x}；序时进度${report.timeElapsed}%；共${report.summary.length}个项目）`;
  ws.getCell(2, 1).alignment = { horizontal: 'center' };

  const head = ws.getRow(3);
  HEAD.forEach((h, i) => (head.getCell(i + 1).value = h === '执行数（万元）' ? `${x}执行数（万元）` : h));
  head.eachCell((c) => {
    c.font = { bold: true };
    c.alignment = { horizontal: 'center', vertical: 'middle', wrapText: true };
    c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFEFEFEF' } };
  });

  const names = sheetNames(report.projects.map((p) => p.projectName));
  report.summary.forEach((s, i) => {
    const row = ws.getRow(4 + i);
    const values = [
      i + 1,
      s.projectName,
      s.budget,
      s.executed,
      s.executionRate,
      s.timeElapsed,
      s.indicators,
      ...SUMMARY_LIKELIHOODS.map((l) => s.likelihoods[l]),
      names[i],
    ];
    values.forEach((v, c) => (row.getCell(c + 1).value = v ?? ''));
    row.getCell(cols).value = { text: names[i], hyperlink: `#'${names[i]}'!A1` };
    if (s.behind) row.getCell(5).fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFF8D7DA' } };
  });
  const totalRow = ws.getRow(4 + report.summary.length);
  totalRow.getCell(2).value = '合计';
  totalRow.getCell(7).value = report.totals.indicators;
  SUMMARY_LIKELIHOODS.forEach((l, i) => (totalRow.getCell(8 + i).value = report.totals.likelihoods[l]));
  totalRow.font = { bold: true };

  for (let r = 3; r <= 4 + report.summary.length; r++) {
    for (let c = 1; c <= cols; c++) {
      const cell = ws.getCell(r, c);
      cell.border = BORDER;
      cell.alignment = { wrapText: true, vertical: 'middle', ...(cell.alignment ?? {}) };
    }
  }

  report.projects.forEach((p, i) => writeProjectSheet(wb, names[i], p));
  return Buffer.from(await wb.xlsx.writeBuffer());
}

/** Worksheet names: `N 项目名称`, cut to Excel's 31 characters, without the characters it forbids (nor quotes). */
export function sheetNames(projectNames: readonly string[]): string[] {
  return projectNames.map((name, i) => {
    const clean = name.replace(/[[\]:*?/\\'\u0000-\u001f]/g, ' ');
    return `${i + 1} ${clean}`.slice(0, 31).trimEnd();
  });
}
