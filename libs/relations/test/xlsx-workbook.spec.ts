import ExcelJS from 'exceljs';
import { existsSync, mkdtempSync, readdirSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RELATIONS_SAMPLE_XLSX, XlsxWorkbook, ZipFormatError, type CellValue } from '../src';

// The streaming reader is checked against exceljs (which loads the whole workbook) on the real file
// and on workbooks exceljs writes with shared strings, inline strings and formulas.

async function streamed(path: string): Promise<Map<string, Map<string, CellValue>>> {
  const workbook = await XlsxWorkbook.open(path);
  const sheets = new Map<string, Map<string, CellValue>>();
  for (const name of workbook.sheetNames) {
    const cells = new Map<string, CellValue>();
    for await (const row of workbook.rows(name)) {
      row.columns.forEach((column, i) => cells.set(`${column}:${row.row}`, row.values[i]!));
    }
    sheets.set(name, cells);
  }
  return sheets;
}

async function loaded(path: string): Promise<Map<string, Map<string, CellValue>>> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const sheets = new Map<string, Map<string, CellValue>>();
  for (const sheet of workbook.worksheets) {
    const cells = new Map<string, CellValue>();
    sheet.eachRow({ includeEmpty: false }, (row, rowNumber) => {
      row.eachCell({ includeEmpty: false }, (cell, column) => {
        const value = cell.value as unknown;
        if (value === null || value === undefined) return;
        const plain =
          typeof value === 'object' && value !== null && 'result' in value
            ? (value as { result: CellValue }).result
            : typeof value === 'object' && value !== null && 'richText' in value
              ? (value as { richText: { text: string }[] }).richText.map((r) => r.text).join('')
              : (value as CellValue);
        cells.set(`${column}:${rowNumber}`, plain);
      });
    });
    sheets.set(sheet.name, cells);
  }
  return sheets;
}

describe('XlsxWorkbook (streaming) against exceljs', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'caudal-xlsx-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads every cell of the real workbook as exceljs does', async () => {
    const ours = await streamed(RELATIONS_SAMPLE_XLSX);
    const theirs = await loaded(RELATIONS_SAMPLE_XLSX);
    expect([...ours.keys()]).toEqual(['Matriz de adyacencia', 'Lista de actores']);
    expect(ours).toEqual(theirs);
    const matrix = ours.get('Matriz de adyacencia')!;
    expect(matrix.get('2:16')).toBe('N');
    expect(matrix.get('2:17')).toBe('Ñ');
    expect(ours.get('Lista de actores')!.get('3:5')).toBe('Helena Durán Crane');
  });

  it.each([true, false])('reads workbooks exceljs writes (shared strings: %s)', async (useSharedStrings) => {
    const path = join(dir, `written-${useSharedStrings}.xlsx`);
    const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings });
    const sheet = writer.addWorksheet('Hoja & <1>');
    sheet.addRow([null, null, 1, 2, 3]).commit();
    sheet.addRow([null, null, 'Ñ', 'n', 'N ']).commit();
    sheet.addRow([1, 'Ñ', 0, 1, { formula: '1+1', result: 2 }, true, 'x', -1]).commit();
    await sheet.commit();
    await writer.commit();
    const ours = await streamed(path);
    expect(ours).toEqual(await loaded(path));
    expect(ours.get('Hoja & <1>')!.get('7:3')).toBe('x');
  });

  it('rejects a file that is not a workbook', async () => {
    await expect(XlsxWorkbook.open(__filename)).rejects.toThrow(ZipFormatError);
  });

  // Linux shows a process's open files in /proc/self/fd.
  (existsSync('/proc/self/fd') ? it : it.skip)('closes the file when a reader stops early', async () => {
    // A sheet larger than one read of the file (256 KB compressed), so the file is still open then.
    const dir = mkdtempSync(join(tmpdir(), 'caudal-xlsx-'));
    const path = join(dir, 'large.xlsx');
    try {
      const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path });
      const sheet = writer.addWorksheet('Large');
      for (let r = 1; r <= 400; r++) {
        sheet.addRow(Array.from({ length: 300 }, (_, c) => (r * 7919 + c * 104_729) % 1000)).commit();
      }
      await sheet.commit();
      await writer.commit();
      const openOnFile = () =>
        readdirSync('/proc/self/fd').filter((fd) => {
          try {
            return readlinkSync(`/proc/self/fd/${fd}`) === realpathSync(path);
          } catch {
            return false; // closed meanwhile
          }
        }).length;
      const workbook = await XlsxWorkbook.open(path);
      let rows = 0;
      let openWhileReading = 0;
      for await (const row of workbook.rows('Large')) {
        expect(row.values).toHaveLength(300);
        openWhileReading = openOnFile();
        if (++rows === 3) break;
      }
      expect(rows).toBe(3);
      expect(openWhileReading).toBe(1); // the reader had not reached the end of the file
      await new Promise((resolve) => setTimeout(resolve, 50)); // the file closes asynchronously
      expect(openOnFile()).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
