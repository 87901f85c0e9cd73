import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import type { CsvRecord } from '../csv/csv-parser';
import {
  checkContactRow,
  emailsOfRejectedRow,
  emailsOfUnparsedRow,
  headerProblem,
} from '../contacts/contact-row';
import { BATCH_BYTES, Batches, storable } from './batches';
import { ContactsFile, FileChangedError, RejectedFile } from './contacts-file';
import {
  ANALYZE_STAGING,
  CREATE_REJECTED_EMAILS,
  CREATE_STAGING,
  MERGE_COMPANIES,
  MERGE_DEPARTMENTS,
  CREATE_TOUCHED,
  LOCK_NAMED_PEOPLE,
  REJECT_CONFLICTING,
  REJECT_SAME_EMAIL,
  REPLACE_DEPARTMENTS,
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

const UNIQUE_VIOLATION = '23505';
/** Deadlock detected, serialization failure: the whole file is tried again, up to ATTEMPTS tries in all. */
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
  /** Raw text a batch of rows holds before it is written (default BATCH_BYTES, 4 MiB); for tests. */
  batchBytes?: number;
}

/**
 * Ingests one contacts CSV in one transaction: the file is streamed (memory holds two batches), valid
 * rows are staged in bulk and merged set-wise, invalid rows go to records.rejects with every reason
 * (and so do the other rows of their email, so that their person is left as it was). A file whose
 * content was already loaded changes nothing; a file with a bad header is rejected whole. A file
 * chosen as a deadlock victim (or hitting a serialization failure) is tried again from the start, up
 * to 3 times.
 *
 * The file is opened once and every pass (hash, parse) reads that handle, so what is loaded is what
 * the ledger's hash describes even if the file is replaced under its name meanwhile. A file that
 * changes while it is read (size or modification time moved, or its bytes no longer hash the same)
 * is rolled back and FileChangedError is thrown.
 *
 * Every file gets a row in records.ingestions, except when the file cannot be read before it starts,
 * the file changed while it was read (FileChangedError) or the database cannot be reached
 * (isConnectionError): those errors are thrown, so the caller can try the file again later.
 */
export async function ingestContactsFile(
  pool: Pool,
  path: string,
  options: IngestOptions = {},
): Promise<IngestionSummary> {
  // Errors before the file is read (it vanished, the database is unreachable) are thrown: nothing is
  // known about the file yet, so nothing is recorded.
  const contacts = await ContactsFile.open(path);
  try {
    return await ingestOpenFile(pool, contacts, options);
  } finally {
    await contacts.close();
  }
}

async function ingestOpenFile(
  pool: Pool,
  contacts: ContactsFile,
  options: IngestOptions,
): Promise<IngestionSummary> {
  const file = contacts.name;
  const sha256 = await contacts.sha256();
  await contacts.assertUnchanged(); // written to while it was hashed: the hash describes no one version
  const empty = { file, sha256, rowsRead: 0, inserted: 0, updated: 0, unchanged: 0, rejected: 0 };
  const loaded = await pool.query(
    `SELECT 1 FROM records.ingestions WHERE sha256 = $1 AND status = 'loaded'`,
    [sha256],
  );
  if (loaded.rowCount) {
    await contacts.assertUnchanged(); // a duplicate no longer: what was written since is not known
    await record(pool, file, sha256, 'duplicate');
    return { ...empty, status: 'duplicate' };
  }
  for (let attempt = 1; ; attempt++) {
    const outcome = await loadOnce(pool, contacts, sha256, options);
    if ('summary' in outcome) return outcome.summary;
    const { error } = outcome;
    if (error instanceof FileChangedError) throw error; // nothing recorded: read again once it settles
    const code = (error as { code?: string }).code;
    if (code !== undefined && RETRYABLE.has(code) && attempt < ATTEMPTS) {
      await sleep(50 * attempt + Math.floor(Math.random() * 50));
      continue;
    }
    if (isConnectionError(error)) throw error; // not the file's fault: nothing recorded, try later
    // A file still being written may well fail (cut short in a row or a UTF-8 sequence): it is not
    // judged until it stops changing.
    await contacts.assertUnchanged();
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
  contacts: ContactsFile,
  sha256: string,
  options: IngestOptions,
): Promise<{ summary: IngestionSummary } | { error: unknown }> {
  const file = contacts.name;
  const progressEvery = options.progressEvery ?? 100_000;
  const client = await pool.connect();
  let batches: Batches | undefined;
  try {
    // Changed since the hash pass (e.g. while the ledger was asked about the hash, or a retry waited).
    await contacts.assertUnchanged();
    await client.query('BEGIN');
    const { rows } = await client.query<{ id: string }>(
      `INSERT INTO records.ingestions (file_name, sha256, status) VALUES ($1, $2, 'loading') RETURNING id`,
      [file, sha256],
    );
    const ingestionId = rows[0]!.id;
    // Room for the merge's sorts and hashes of a large file (this transaction only).
    await client.query(`SET LOCAL work_mem = '64MB'`);
    await client.query(CREATE_STAGING);
    await client.query(CREATE_REJECTED_EMAILS);
    batches = new Batches(client, ingestionId, options.batchBytes ?? BATCH_BYTES);
    let header: CsvRecord | undefined;
    let rowsRead = 0;
    let rejected = 0;
    const read = createHash('sha256');
    for await (const rec of contacts.records(read)) {
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
      const full = check.ok
        ? batches.addRow({ line: rec.line, row: check.row, raw: rec.raw })
        : batches.addReject({
            line: rec.line,
            raw: rec.raw,
            reasons: check.reasons,
            emails: rec.error ? emailsOfUnparsedRow(rec.raw) : emailsOfRejectedRow(rec.fields),
          });
      if (!check.ok) rejected++;
      if (full) await batches.flush();
    }
    if (!header) throw new RejectedFile('the file is empty');
    await batches.drain();
    if (read.digest('hex') !== sha256) throw new FileChangedError(file); // not the bytes the hash pass read

    const merging = (step: MergeStep) => options.onProgress?.({ phase: 'merging', rowsRead, step });
    merging('conflicts');
    await client.query(ANALYZE_STAGING);
    rejected += (await client.query<{ n: number }>(REJECT_SAME_EMAIL, [ingestionId])).rows[0]!.n;
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
    // Written to since it was opened (e.g. appended to after this pass read its end): what was
    // loaded may not be the file's final content, so nothing is kept.
    await contacts.assertUnchanged();
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
