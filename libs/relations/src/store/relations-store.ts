import type { DiffCounts, PairChanges, StoredRelations } from '../diff/relation-diff';
import type { PersonRecord } from '../diff/people-merge';
import type { CellReject } from '../workbook/cell-values';

/** The file a load applies (a file version: its hash identifies it). */
export interface LoadFile {
  name: string;
  sha256: string;
  bytes: number;
  modifiedAt: Date;
}

export interface LoadCounts extends DiffCounts {
  cellsRead: number;
  rejected: number;
  peopleAdded: number;
  peopleUpdated: number;
}

/** One row of the loads table. */
export interface LoadRecord extends LoadCounts {
  id: number;
  fileName: string;
  sha256: string;
  startedAt: Date;
  finishedAt: Date | null;
}

/** Thrown when another load holds the relations database's load lock. */
export class LoadInProgressError extends Error {
  override name = 'LoadInProgressError';
}

/** The name of the lock that makes loads of one relations database one at a time. */
export const LOAD_LOCK = 'caudal.relations.load:';

/** Rows per bulk statement. */
export const WRITE_CHUNK = 10_000;

/**
 * A faster way to write a load that starts on an empty relations table (the first load, or after
 * the table was emptied by hand), where every known cell is an addition.
 */
export interface BulkAdditions {
  /** True when the relations table holds no pair. */
  relationsEmpty(): Promise<boolean>;
  /**
   * Streams all of `batches` (additions only) into the empty table in one statement, records each
   * in the history, and returns how many pairs were written. Referential checks of the pairs'
   * people may be deferred: the caller must insert every person id before committing.
   */
  addToEmpty(loadId: number, batches: AsyncIterable<PairChanges>): Promise<number>;
}

/**
 * One load's transaction on one connection, holding the load lock. Every write goes through set-wise
 * statements (multi-row on MySQL, arrays on PostgreSQL), never a statement per pair.
 */
export interface RelationsSession {
  latestLoad(): Promise<{ id: number; sha256: string } | undefined>;
  startLoad(file: LoadFile): Promise<number>;
  readPeople(): Promise<Map<number, PersonRecord>>;
  /** Inserts bare rows for ids not stored yet (so relations can reference them before names are known). */
  ensurePeople(loadId: number, ids: readonly number[]): Promise<void>;
  /** The store's bulk path for loads onto an empty relations table, where it has one. */
  readonly bulk?: BulkAdditions;
  /** Every stored relation of these people (as row persons). */
  storedRelations(persons: readonly number[]): Promise<StoredRelations>;
  /** Applies pair changes: upserts known values, deletes cleared ones, and records each in the history. */
  writeChanges(loadId: number, changes: PairChanges): Promise<void>;
  /** Clears (with history) every stored relation of people that have no row in the file; returns how many. */
  clearPeopleWithoutRow(loadId: number, persons: readonly number[]): Promise<number>;
  writePeople(loadId: number, people: readonly PersonRecord[]): Promise<void>;
  writeRejects(loadId: number, rejects: readonly CellReject[]): Promise<void>;
  finishLoad(loadId: number, counts: LoadCounts): Promise<void>;
  commit(): Promise<void>;
  /** Rolls back (if still open) and releases the connection and the lock. */
  close(): Promise<void>;
}

export interface RelationsStore {
  readonly kind: 'mysql' | 'postgres';
  /** Opens a transaction holding the load lock (LoadInProgressError when another load has it). */
  begin(): Promise<RelationsSession>;
  recentLoads(limit: number): Promise<LoadRecord[]>;
}

/** Splits `count` items into [start, end) chunks of at most `size`. */
export function* chunks(count: number, size = WRITE_CHUNK): Generator<[number, number]> {
  for (let start = 0; start < count; start += size) yield [start, Math.min(count, start + size)];
}

/** A loads row as both drivers return it (numbers may come as strings). */
export interface LoadRow {
  id: number;
  file_name: string;
  file_sha256: string;
  started_at: Date;
  finished_at: Date | null;
  cells_read: number;
  added: number;
  changed: number;
  unchanged: number;
  cleared: number;
  rejected: number;
  people_added: number;
  people_updated: number;
}

export function loadRecord(row: LoadRow): LoadRecord {
  return {
    id: Number(row.id),
    fileName: row.file_name,
    sha256: row.file_sha256.trim(),
    startedAt: new Date(row.started_at),
    finishedAt: row.finished_at === null ? null : new Date(row.finished_at),
    cellsRead: Number(row.cells_read),
    added: Number(row.added),
    changed: Number(row.changed),
    unchanged: Number(row.unchanged),
    cleared: Number(row.cleared),
    rejected: Number(row.rejected),
    peopleAdded: Number(row.people_added),
    peopleUpdated: Number(row.people_updated),
  };
}

/** A load's counts in the order of the loads columns cells_read .. people_updated (both dialects). */
export function loadCountValues(counts: LoadCounts): number[] {
  return [
    counts.cellsRead,
    counts.added,
    counts.changed,
    counts.unchanged,
    counts.cleared,
    counts.rejected,
    counts.peopleAdded,
    counts.peopleUpdated,
  ];
}
