/** One CSV record: its fields, the physical line it starts on (1-based) and its raw text. */
export interface CsvRecord {
  line: number;
  fields: string[];
  raw: string;
}

/**
 * A streaming RFC 4180 parser: feed text chunks of any size, get complete records. Handles a UTF-8
 * BOM, CRLF or LF line endings, quoted fields with commas, quotes ("") and line breaks. Memory holds
 * only the record in progress. Blank lines are skipped.
 */
export class CsvParser {
  private field = '';
  private fields: string[] = [];
  private raw = '';
  private inQuotes = false;
  private quoteClosed = false;
  private line = 1;
  private recordLine = 1;
  private started = false;
  private pendingCr = false;

  push(chunk: string): CsvRecord[] {
    const out: CsvRecord[] = [];
    let text = chunk;
    if (!this.started) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    for (let i = 0; i < text.length; i++) {
      const c = text[i]!;
      if (this.pendingCr) {
        this.pendingCr = false;
        if (c === '\n') continue; // CRLF: the record was already ended at the CR
      }
      if (this.inQuotes) {
        if (c === '"') {
          if (text[i + 1] === '"') {
            this.field += '"';
            this.raw += '""';
            i++;
          } else if (i + 1 === text.length) {
            // A quote at the end of a chunk: decide with the next chunk.
            this.inQuotes = false;
            this.quoteClosed = true;
            this.raw += '"';
          } else {
            this.inQuotes = false;
            this.quoteClosed = true;
            this.raw += '"';
          }
        } else {
          if (c === '\n') this.line++;
          this.field += c;
          this.raw += c;
        }
        continue;
      }
      if (c === '"' && this.quoteClosed && this.raw.endsWith('"')) {
        // The second quote of an escaped pair split across chunks.
        this.inQuotes = true;
        this.quoteClosed = false;
        this.field += '"';
        this.raw += '"';
        continue;
      }
      if (c === '"' && this.field === '' && !this.quoteClosed) {
        this.inQuotes = true;
        this.raw += c;
        continue;
      }
      if (c === ',') {
        this.fields.push(this.field);
        this.field = '';
        this.quoteClosed = false;
        this.raw += c;
        continue;
      }
      if (c === '\n' || c === '\r') {
        this.endRecord(out);
        if (c === '\r') this.pendingCr = true;
        this.line++;
        this.recordLine = this.line;
        continue;
      }
      this.field += c;
      this.raw += c;
    }
    return out;
  }

  /** Flushes the last record (a file need not end with a line break). */
  end(): CsvRecord[] {
    const out: CsvRecord[] = [];
    this.endRecord(out);
    return out;
  }

  private endRecord(out: CsvRecord[]): void {
    const blank = this.fields.length === 0 && this.field === '' && !this.quoteClosed;
    if (!blank) out.push({ line: this.recordLine, fields: [...this.fields, this.field], raw: this.raw });
    this.fields = [];
    this.field = '';
    this.raw = '';
    this.quoteClosed = false;
  }
}
