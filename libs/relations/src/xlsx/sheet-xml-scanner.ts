import { attribute, decodeXmlText, stringItemText } from './xml-text';

/** A cell error such as `#N/A` or `#DIV/0!`. */
export interface CellError {
  error: string;
}

/** A cell's value as stored: numbers, text (shared, inline or formula result), booleans, errors. */
export type CellValue = number | string | boolean | CellError;

/** One worksheet row: the 1-based row number and its non-empty cells (1-based column numbers, ascending). */
export interface SheetRow {
  row: number;
  columns: number[];
  values: CellValue[];
}

/** Thrown when a worksheet's XML is not what SpreadsheetML allows (truncated, bad shared string index). */
export class SheetFormatError extends Error {
  override name = 'SheetFormatError';
}

const V_ONLY_START = '<v>';
const V_ONLY_END = '</v>';
const VALUE_ELEMENT = /<(?:\w+:)?v(?:\s[^>]*)?>([\s\S]*?)<\/(?:\w+:)?v>/;

/** The 1-based column number of a cell reference such as `C3` or `AB12`. */
export function columnOfReference(reference: string): number {
  let column = 0;
  for (let i = 0; i < reference.length; i++) {
    const code = reference.charCodeAt(i);
    if (code >= 65 && code <= 90) column = column * 26 + (code - 64);
    else if (code >= 97 && code <= 122) column = column * 26 + (code - 96);
    else break;
  }
  return column;
}

/** The letters of a 1-based column number (`3` -> `C`, `28` -> `AB`). */
export function columnLetters(column: number): string {
  let letters = '';
  for (let n = column; n > 0; n = Math.floor((n - 1) / 26)) {
    letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  }
  return letters;
}

function isNameEnd(code: number): boolean {
  // whitespace, '/', '>'
  return code === 32 || code === 9 || code === 10 || code === 13 || code === 47 || code === 62;
}

/**
 * Turns the text of a worksheet part (`xl/worksheets/sheetN.xml`), pushed in chunks of any size, into
 * rows of cell values, holding only the unfinished tail of the text. Only `<sheetData>` is read;
 * namespace prefixes, cells or rows without an `r` attribute, inline strings, formulas (their
 * cached value), booleans and errors are understood. Styles are ignored, so a date is its serial
 * number.
 */
export class SheetXmlScanner {
  private buffer = '';
  private inSheetData = false;
  private finished = false;
  private current: SheetRow | undefined;
  private lastRow = 0;
  private lastColumn = 0;

  constructor(private readonly sharedStrings: readonly string[]) {}

  /** True once `</sheetData>` was read: the rest of the part holds no cells. */
  get done(): boolean {
    return this.finished;
  }

  /** Scans a chunk; returns the rows completed by it. */
  push(chunk: string): SheetRow[] {
    const rows: SheetRow[] = [];
    if (this.finished) return rows;
    const s = this.buffer.length > 0 ? this.buffer + chunk : chunk;
    let i = 0;
    while (!this.finished) {
      const lt = s.indexOf('<', i);
      if (lt < 0) {
        i = s.length;
        break;
      }
      const gt = s.indexOf('>', lt);
      if (gt < 0) {
        i = lt;
        break;
      }
      const closing = s.charCodeAt(lt + 1) === 47; // '</'
      const nameStart = closing ? lt + 2 : lt + 1;
      let nameEnd = nameStart;
      while (nameEnd < gt && !isNameEnd(s.charCodeAt(nameEnd))) nameEnd++;
      const qualified = s.slice(nameStart, nameEnd);
      const colon = qualified.indexOf(':');
      const local = colon < 0 ? qualified : qualified.slice(colon + 1);
      const selfClosing = s.charCodeAt(gt - 1) === 47;

      if (!this.inSheetData) {
        if (local === 'sheetData' && !closing) {
          if (selfClosing) this.finished = true;
          else this.inSheetData = true;
        }
        i = gt + 1;
        continue;
      }
      if (local === 'c' && !closing) {
        const attributes = s.slice(nameEnd, selfClosing ? gt - 1 : gt);
        if (selfClosing) {
          this.cell(attributes, '');
          i = gt + 1;
          continue;
        }
        const end = s.indexOf(`</${qualified}>`, gt + 1);
        if (end < 0) {
          i = lt;
          break;
        }
        this.cell(attributes, s.slice(gt + 1, end));
        i = end + qualified.length + 3;
        continue;
      }
      if (local === 'row') {
        if (closing) {
          if (this.current) rows.push(this.current);
          this.current = undefined;
        } else {
          const r = attribute(s.slice(nameEnd, gt), 'r');
          this.lastRow = r === undefined ? this.lastRow + 1 : Number(r);
          this.lastColumn = 0;
          this.current = selfClosing ? undefined : { row: this.lastRow, columns: [], values: [] };
        }
      } else if (local === 'sheetData' && closing) {
        this.finished = true;
      }
      i = gt + 1;
    }
    this.buffer = this.finished ? '' : s.slice(i);
    return rows;
  }

  /** Ends the text; throws if it stopped inside the sheet data (a truncated part). */
  end(): void {
    if (this.inSheetData && !this.finished) {
      throw new SheetFormatError('the worksheet ends before </sheetData> (truncated file?)');
    }
  }

  private cell(attributes: string, inner: string): void {
    const reference = attribute(attributes, 'r');
    const column = reference === undefined ? this.lastColumn + 1 : columnOfReference(reference);
    this.lastColumn = column;
    const value = this.value(attribute(attributes, 't'), inner);
    if (value === undefined || !this.current) return;
    this.current.columns.push(column);
    this.current.values.push(value);
  }

  private value(type: string | undefined, inner: string): CellValue | undefined {
    if (type === 'inlineStr') return inner.length === 0 ? undefined : stringItemText(inner);
    let raw: string | undefined;
    if (
      inner.startsWith(V_ONLY_START) &&
      inner.endsWith(V_ONLY_END) &&
      inner.indexOf('<', 3) === inner.length - 4
    ) {
      raw = inner.slice(3, -4);
    } else {
      raw = VALUE_ELEMENT.exec(inner)?.[1];
    }
    // No value: an empty (styled) cell, or a formula without a cached result.
    if (raw === undefined) return undefined;
    switch (type) {
      case 's': {
        const text = this.sharedStrings[Number(raw)];
        if (text === undefined) throw new SheetFormatError(`shared string ${raw} does not exist`);
        return text;
      }
      case 'str':
      case 'd':
        return decodeXmlText(raw);
      case 'b':
        return raw.trim() === '1';
      case 'e':
        return { error: decodeXmlText(raw) };
      default:
        return raw.length === 0 ? undefined : Number(raw);
    }
  }
}
