import { columnLetters, type CellValue } from '../xlsx/sheet-xml-scanner';

/** A matrix cell's meaning: blank (unknown), 0 or 1 (known), or invalid (a reject). */
export const BLANK = -1;
export const INVALID = -2;
export type RelationCode = 0 | 1 | typeof BLANK | typeof INVALID;

const MAX_ID = 2_147_483_647;

/** A reject: a cell whose value Caudal could not accept, with where it is and why. */
export interface CellReject {
  sheet: string;
  cell: string;
  value: string;
  reason: string;
}

export function cellAddress(column: number, row: number): string {
  return `${columnLetters(column)}${row}`;
}

/** A cell value as text for messages and the rejects table. */
/** A cell's value as shown in a reject (at most 255 characters: the width of load_rejects.value). */
export function displayValue(value: CellValue | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  if (typeof value === 'object') return value.error;
  const text = String(value);
  return text.length > 255 ? `${text.slice(0, 252)}...` : text;
}

/** Widths of the people columns (characters): longer text is a reject, not a failed load. */
export const MAX_LABEL_LENGTH = 64;
export const MAX_NAME_LENGTH = 255;

/** labelText bounded to `max` characters: the text, or `tooLong` when it does not fit. */
export function boundedText(
  value: CellValue | undefined,
  max: number,
): { text: string | undefined; tooLong: boolean } {
  const text = labelText(value);
  return text !== undefined && [...text].length > max
    ? { text: undefined, tooLong: true }
    : { text, tooLong: false };
}

/**
 * What a matrix cell says about a relation. Blank (no value, or only spaces) is unknown; the numbers
 * 0 and 1 are known (also when typed as text, "0" / "1"); anything else is invalid.
 */
export function relationCode(value: CellValue | undefined): RelationCode {
  if (value === undefined) return BLANK;
  if (typeof value === 'number') return value === 0 ? 0 : value === 1 ? 1 : INVALID;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text === '') return BLANK;
    return text === '0' ? 0 : text === '1' ? 1 : INVALID;
  }
  return INVALID;
}

/** A person id: a positive whole number (also as text); undefined for anything else. */
export function personId(value: CellValue | undefined): number | undefined {
  let id: number | undefined;
  if (typeof value === 'number') id = value;
  else if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) id = Number(value);
  return id !== undefined && Number.isInteger(id) && id >= 1 && id <= MAX_ID ? id : undefined;
}

/** A label or name: trimmed text (numbers as written); undefined when blank. */
export function labelText(value: CellValue | undefined): string | undefined {
  if (value === undefined || typeof value === 'object' || typeof value === 'boolean') return undefined;
  const text = String(value).trim();
  return text === '' ? undefined : text;
}

export function isBlank(value: CellValue | undefined): boolean {
  return value === undefined || (typeof value === 'string' && value.trim() === '');
}
