import ExcelJS from 'exceljs';
import { readCatalogue } from '../catalogue';
import { csvRows } from './csv';
import { decodeText } from './decode';
import { tsvRows } from './tsv';
import { unwrapCell } from './source-row';
import { xlsxRows } from './xlsx';
import { workbookBytes } from '../../test/workbook';

describe('tsvRows', () => {
  it('numbers lines from 1, keeps empty cells, drops a BOM', () => {
    expect(tsvRows('\uFEFFa\tb\r\n\n\tc')).toEqual([
      { line: 1, cells: ['a', 'b'] },
      { line: 2, cells: [''] },
      { line: 3, cells: ['', 'c'] },
    ]);
  });
});

describe('csvRows (RFC 4180)', () => {
  const cases: Array<[string, string, Array<{ line: number; cells: string[] }>]> = [
    [
      'plain',
      'a,b,c\n1,2,3\n',
      [
        { line: 1, cells: ['a', 'b', 'c'] },
        { line: 2, cells: ['1', '2', '3'] },
      ],
    ],
    [
      'BOM and CRLF',
      '\uFEFFa,b\r\nc,d',
      [
        { line: 1, cells: ['a', 'b'] },
        { line: 2, cells: ['c', 'd'] },
      ],
    ],
    ['quoted separator and doubled quote', '"a,1","say ""hi"""', [{ line: 1, cells: ['a,1', 'say "hi"'] }]],
    [
      'a quoted line break joins, and the next record keeps its own line',
      '"完成农业标准化示范区、\n服务业标准化试点",≥5项\n下一行,1份',
      [
        { line: 1, cells: ['完成农业标准化示范区、服务业标准化试点', '≥5项'] },
        { line: 3, cells: ['下一行', '1份'] },
      ],
    ],
    ['empty cells', ',,x,', [{ line: 1, cells: ['', '', 'x', ''] }]],
    [
      'semicolon sniffed',
      'a;b;"c;d"\n1;2;3',
      [
        { line: 1, cells: ['a', 'b', 'c;d'] },
        { line: 2, cells: ['1', '2', '3'] },
      ],
    ],
  ];
  it.each(cases)('%s', (_name, input, expected) => {
    expect(csvRows(input)).toEqual(expected);
  });

  it('reads a target table written as CSV like its tab-separated twin', () => {
    const lines = [
      ['项目支出绩效目标表'],
      ['预算单位', '某局', '项目名称', '测试项目'],
      ['项目资金（万元）', '年度资金总额：', '90', '其中：财政拨款', '90', '其他资金', '0'],
      ['项目总体目标', '完成测试，按期验收。'],
      ['一级指标', '二级指标', '三级指标', '指标值'],
      ['项目完成指标', '数量指标', '汽油抽检批次', '≥ 700 批次'],
      ['', '', '合格率, 覆盖率', '县道≥95%，乡村道≥90%'],
      ['', '时效指标', '完成时间', '2019年11月底前'],
    ];
    const csv = lines
      .map((r) => r.map((c) => (/[",\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))
      .join('\r\n');
    const tsv = lines.map((r) => r.join('\t')).join('\n');
    const fromCsv = readCatalogue(csvRows(csv));
    expect(fromCsv).toEqual(readCatalogue(tsvRows(tsv)));
    expect(fromCsv.projects[0].indicators.map((i) => i.name)).toEqual(['汽油抽检批次', '合格率, 覆盖率', '完成时间']);
  });
});

describe('decodeText', () => {
  it('reads UTF-8, UTF-16 with BOM and GB18030', () => {
    const s = '项目支出绩效目标表\t≥30个';
    expect(decodeText(new TextEncoder().encode(s))).toBe(s);
    expect(decodeText(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]))).toBe(s);
    // 项目 in GB18030.
    expect(decodeText(new Uint8Array([0xcf, 0xee, 0xc4, 0xbf]))).toBe('项目');
  });
});

describe('unwrapCell', () => {
  it.each([
    ['完成农业标准化\n示范区', '完成农业标准化示范区'],
    ['Office\n2016', 'Office 2016'],
    ['  ≥95% \r\n', '≥95%'],
  ])('%j → %s', (input, expected) => expect(unwrapCell(input)).toBe(expected));
});

describe('xlsxRows', () => {
  async function workbook(): Promise<Buffer> {
    const wb = new ExcelJS.Workbook();
    const ws = wb.addWorksheet('目标表');
    ws.addRow(['项目支出绩效目标表']);
    ws.mergeCells('A1:D1');
    ws.addRow(['预算单位', '某局', '项目名称', '测试项目']);
    ws.addRow(['项目资金(万元)', '年度资金总额:', 90, null]);
    ws.addRow(['项目总体目标', '完成测试。']);
    ws.mergeCells('B4:D4');
    ws.addRow(['一级指标', '二级指标', '三级指标', '指标值']);
    ws.addRow(['项目完成指标', '数量指标', '汽油抽检批次', '≥700批次']);
    ws.addRow([null, null, '柴油抽检批次', '≥300批次']);
    ws.addRow([null, '时效指标', '完成时间', new Date(Date.UTC(2019, 10, 30))]);
    ws.addRow(['满意度指标', '满意度指标', '公众满意度', 0.9]);
    ws.getCell('D9').numFmt = '0%';
    ws.addRow([null, null, { richText: [{ text: '商户' }, { text: '满意度' }] }, '≥85%']);
    // Level cells merged down the rows they cover: only the top cell holds the text.
    ws.mergeCells('A6:A8');
    ws.mergeCells('B6:B7');
    ws.mergeCells('A9:A10');
    ws.mergeCells('B9:B10');
    return Buffer.from(await wb.xlsx.writeBuffer());
  }

  it('gives merged cells once, in their top-left cell, and formats dates and percentages', async () => {
    const rows = await xlsxRows(await workbook());
    expect(rows.map((r) => r.cells)).toEqual([
      ['项目支出绩效目标表', '', '', ''],
      ['预算单位', '某局', '项目名称', '测试项目'],
      ['项目资金(万元)', '年度资金总额:', '90', ''],
      ['项目总体目标', '完成测试。', '', ''],
      ['一级指标', '二级指标', '三级指标', '指标值'],
      ['项目完成指标', '数量指标', '汽油抽检批次', '≥700批次'],
      ['', '', '柴油抽检批次', '≥300批次'],
      ['', '时效指标', '完成时间', '2019-11-30'],
      ['满意度指标', '满意度指标', '公众满意度', '90%'],
      ['', '', '商户满意度', '≥85%'],
    ]);
    expect(rows.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('reads every visible sheet, numbering rows per sheet and naming it', async () => {
    const bytes = await workbookBytes([
      { name: '甲', rows: [['a'], ['b']] },
      { name: '隐藏', rows: [['x']], state: 'hidden' },
      { name: '乙', rows: [['c']] },
    ]);
    expect(await xlsxRows(bytes)).toEqual([
      { sheet: '甲', line: 1, cells: ['a'] },
      { sheet: '甲', line: 2, cells: ['b'] },
      { sheet: '乙', line: 1, cells: ['c'] },
    ]);
    expect(await xlsxRows(bytes, { sheet: '隐藏' })).toEqual([{ sheet: '隐藏', line: 1, cells: ['x'] }]);
  });

  it('reads the workbook into a catalogue with carried levels', async () => {
    const c = readCatalogue(await xlsxRows(await workbook()));
    expect(c.fiscalYear).toBe(2019);
    expect(c.projects[0].funds).toEqual({ total: 90, fiscal: null, other: null, unit: '万元' });
    expect(c.projects[0].indicators.map((i) => [i.line, i.level1, i.level2, i.name, i.target])).toEqual([
      [6, '项目完成指标', '数量指标', '汽油抽检批次', { kind: 'numeric', op: '>=', value: 700, unit: '批次' }],
      [7, '项目完成指标', '数量指标', '柴油抽检批次', { kind: 'numeric', op: '>=', value: 300, unit: '批次' }],
      [8, '项目完成指标', '时效指标', '完成时间', { kind: 'deadline', by: '2019-11-30' }],
      [9, '满意度指标', '满意度指标', '公众满意度', { kind: 'numeric', op: '=', value: 90, unit: '%' }],
      [10, '满意度指标', '满意度指标', '商户满意度', { kind: 'numeric', op: '>=', value: 85, unit: '%' }],
    ]);
    expect(c.problems).toEqual([]);
  });
});
