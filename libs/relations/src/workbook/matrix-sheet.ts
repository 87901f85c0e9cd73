import type { SheetRow } from '../xlsx/sheet-xml-scanner';
import {
  BLANK,
  boundedText,
  cellAddress,
  displayValue,
  INVALID,
  isBlank,
  MAX_LABEL_LENGTH,
  personId,
  relationCode,
  type CellReject,
} from './cell-values';

/** The layout of the matrix sheet: ids in column A and row 1, labels in column B and row 2, data from C3. */
export const MATRIX_LAYOUT = {
  idRow: 1,
  labelRow: 2,
  idColumn: 1,
  labelColumn: 2,
  firstDataRow: 3,
  firstDataColumn: 3,
} as const;

/** Thrown when a workbook does not have the expected shape at all (missing sheet, no ids). */
export class WorkbookLayoutError extends Error {
  override name = 'WorkbookLayoutError';
}

/** The matrix's columns: position p is sheet column p + 3; id 0 marks a column without a valid id. */
export interface MatrixHeader {
  ids: Int32Array;
  labels: (string | undefined)[];
  positionOf: Map<number, number>;
}

/** One data row: the person (row id), its label, and one code per column position. */
export interface MatrixRow {
  rowNumber: number;
  person: number;
  label: string | undefined;
  codes: Int8Array;
}

/**
 * Reads the matrix sheet row by row (pure: rows in, header and data rows out). People are keyed by
 * the numeric ids; labels are kept as given. Cells that are not blank, 0 or 1 become rejects with
 * their address; a header id that is missing, not a positive whole number or repeated is a reject
 * too, and the cells of its row or column are skipped.
 */
export class MatrixSheet {
  readonly rejects: CellReject[] = [];
  /** Reject counts; the stored list may be capped, these are not. */
  rejectCount = 0;
  rowIdRejects = 0;
  columnIdRejects = 0;
  private readonly rejectedHeaderColumns = new Set<number>();
  private readonly unknownColumns = new Set<number>();
  /** Non-blank cells skipped because their row or column has no valid id. */
  skippedCells = 0;
  /** Cells that were 0, 1 or rejected (non-blank data cells under valid ids). */
  cellsRead = 0;

  private idRow: SheetRow | undefined;
  private labelRow: SheetRow | undefined;
  private built: MatrixHeader | undefined;
  private readonly rowsById = new Map<number, number>();

  constructor(
    readonly sheet: string,
    private readonly maxStoredRejects = 10_000,
  ) {}

  /** The header, once the first data row (or the end) has been seen. */
  get header(): MatrixHeader | undefined {
    return this.built;
  }

  /** Takes one sheet row; returns a data row when it is one. */
  accept(row: SheetRow): MatrixRow | undefined {
    if (row.row === MATRIX_LAYOUT.idRow) {
      this.idRow = row;
      return undefined;
    }
    if (row.row === MATRIX_LAYOUT.labelRow) {
      this.labelRow = row;
      return undefined;
    }
    if (row.row < MATRIX_LAYOUT.firstDataRow) return undefined;
    const header = this.built ?? this.buildHeader();
    return this.dataRow(row, header);
  }

  /** Ends the sheet: builds the header if no data row did. */
  finish(): MatrixHeader {
    return this.built ?? this.buildHeader();
  }

  /** A row or column label; one too long for the people table is a reject (and no label). */
  private label(
    column: number,
    row: number,
    value: SheetRow['values'][number] | undefined,
  ): string | undefined {
    const { text, tooLong } = boundedText(value, MAX_LABEL_LENGTH);
    if (tooLong)
      this.reject(column, row, displayValue(value), `label longer than ${MAX_LABEL_LENGTH} characters`);
    return text;
  }

  /**
   * Data under a column without a valid id (blank, or beyond the ids of row 1): the column is
   * rejected once, and counts as a column-id reject, so relations to people without a column are
   * kept rather than cleared.
   */
  private unknownColumn(column: number): void {
    if (this.unknownColumns.has(column)) return;
    this.unknownColumns.add(column);
    if (this.rejectedHeaderColumns.has(column)) return; // its id was already rejected
    this.columnIdRejects++;
    this.reject(column, 1, '', 'data below a column without a person id');
  }

  private reject(column: number, row: number, value: string, reason: string): void {
    this.rejectCount++;
    if (this.rejects.length < this.maxStoredRejects) {
      this.rejects.push({ sheet: this.sheet, cell: cellAddress(column, row), value, reason });
    }
  }

  private buildHeader(): MatrixHeader {
    const first = MATRIX_LAYOUT.firstDataColumn;
    const idRow = this.idRow ?? { row: 1, columns: [], values: [] };
    const width = Math.max(0, ...idRow.columns.map((c) => c - first + 1));
    const ids = new Int32Array(width);
    const labels: (string | undefined)[] = new Array<string | undefined>(width).fill(undefined);
    const positionOf = new Map<number, number>();
    idRow.columns.forEach((column, i) => {
      if (column < first) return;
      const value = idRow.values[i];
      const id = personId(value);
      if (id === undefined) {
        if (!isBlank(value)) {
          this.columnIdRejects++;
          this.rejectedHeaderColumns.add(column);
          this.reject(column, 1, displayValue(value), 'person id must be a positive whole number');
        }
        return;
      }
      const seen = positionOf.get(id);
      if (seen !== undefined) {
        this.columnIdRejects++;
        this.rejectedHeaderColumns.add(column);
        this.reject(
          column,
          1,
          String(id),
          `duplicate column id ${id} (first at ${cellAddress(seen + first, 1)})`,
        );
        return;
      }
      ids[column - first] = id;
      positionOf.set(id, column - first);
    });
    if (positionOf.size === 0) {
      throw new WorkbookLayoutError(
        `sheet "${this.sheet}" has no person ids in row 1 (expected ids from C1, labels in row 2, data from C3)`,
      );
    }
    const labelRow = this.labelRow;
    labelRow?.columns.forEach((column, i) => {
      if (column >= first && column - first < width)
        labels[column - first] = this.label(column, 2, labelRow.values[i]);
    });
    this.built = { ids, labels, positionOf };
    return this.built;
  }

  private dataRow(row: SheetRow, header: MatrixHeader): MatrixRow | undefined {
    const { columns, values } = row;
    const first = MATRIX_LAYOUT.firstDataColumn;
    let idValue: SheetRow['values'][number] | undefined;
    let labelValue: SheetRow['values'][number] | undefined;
    let dataStart = 0;
    while (dataStart < columns.length && columns[dataStart]! < first) {
      if (columns[dataStart] === MATRIX_LAYOUT.idColumn) idValue = values[dataStart];
      else labelValue = values[dataStart];
      dataStart++;
    }
    const person = personId(idValue);
    const firstRow = person === undefined ? undefined : this.rowsById.get(person);
    if (person === undefined || firstRow !== undefined) {
      let filled = 0;
      for (let i = dataStart; i < columns.length; i++) if (!isBlank(values[i])) filled++;
      if (person === undefined && filled === 0 && isBlank(idValue) && isBlank(labelValue)) return undefined;
      this.skippedCells += filled;
      this.rowIdRejects++;
      this.reject(
        MATRIX_LAYOUT.idColumn,
        row.row,
        displayValue(idValue),
        person === undefined
          ? 'person id must be a positive whole number'
          : `duplicate row id ${person} (first at A${firstRow})`,
      );
      return undefined;
    }
    this.rowsById.set(person, row.row);
    const width = header.ids.length;
    const codes = new Int8Array(width).fill(BLANK);
    for (let i = dataStart; i < columns.length; i++) {
      const position = columns[i]! - first;
      const value = values[i];
      if (position >= width || header.ids[position] === 0) {
        if (!isBlank(value)) {
          this.skippedCells++;
          this.unknownColumn(columns[i]!);
        }
        continue;
      }
      const code = relationCode(value);
      if (code === BLANK) continue;
      this.cellsRead++;
      codes[position] = code;
      if (code === INVALID) {
        this.reject(columns[i]!, row.row, displayValue(value), 'relation must be 0, 1 or blank');
      }
    }
    return {
      rowNumber: row.row,
      person,
      label: this.label(MATRIX_LAYOUT.labelColumn, row.row, labelValue),
      codes,
    };
  }
}
