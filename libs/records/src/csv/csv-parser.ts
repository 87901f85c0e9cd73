/**
 * One CSV record: its fields, the physical line it starts on (1-based) and its raw text. A record the
 * parser could not read (see `error`) has no fields; its raw text is the line(s) it gave up on.
 */
export interface CsvRecord {
  line: number;
  fields: string[];
  raw: string;
  /** Set when the record could not be parsed, e.g. "unterminated quoted field starting at line 7". */
  error?: string;
}

/** How far one record may run before the parser gives up on it (see CsvParser). */
export interface CsvLimits {
  /** Line breaks one record may contain (inside quoted fields). */
  maxRecordLineBreaks: number;
  /** Characters (UTF-16 code units) one record may span, line breaks included. */
  maxRecordChars: number;
}

/**
 * A contacts row is one line; a quoted address or company name may hold a few line breaks. A quote
 * still open after 10 line breaks or 64 Ki characters is taken to be a stray (unclosed) quote, not
 * data: the record is rejected and parsing resumes on the line after the one the quote opened on.
 * These bounds are also what the parser holds in memory while a record is pending.
 */
export const DEFAULT_CSV_LIMITS: CsvLimits = { maxRecordLineBreaks: 10, maxRecordChars: 64 * 1024 };

const QUOTE = 34; // "
const COMMA = 44; // ,
const LF = 10;
const CR = 13;

type Parsed =
  | {
      fields: string[];
      /** Index just after the record's line break (or the end of the text). */
      next: number;
      /** Index where the record's content ends (before the line break). */
      contentEnd: number;
    }
  /** A quoted field opened at `quote` is not closed within the limits (or before the end of the file). */
  | { unterminated: number }
  /** A record longer than the limit: its unquoted field ending (or still running) at `at`. */
  | { tooLong: number };

/**
 * A streaming RFC 4180 parser: feed text chunks of any size, get complete records. Handles a UTF-8
 * BOM, CRLF or LF line endings, quoted fields with commas, quotes ("") and line breaks. Fields are
 * sliced out of the chunk rather than built a character at a time, and memory holds only the record
 * that spans two chunks, never more than the limits (DEFAULT_CSV_LIMITS). Blank lines are skipped.
 *
 * A record that breaks the limits is given back with `error` set and no fields:
 * - a quoted field left open ("unterminated quoted field starting at line N"), past the limits or at
 *   the end of the text: its raw text runs from the record's start to the end of the line the quote
 *   opened on, and parsing resumes with the next line, so the rows after it are read normally;
 * - a line longer than maxRecordChars without any quote left open: the rest of that line is skipped.
 */
export class CsvParser {
  private carry = '';
  private line = 1;
  private started = false;
  /** Discarding text up to the next line break (the rest of a line given up on). */
  private skipping = false;
  private readonly limits: CsvLimits;

  constructor(limits: Partial<CsvLimits> = {}) {
    this.limits = { ...DEFAULT_CSV_LIMITS, ...limits };
  }

  push(chunk: string): CsvRecord[] {
    let text = this.carry + chunk;
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    if (this.skipping) {
      const at = lineBreakAt(text, 0);
      if (at < 0) {
        this.carry = '';
        return [];
      }
      this.skipping = false;
      text = text.slice(at); // the line break itself ends the skipped line (an empty record)
    }
    const out: CsvRecord[] = [];
    const consumed = this.parseAll(text, false, out);
    this.carry = text.slice(consumed);
    return out;
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    if (this.carry.length > 0 && !this.skipping) this.parseAll(this.carry, true, out);
    this.carry = '';
    this.skipping = false;
    return out;
  }

  private parseAll(text: string, final: boolean, out: CsvRecord[]): number {
    let pos = 0;
    while (pos < text.length) {
      const parsed = parseRecord(text, pos, final, this.limits);
      if (!parsed) break;
      if ('fields' in parsed) {
        const raw = text.slice(pos, parsed.contentEnd);
        if (raw.length > 0) out.push({ line: this.line, fields: parsed.fields, raw });
        this.line += countLineBreaks(raw) + (parsed.next > parsed.contentEnd ? 1 : 0);
        pos = parsed.next;
        continue;
      }
      // Give up on this record: reject it and resume at the line break that ends the line where the
      // problem starts (the quote's line, or the over-long line itself).
      const from = 'unterminated' in parsed ? parsed.unterminated : parsed.tooLong;
      const lineEnd = lineBreakAt(text, from);
      const end = lineEnd < 0 ? text.length : lineEnd;
      const raw = text.slice(pos, Math.min(end, pos + this.limits.maxRecordChars));
      const error =
        'unterminated' in parsed
          ? `unterminated quoted field starting at line ${this.line + countLineBreaks(text.slice(pos, from))}`
          : `record longer than ${this.limits.maxRecordChars} characters`;
      out.push({ line: this.line, fields: [], raw, error });
      this.line += countLineBreaks(text.slice(pos, end)); // the line break at `end` is counted when read
      pos = end;
      if (lineEnd < 0) {
        this.skipping = !final;
        break;
      }
    }
    return pos;
  }
}

/** Index of the first CR or LF at or after `from`, or -1. */
function lineBreakAt(text: string, from: number): number {
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || c === CR) return i;
  }
  return -1;
}

function countLineBreaks(text: string, from = 0, to = text.length): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    if (c === LF || (c === CR && text.charCodeAt(i + 1) !== LF)) n++;
  }
  return n;
}

/** The record starting at `start`, or undefined when the text ends before it does (and more may come). */
function parseRecord(text: string, start: number, final: boolean, limits: CsvLimits): Parsed | undefined {
  const fields: string[] = [];
  const charLimit = start + limits.maxRecordChars;
  let lineBreaks = 0;
  let i = start;
  for (;;) {
    let value: string;
    if (text.charCodeAt(i) === QUOTE) {
      const opened = i;
      value = '';
      let j = i + 1;
      for (;;) {
        const k = text.indexOf('"', j);
        const scanned = k < 0 ? text.length : k;
        lineBreaks += countLineBreaks(text, j, scanned);
        if (lineBreaks > limits.maxRecordLineBreaks || scanned > charLimit) return { unterminated: opened };
        if (k < 0) return final ? { unterminated: opened } : undefined;
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
    if (i > charLimit) return { tooLong: i };
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
