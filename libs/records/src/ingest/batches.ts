import type { PoolClient } from 'pg';
import type { ContactRow } from '../contacts/contact-row';
import { INSERT_REJECTS, STAGE_ROWS } from './merge-sql';

/** Rows (valid or rejected) a batch holds at most before it is written. */
export const BATCH_ROWS = 5000;
/**
 * Raw text a batch holds at most before it is written, counted in UTF-16 code units (bytes, for ASCII
 * text): a batch of long rows is written long before BATCH_ROWS, so memory does not grow with the
 * length of the fields (5,000 rows of 10 KB would be 50 MB per batch, held twice over).
 */
export const BATCH_BYTES = 4 * 1024 * 1024;

/** PostgreSQL text cannot hold U+0000: a reject keeps the line readable with U+2400 (␀) instead. */
export function storable(text: string): string {
  return text.replaceAll('\u0000', '\u2400');
}

interface StagedRow {
  line: number;
  row: ContactRow;
  raw: string;
}

interface Reject {
  line: number;
  raw: string;
  reasons: string[];
  /** The emails the row names (see emailsOfRejectedRow): their other rows are rejected before the merge. */
  emails: string[];
}

/**
 * Rows and rejects collected until a batch holds BATCH_ROWS rows or `maxBytes` of raw text, then
 * written in bulk. One write is in flight while the next batch is parsed (parsing runs in Node, the
 * write in PostgreSQL), so the two overlap; memory holds two batches at most.
 */
export class Batches {
  private rows: StagedRow[] = [];
  private rejects: Reject[] = [];
  private bytes = 0;
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: PoolClient,
    private readonly ingestionId: string,
    private readonly maxBytes = BATCH_BYTES,
  ) {}

  /** Adds a valid row; answers whether the batch is full (and should be flushed). */
  addRow(row: StagedRow): boolean {
    this.rows.push(row);
    return this.counted(row.raw);
  }

  /** Adds a rejected row; answers whether the batch is full (and should be flushed). */
  addReject(reject: Reject): boolean {
    this.rejects.push(reject);
    return this.counted(reject.raw);
  }

  private counted(raw: string): boolean {
    this.bytes += raw.length;
    return this.rows.length + this.rejects.length >= BATCH_ROWS || this.bytes >= this.maxBytes;
  }

  /** Starts writing the collected rows once the previous write is done; waits only for that one. */
  async flush(): Promise<void> {
    const rows = this.rows;
    const rejects = this.rejects;
    this.rows = [];
    this.rejects = [];
    this.bytes = 0;
    await this.inFlight;
    this.inFlight = this.write(rows, rejects);
    this.inFlight.catch(() => undefined); // surfaced by the next flush() or drain()
  }

  /** Waits for the write in flight, ignoring its outcome (the transaction is being abandoned). */
  async settle(): Promise<void> {
    await this.inFlight.catch(() => undefined);
  }

  /** Writes what is left and waits for every write. */
  async drain(): Promise<void> {
    await this.flush();
    await this.inFlight;
  }

  private async write(rows: StagedRow[], rejects: Reject[]): Promise<void> {
    if (rows.length > 0) {
      const column = <K extends keyof ContactRow>(key: K) => rows.map((r) => r.row[key]);
      await this.client.query(STAGE_ROWS, [
        rows.map((r) => r.line),
        column('firstName'),
        column('lastName'),
        column('companyName'),
        column('address'),
        column('city'),
        column('state'),
        column('zip'),
        column('phone1'),
        column('phone2'),
        column('email'),
        column('department'),
        rows.map((r) => r.raw),
      ]);
    }
    if (rejects.length > 0) {
      const named = rejects.flatMap((r) => r.emails.map((email) => ({ line: r.line, email })));
      await this.client.query(INSERT_REJECTS, [
        this.ingestionId,
        rejects.map((r) => r.line),
        rejects.map((r) => storable(r.raw)),
        rejects.map((r) => storable(r.reasons.join('\x1f'))),
        named.map((n) => n.line),
        named.map((n) => n.email),
      ]);
    }
  }
}
