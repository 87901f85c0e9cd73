import type { CellValue, SheetRow } from '../xlsx/sheet-xml-scanner';
import { ActorList } from './actor-list';
import { BLANK, INVALID, personId, relationCode } from './cell-values';
import { MatrixSheet, WorkbookLayoutError, type MatrixRow } from './matrix-sheet';

/** A sheet row from a sparse list of [column, value]. */
function row(number: number, ...cells: [number, CellValue][]): SheetRow {
  return { row: number, columns: cells.map(([c]) => c), values: cells.map(([, v]) => v) };
}

function readMatrix(rows: SheetRow[]): { sheet: MatrixSheet; data: MatrixRow[] } {
  const sheet = new MatrixSheet('Matriz');
  const data: MatrixRow[] = [];
  for (const r of rows) {
    const accepted = sheet.accept(r);
    if (accepted) data.push(accepted);
  }
  sheet.finish();
  return { sheet, data };
}

describe('cell values', () => {
  it('reads 0 and 1 as known, blank as unknown, anything else as invalid', () => {
    expect([0, 1, '0', ' 1 ', '', '  '].map((v) => relationCode(v))).toEqual([0, 1, 0, 1, BLANK, BLANK]);
    expect(relationCode(undefined)).toBe(BLANK);
    for (const bad of [2, -1, 0.5, 'x', 'sí', true, { error: '#N/A' }])
      expect(relationCode(bad)).toBe(INVALID);
  });

  it('reads ids as positive whole numbers', () => {
    expect([1, 50, '7', ' 12 '].map((v) => personId(v))).toEqual([1, 50, 7, 12]);
    for (const bad of [0, -3, 1.5, 'A', '', true, 3_000_000_000]) expect(personId(bad)).toBeUndefined();
  });
});

describe('MatrixSheet', () => {
  const header = [row(1, [3, 1], [4, 2], [5, 3]), row(2, [3, 'N'], [4, 'Ñ'], [5, 'n'])];

  it('keys rows and columns by id, keeps labels, and codes each cell', () => {
    const { sheet, data } = readMatrix([
      ...header,
      row(3, [1, 1], [2, 'N'], [3, 0], [4, 1]),
      row(4, [1, 2], [2, 'Ñ '], [5, '1']),
    ]);
    expect(sheet.header!.ids).toEqual(Int32Array.from([1, 2, 3]));
    expect(sheet.header!.labels).toEqual(['N', 'Ñ', 'n']);
    expect(data.map((r) => [r.person, r.label, [...r.codes]])).toEqual([
      [1, 'N', [0, 1, BLANK]],
      [2, 'Ñ', [BLANK, BLANK, 1]],
    ]);
    expect(sheet.cellsRead).toBe(3);
    expect(sheet.rejects).toEqual([]);
  });

  it('rejects a label too long for the people table, and data below a column without an id', () => {
    const long = 'L'.repeat(65);
    const { sheet, data } = readMatrix([
      row(1, [3, 1], [5, 3]), // D1 blank
      row(2, [3, 'N'], [5, long]),
      row(3, [1, 1], [2, long], [3, 0], [4, 1], [5, 1], [7, 0]), // D3 and G3 have no column id
    ]);
    expect(sheet.header!.labels).toEqual(['N', undefined, undefined]);
    expect(data.map((r) => [r.person, r.label, [...r.codes]])).toEqual([[1, undefined, [0, BLANK, 1]]]);
    expect(sheet.columnIdRejects).toBe(2);
    expect(sheet.rejects.map((r) => [r.cell, r.reason])).toEqual([
      ['E2', 'label longer than 64 characters'],
      ['D1', 'data below a column without a person id'],
      ['G1', 'data below a column without a person id'],
      ['B3', 'label longer than 64 characters'],
    ]);
  });

  it('rejects bad cells with sheet, address and value, and keeps reading', () => {
    const { sheet, data } = readMatrix([
      ...header,
      row(3, [1, 1], [3, 2], [4, 'x'], [5, -1]),
      row(4, [1, 2], [3, 1]),
    ]);
    expect(sheet.rejects).toEqual([
      { sheet: 'Matriz', cell: 'C3', value: '2', reason: 'relation must be 0, 1 or blank' },
      { sheet: 'Matriz', cell: 'D3', value: 'x', reason: 'relation must be 0, 1 or blank' },
      { sheet: 'Matriz', cell: 'E3', value: '-1', reason: 'relation must be 0, 1 or blank' },
    ]);
    expect([...data[0]!.codes]).toEqual([INVALID, INVALID, INVALID]);
    expect([...data[1]!.codes]).toEqual([1, BLANK, BLANK]);
    expect(sheet.rejectCount).toBe(3);
  });

  it('rejects bad or repeated ids and skips their cells', () => {
    const { sheet, data } = readMatrix([
      row(1, [3, 1], [4, 'x'], [5, 1], [6, 2]),
      row(3, [1, 1], [3, 0], [4, 1], [5, 1], [6, 1]),
      row(4, [1, 1], [3, 1]),
      row(5, [2, 'Q'], [3, 1]),
      row(6, [3, '  ']),
    ]);
    expect(sheet.rejects.map((r) => `${r.cell} ${r.reason}`)).toEqual([
      'D1 person id must be a positive whole number',
      'E1 duplicate column id 1 (first at C1)',
      'A4 duplicate row id 1 (first at A3)',
      'A5 person id must be a positive whole number',
    ]);
    expect(sheet.columnIdRejects).toBe(2);
    expect(sheet.rowIdRejects).toBe(2);
    expect(sheet.skippedCells).toBe(4);
    expect(data.map((r) => [r.person, [...r.codes]])).toEqual([[1, [0, BLANK, BLANK, 1]]]);
  });

  it('fails a sheet without ids in row 1', () => {
    expect(() => readMatrix([row(2, [3, 'A']), row(3, [1, 1], [3, 1])])).toThrow(WorkbookLayoutError);
    expect(() => readMatrix([])).toThrow('has no person ids in row 1');
  });
});

describe('ActorList', () => {
  it('reads letter, id and name after the title rows; rejects bad and repeated ids', () => {
    const list = new ActorList('Lista');
    for (const r of [
      row(4, [2, 'Lista de actores']),
      row(5, [1, 'A'], [2, 1], [3, 'Helena Durán Crane']),
      row(6, [1, 'Ñ'], [2, 15], [3, ' Valerio Andrade Mosquera ']),
      row(7, [1, 'X'], [2, 'quince'], [3, 'Nadie']),
      row(8, [1, 'B'], [2, 1], [3, 'Otra']),
      row(9),
    ]) {
      list.accept(r);
    }
    expect([...list.actors.values()]).toEqual([
      { id: 1, label: 'A', name: 'Helena Durán Crane' },
      { id: 15, label: 'Ñ', name: 'Valerio Andrade Mosquera' },
    ]);
    expect(list.rejects.map((r) => `${r.sheet}!${r.cell} ${r.value}: ${r.reason}`)).toEqual([
      'Lista!B7 quince: person id must be a positive whole number',
      'Lista!B8 1: duplicate actor id 1 (first at B5)',
    ]);
  });
});
