/** One CSV record: its fields, the physical line it starts on (1-based) and its raw text. */
export interface CsvRecord {
  line: number;
  fields: string[];
  raw: string;
}

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;

interface Parsed {
  fields: string[];
  /** Index just after the record's line break (or the end of the text). */
  next: number;
  /** Index where the record's content ends (before the line break). */
  contentEnd: number;
}

/**
 * A streaming RFC 4180 parser: feed text chunks of any size, get complete records. Handles a UTF-8
 * BOM, CRLF or LF line endings, quoted fields with commas, quotes ("") and line breaks. Fields are
 * sliced out of the chunk rather than built a character at a time, and memory holds only the record
 * that spans two chunks. Blank lines are skipped.
 */
export class CsvParser {
  private carry = '';
  private line = 1;
  private started = false;

  push(chunk: string): CsvRecord[] {
    let text = this.carry + chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    const out: CsvRecord[] = [];
    const consumed = this.parseAll(text, false, out);
    this.carry = text.slice(consumed);
    return out;
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.carry.length > 0) this.parseAll(this.carry, true, out);
    this.carry = '';
    return out;
  }

  private parseAll(text: string, final: boolean, out: CsvRecord[]): number {
    let pos = 0;
    while (pos < text.length) {
      const parsed = parseRecord(text, pos, final);
      if (!parsed) break;
      const raw = text.slice(pos, parsed.contentEnd);
      if (raw.length > 0) out.push({ line: this.line, fields: parsed.fields, raw });
      this.line += countLineBreaks(raw) + (parsed.next > parsed.contentEnd ? 1 : 0);
      pos = parsed.next;
    }
    return pos;
  }
}

function countLineBreaks(text: string): number {
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

/** The record starting at `start`, or undefined when the text ends before it does (and more may come). */
function parseRecord(text: string, start: number, final: boolean): Parsed | undefined {
  const fields: string[] = [];
  let i = start;
  for (;;) {
    let value: string;
    if (text.charCodeAt(i) === QUOTE) {
      value = '';
      let j = i + 1;
      for (;;) {
        const k = text.indexOf('"', j);
        if (k < 0) {
          if (!final) return undefined;
          value += text.slice(j);
          i = text.length;
          break;
        }
        if (k + 1 >= text.length && !final) return undefined; // "" or " at the chunk's end: wait
        if (text.charCodeAt(k + 1) === QUOTE) {
          value += text.slice(j, k) + '"';
          j = k + 2;
          continue;
        }
        value += text.slice(j, k);
        i = k + 1;
        break;
      }
      // Anything between the closing quote and the next delimiter is kept as written.
      let k = i;
      while (k < text.length) {
        const c = text.charCodeAt(k);
        if (c === COMMA || c === LF || c === CR) break;
        k++;
      }
      if (k > i) value += text.slice(i, k);
      i = k;
    } else {
      let k = i;
      while (k < text.length) {
        const c = text.charCodeAt(k);
        if (c === COMMA || c === LF || c === CR) break;
        k++;
      }
      value = text.slice(i, k);
      i = k;
    }
    fields.push(value);
    if (i >= text.length) {
      if (!final) return undefined;
      return { fields, next: i, contentEnd: i };
    }
    const c = text.charCodeAt(i);
    if (c === COMMA) {
      i++;
      continue;
    }
    // A line break ends the record: LF, CR or CRLF (a CR at the chunk's end waits for a possible LF).
    if (c === CR) {
      if (i + 1 >= text.length && !final) return undefined;
      return { fields, next: text.charCodeAt(i + 1) === LF ? i + 2 : i + 1, contentEnd: i };
    }
    return { fields, next: i + 1, contentEnd: i };
  }
}
