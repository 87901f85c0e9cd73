import type { SheetRow } from '../xlsx/sheet-xml-scanner';
import {
  boundedText,
  cellAddress,
  displayValue,
  isBlank,
  MAX_LABEL_LENGTH,
  MAX_NAME_LENGTH,
  personId,
  type CellReject,
} from './cell-values';

/** The actor list's layout (as in the real workbook): letter in column A, id in column B, full name in column C. */
export const ACTOR_LAYOUT = { labelColumn: 1, idColumn: 2, nameColumn: 3 } as const;

export interface Actor {
  id: number;
  label: string | undefined;
  name: string | undefined;
}

/**
 * Reads the actor list (pure). Rows before the first one with an id in column B are titles and
 * ignored; after it, a filled row without a valid id, or with an id already listed, is a reject.
 */
export class ActorList {
  readonly actors = new Map<number, Actor>();
  readonly rejects: CellReject[] = [];
  private readonly rowsById = new Map<number, number>();

  constructor(readonly sheet: string) {}

  accept(row: SheetRow): void {
    const cell = (column: number) => {
      const i = row.columns.indexOf(column);
      return i < 0 ? undefined : row.values[i];
    };
    const idValue = cell(ACTOR_LAYOUT.idColumn);
    const id = personId(idValue);
    const address = cellAddress(ACTOR_LAYOUT.idColumn, row.row);
    if (id === undefined) {
      const filled = row.values.some((value) => !isBlank(value));
      if (this.actors.size > 0 && filled) {
        this.rejects.push({
          sheet: this.sheet,
          cell: address,
          value: displayValue(idValue),
          reason: 'person id must be a positive whole number',
        });
      }
      return;
    }
    const first = this.rowsById.get(id);
    if (first !== undefined) {
      this.rejects.push({
        sheet: this.sheet,
        cell: address,
        value: String(id),
        reason: `duplicate actor id ${id} (first at ${cellAddress(ACTOR_LAYOUT.idColumn, first)})`,
      });
      return;
    }
    this.rowsById.set(id, row.row);
    const bounded = (column: number, max: number, what: string) => {
      const value = cell(column);
      const { text, tooLong } = boundedText(value, max);
      if (tooLong) {
        this.rejects.push({
          sheet: this.sheet,
          cell: cellAddress(column, row.row),
          value: displayValue(value),
          reason: `${what} longer than ${max} characters`,
        });
      }
      return text;
    };
    this.actors.set(id, {
      id,
      label: bounded(ACTOR_LAYOUT.labelColumn, MAX_LABEL_LENGTH, 'label'),
      name: bounded(ACTOR_LAYOUT.nameColumn, MAX_NAME_LENGTH, 'name'),
    });
  }
}
