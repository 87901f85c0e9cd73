import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient } from 'pg';
import { CsvParser, type CsvRecord } from '../csv/csv-parser';
import { checkContactRow, headerProblem, type ContactRow } from '../contacts/contact-row';
import {
  ANALYZE_STAGING,
  CREATE_STAGING,
  INSERT_REJECTS,
  MERGE_COMPANIES,
  MERGE_DEPARTMENTS,
  CREATE_TOUCHED,
  LOCK_NAMED_PEOPLE,
  REJECT_CONFLICTING,
  REPLACE_DEPARTMENTS,
  STAGE_ROWS,
  UPSERT_PEOPLE,
} from './merge-sql';

export type IngestionStatus = 'loaded' | 'duplicate' | 'rejected' | 'failed';

/** What one file did. People are counted once however many departments they are listed with. */
export interface IngestionSummary {
  file: string;
  sha256: string;
  status: IngestionStatus;
  rowsRead: number;
  inserted: number;
  updated: number;
  unchanged: number;
  rejected: number;
  error?: string;
}

const BATCH = 5000;
const UNIQUE_VIOLATION = '23505';
/** Deadlock detected, serialization failure: the whole file is tried again, up to ATTEMPTS times. */
const RETRYABLE = new Set(['40P01', '40001']);
const ATTEMPTS = 3;

/**
 * Whether an error says the database could not be reached or dropped the connection (rather than
 * anything about the file): the caller should try the file again later.
 */
export function isConnectionError(error: unknown): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  if (typeof code === 'string') {
    if (code.startsWith('08')) return true; // connection exception
    if (['57P01', '57P02', '57P03', '53300'].includes(code)) return true; // shutdown, too many clients
    if (/^E(CONNREFUSED|CONNRESET|TIMEDOUT|NOTFOUND|AI_AGAIN|HOSTUNREACH|NETUNREACH|PIPE)$/.test(code))
      return true;
  }
  return (
    typeof message === 'string' &&
    /Connection terminated|connection timeout|Client has encountered a connection error|timeout exceeded when trying to connect/i.test(
      message,
    )
  );
}

async function sha256Of(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

/**
 * The file's records. Text is decoded as strict UTF-8: a file with an invalid byte sequence (e.g.
 * saved as Latin-1) is rejected whole, naming the line of the first bad byte, rather than loaded with
 * U+FFFD in place of its accented letters; one bad row usually means the whole file has the wrong
 * encoding, and rejecting the file keeps the other rows from loading under a different spelling.
 */
async function* records(path: string): AsyncGenerator<CsvRecord> {
  const parser = new CsvParser();
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 256 * 1024 })) {
      yield* parser.push(decoder.decode(chunk as Buffer, { stream: true }));
    }
    yield* parser.push(decoder.decode());
  } catch (error) {
    if ((error as { code?: string }).code !== 'ERR_ENCODING_INVALID_ENCODED_DATA') throw error;
    const line = await lineOfInvalidUtf8(path);
    throw new RejectedFile(
      `the file is not valid UTF-8 (first invalid byte on line ${line}); save it as UTF-8`,
    );
  }
  yield* parser.end();
}

/** The line (1-based; CRLF, LF or CR end a line) of the file's first byte that is not valid UTF-8. */
async function lineOfInvalidUtf8(path: string): Promise<number> {
  let line = 1;
  let afterCR = false;
  let need = 0; // continuation bytes still expected
  let lower = 0x80;
  let upper = 0xbf;
  for await (const chunk of createReadStream(path)) {
    for (const b of chunk as Buffer) {
      if (need > 0) {
        if (b < lower || b > upper) return line;
        need--;
        lower = 0x80;
        upper = 0xbf;
        continue;
      }
      if (b < 0x80) {
        if (b === 0x0d || (b === 0x0a && !afterCR)) line++;
        afterCR = b === 0x0d;
        continue;
      }
      afterCR = false;
      if (b >= 0xc2 && b <= 0xdf) need = 1;
      else if (b >= 0xe0 && b <= 0xef) {
        need = 2;
        if (b === 0xe0) lower = 0xa0; // no overlong forms
        if (b === 0xed) upper = 0x9f; // no surrogates
      } else if (b >= 0xf0 && b <= 0xf4) {
        need = 3;
        if (b === 0xf0) lower = 0x90;
        if (b === 0xf4) upper = 0x8f; // nothing past U+10FFFF
      } else return line;
    }
  }
  return line; // a sequence cut short by the end of the file
}

/** PostgreSQL text cannot hold U+0000: a reject keeps the line readable with U+2400 (␀) instead. */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\u2400');
}

/**
 * Rows and rejects collected until BATCH, then written in bulk. One write is in flight while the next
 * batch is parsed (parsing runs in Node, the write in PostgreSQL), so the two overlap; memory holds
 * two batches at most.
 */
class Batches {
  rows: { line: number; row: ContactRow; raw: string }[] = [];
  rejects: { line: number; raw: string; reasons: string[] }[] = [];
  private inFlight: Promise<void> = Promise.resolve();

  constructor(
    private readonly client: PoolClient,
    private readonly ingestionId: string,
  ) {}

  get size(): number {
    return this.rows.length + this.rejects.length;
  }

  /** Starts writing the collected rows once the previous write is done; waits only for that one. */
  async flush(): Promise<void> {
    const rows = this.rows;
    const rejects = this.rejects;
    this.rows = [];
    this.rejects = [];
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

  private async write(rows: Batches['rows'], rejects: Batches['rejects']): Promise<void> {
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
      await this.client.query(INSERT_REJECTS, [
        this.ingestionId,
        rejects.map((r) => r.line),
        rejects.map((r) => storable(r.raw)),
        rejects.map((r) => storable(r.reasons.join('\x1f'))),
      ]);
    }
  }
}

async function record(
  pool: Pool,
  file: string,
  sha256: string,
  status: IngestionStatus,
  error?: string,
): Promise<void> {
  await pool.query(
    `INSERT INTO records.ingestions (file_name, sha256, status, finished_at, rows_read, inserted, updated, unchanged, rejected, error)
     VALUES ($1, $2, $3, now(), 0, 0, 0, 0, 0, $4)`,
    [file, sha256, status, error === undefined ? null : storable(error)],
  );
}

/** The set-wise merge's steps, in order (each one or a few statements over every staged row). */
export const MERGE_STEPS = ['conflicts', 'names', 'people', 'departments'] as const;
export type MergeStep = (typeof MERGE_STEPS)[number];

/** Where a long ingestion is: rows staged so far, then which step of the set-wise merge has begun. */
export type IngestionProgress =
  { phase: 'staging'; rowsRead: number } | { phase: 'merging'; rowsRead: number; step: MergeStep };

export interface IngestOptions {
  /** Called every `progressEvery` rows while staging, and as each step of the merge begins. */
  onProgress?: (progress: IngestionProgress) => void;
  progressEvery?: number;
}

/**
 * Ingests one contacts CSV in one transaction: the file is streamed (memory holds two batches), valid
 * rows are staged in bulk and merged set-wise, invalid rows go to records.rejects with every reason.
 * A file whose content was already loaded changes nothing; a file with a bad header is rejected
 * whole. A file chosen as a deadlock victim (or hitting a serialization failure) is tried again from
 * the start, up to 3 times. Every file gets a row in records.ingestions, except when the file cannot
 * be read before it starts or the database cannot be reached (isConnectionError): those errors are
 * thrown, so the caller can try the file again later.
 */
export async function ingestContactsFile(
  pool: Pool,
  path: string,
  options: IngestOptions = {},
): Promise<IngestionSummary> {
  const file = basename(path);
  // Errors before the file is read (it vanished, the database is unreachable) are thrown: nothing is
  // known about the file yet, so nothing is recorded.
  const sha256 = await sha256Of(path);
  const empty = { file, sha256, rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  const loaded = await pool.query(
    `SELECT 1 FROM records.ingestions WHERE sha256 = $1 AND status = 'loaded'`,
    [sha256],
  );
  if (loaded.rowCount) {
    await record(pool, file, sha256, 'duplicate');
    return { ...empty, status: 'duplicate' };
  }
  for (let attempt = 1; ; attempt++) {
    const outcome = await loadOnce(pool, path, file, sha256, options);
    if ('summary' in outcome) return outcome.summary;
    const { error } = outcome;
    const code = (error as { code?: string }).code;
    if (code !== undefined && RETRYABLE.has(code) && attempt < ATTEMPTS) {
      await sleep(50 * attempt + Math.floor(Math.random() * 50));
      continue;
    }
    if (isConnectionError(error)) throw error; // not the file's fault: nothing recorded, try later
    if (code === UNIQUE_VIOLATION) {
      await record(pool, file, sha256, 'duplicate'); // the same content was loaded concurrently
      return { ...empty, status: 'duplicate' };
    }
    const status: IngestionStatus = error instanceof RejectedFile ? 'rejected' : 'failed';
    const message = (error as Error).message;
    await record(pool, file, sha256, status, message);
    return { ...empty, status, error: message };
  }
}

/** One attempt at the file, in one transaction: its summary, or the error that rolled it back. */
async function loadOnce(
  pool: Pool,
  path: string,
  file: string,
  sha256: string,
  options: IngestOptions,
): Promise<{ summary: IngestionSummary } | { error: unknown }> {
  const progressEvery = options.progressEvery ?? 100_000;
  const client = await pool.connect();
  let batches: Batches | undefined;
  try {
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO records.ingestions (file_name, sha256, status) VALUES ($1, $2, 'loading') RETURNING id`,
      [file, sha256],
    );
    const ingestionId = rows[0]!.id;
    // Room for the merge's sorts and hashes of a large file (this transaction only).
    await client.query(`SET LOCAL work_mem = '64MB'`);
    await client.query(CREATE_STAGING);
    batches = new Batches(client, ingestionId);
    let header: CsvRecord | undefined;
    let rowsRead = 0;
    let rejected = 0;
    for await (const rec of records(path)) {
      if (!header) {
        header = rec;
        const problem = rec.error ?? headerProblem(rec.fields);
        if (problem) throw new RejectedFile(problem);
        continue;
      }
      rowsRead++;
      if (rowsRead % progressEvery === 0) options.onProgress?.({ phase: 'staging', rowsRead });
      // A record the parser gave up on (an unclosed quote) is one reject; the rows after it are read.
      const check = rec.error ? { ok: false as const, reasons: [rec.error] } : checkContactRow(rec.fields);
      if (check.ok) batches.rows.push({ line: rec.line, row: check.row, raw: rec.raw });
      else {
        rejected++;
        batches.rejects.push({ line: rec.line, raw: rec.raw, reasons: check.reasons });
      }
      if (batches.size >= BATCH) await batches.flush();
    }
    if (!header) throw new RejectedFile('the file is empty');
    await batches.drain();

    const merging = (step: MergeStep) => options.onProgress?.({ phase: 'merging', rowsRead, step });
    merging('conflicts');
    await client.query(ANALYZE_STAGING);
    rejected += (await client.query<{ n: number }>(REJECT_CONFLICTING, [ingestionId])).rows[0]!.n;
    // The people this file names stay as read until commit: an API write to one of them waits (and
    // every change bumps the version, hence the ETag). They are locked first, as the API locks its
    // person first (see the lock order in merge-sql.ts); a person inserted concurrently is locked by
    // the upsert, and the version bump for changed departments is decided by what REPLACE_DEPARTMENTS
    // actually changed, so it holds for those too.
    merging('names');
    await client.query(LOCK_NAMED_PEOPLE);
    await client.query(MERGE_COMPANIES);
    await client.query(MERGE_DEPARTMENTS);
    merging('people');
    await client.query(CREATE_TOUCHED);
    await client.query(UPSERT_PEOPLE);
    merging('departments');
    const { inserted, updated, people } = (
      await client.query<{ inserted: number; updated: number; people: number }>(REPLACE_DEPARTMENTS)
    ).rows[0]!;
    const summary: IngestionSummary = {
      file,
      sha256,
      status: 'loaded',
      rowsRead,
      inserted,
      updated,
      unchanged: people - inserted - updated,
      rejected,
    };
    await client.query(
      `UPDATE records.ingestions SET status = 'loaded', finished_at = now(), rows_read = $2, inserted = $3, updated = $4,
              unchanged = $5, rejected = $6 WHERE id = $1`,
      [ingestionId, rowsRead, inserted, updated, summary.unchanged, rejected],
    );
    await client.query('COMMIT');
    client.release();
    return { summary };
  } catch (error) {
    await batches?.settle(); // a write still in flight finishes (or fails) before the rollback
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(isConnectionError(error) ? (error as Error) : undefined); // a broken client is dropped
    return { error };
  }
}

/** The file is rejected whole (bad header, empty, not UTF-8): status 'rejected', nothing loaded. */
class RejectedFile extends Error {
  override name = 'RejectedFile';
}
