import {
  addCounts,
  diffRows,
  emptyCounts,
  StoredRelations,
  type DiffCounts,
  type PairChanges,
} from '../diff/relation-diff';
import { labelDisagreements, mergePeople, type PersonFacts, type PersonRecord } from '../diff/people-merge';
import type {
  BulkAdditions,
  LoadCounts,
  LoadFile,
  RelationsSession,
  RelationsStore,
} from '../store/relations-store';
import { ActorList } from '../workbook/actor-list';
import type { CellReject } from '../workbook/cell-values';
import {
  MatrixSheet,
  WorkbookLayoutError,
  type MatrixHeader,
  type MatrixRow,
} from '../workbook/matrix-sheet';
import { XlsxWorkbook } from '../xlsx/xlsx-workbook';
import { snapshotFile } from './file-version';

export const MATRIX_SHEET = 'Matriz de adyacencia';
export const ACTORS_SHEET = 'Lista de actores';

export interface LoadOptions {
  /** Matrix cells per batch: each batch reads its people's stored relations once and writes its changes. */
  batchCells?: number;
  /** Rejects stored in load_rejects per load (all are counted). */
  maxStoredRejects?: number;
  signal?: AbortSignal;
  /** Called after each batch with the matrix rows done so far. */
  onProgress?: (rowsDone: number) => void;
}

export interface LoadedSummary {
  status: 'loaded';
  loadId: number;
  file: LoadFile;
  counts: LoadCounts;
  /** The rejects stored (all of them up to maxStoredRejects); counts.rejected has the total. */
  rejects: CellReject[];
  /** Non-blank cells in rows or columns whose id was rejected. */
  skippedCells: number;
  /** Ids whose row, column and actor-list labels disagree. */
  labelDisagreements: number[];
  notes: string[];
}

export interface UnchangedSummary {
  status: 'unchanged';
  file: LoadFile;
  /** The load that applied this same file (by SHA-256) last. */
  sameAsLoad: number;
}

export type LoadSummary = LoadedSummary | UnchangedSummary;

function findSheet(workbook: XlsxWorkbook, wanted: string): string | undefined {
  if (workbook.hasSheet(wanted)) return wanted;
  const normal = (name: string) => name.trim().toLocaleLowerCase('es');
  return workbook.sheetNames.find((name) => normal(name) === normal(wanted));
}

/**
 * Applies one workbook to the relations database in one transaction: only the difference between
 * the file and the stored state is written (new pairs inserted, changed pairs updated, pairs now
 * blank or absent cleared, each change recorded in relation_changes), people are upserted, rejects
 * stored, and the load recorded with the file's hash and counts. The same file as the latest load
 * changes nothing. The matrix is streamed: memory holds one batch of rows (plus one being written).
 */
export async function loadWorkbook(
  store: RelationsStore,
  path: string,
  options: LoadOptions = {},
): Promise<LoadSummary> {
  const snapshot = await snapshotFile(path);
  try {
    return await loadSnapshot(store, snapshot.path, snapshot.file, options);
  } finally {
    await snapshot.remove();
  }
}

async function loadSnapshot(
  store: RelationsStore,
  path: string,
  file: LoadFile,
  options: LoadOptions,
): Promise<LoadSummary> {
  const workbook = await XlsxWorkbook.open(path);
  const matrixSheet = findSheet(workbook, MATRIX_SHEET);
  if (!matrixSheet) {
    throw new WorkbookLayoutError(
      `the workbook has no sheet "${MATRIX_SHEET}" (sheets: ${workbook.sheetNames.join(', ') || 'none'})`,
    );
  }
  const session = await store.begin();
  let failed = false;
  try {
    const latest = await session.latestLoad();
    if (latest?.sha256 === file.sha256) return { status: 'unchanged', file, sameAsLoad: latest.id };
    const loadId = await session.startLoad(file);
    const load = new WorkbookLoad(session, loadId, matrixSheet, options);
    await load.readMatrix(workbook);
    await load.readActors(workbook, findSheet(workbook, ACTORS_SHEET));
    const summary = await load.finish(file);
    await session.commit();
    return summary;
  } catch (error) {
    failed = true;
    throw error;
  } finally {
    // After a failure the connection may be gone, and closing fails too: the load's own error is
    // the one to report, not that one.
    await session.close().catch((closeError: unknown) => {
      if (!failed) throw closeError;
    });
  }
}

/** The state of one load while the workbook streams through it. */
class WorkbookLoad {
  private readonly matrix: MatrixSheet;
  private actors: ActorList | undefined;
  private readonly facts = new Map<number, PersonFacts>();
  private readonly ensured = new Set<number>();
  private readonly rowPersons: number[] = [];
  private readonly counts: DiffCounts = emptyCounts();
  private readonly notes: string[] = [];
  private before = new Map<number, PersonRecord>();
  private header: MatrixHeader | undefined;
  private rowsDone = 0;

  constructor(
    private readonly session: RelationsSession,
    private readonly loadId: number,
    matrixSheet: string,
    private readonly options: LoadOptions,
  ) {
    this.matrix = new MatrixSheet(matrixSheet, options.maxStoredRejects ?? 10_000);
  }

  private fact(id: number): PersonFacts {
    let fact = this.facts.get(id);
    if (!fact) this.facts.set(id, (fact = {}));
    return fact;
  }

  private async ensure(ids: number[]): Promise<void> {
    const missing = ids.filter((id) => !this.ensured.has(id));
    for (const id of missing) this.ensured.add(id);
    if (missing.length > 0) await this.session.ensurePeople(this.loadId, missing);
  }

  /** Column labels of the header (pure: the header's people are ensured with the first batch). */
  private noteHeader(header: MatrixHeader): MatrixHeader {
    header.ids.forEach((id, position) => {
      if (id === 0) return;
      const fact = this.fact(id);
      const label = header.labels[position];
      if (label !== undefined) fact.columnLabel = label;
    });
    return header;
  }

  /** Every person id the load's pairs can name: the header's columns and the rows read so far. */
  private pairPeople(header: MatrixHeader): number[] {
    return [...header.positionOf.keys(), ...this.rowPersons];
  }

  private progress(rows: number): void {
    this.rowsDone += rows;
    this.options.onProgress?.(this.rowsDone);
  }

  /** The matrix's accepted rows in batches of about `batchCells` cells (the header is read first). */
  private async *batches(
    workbook: XlsxWorkbook,
  ): AsyncGenerator<{ rows: MatrixRow[]; header: MatrixHeader }> {
    const batchCells = this.options.batchCells ?? 200_000;
    let header: MatrixHeader | undefined;
    let rows: MatrixRow[] = [];
    for await (const sheetRow of workbook.rows(this.matrix.sheet)) {
      const row = this.matrix.accept(sheetRow);
      if (!row) continue;
      header ??= this.noteHeader(this.matrix.header!);
      this.rowPersons.push(row.person);
      if (row.label !== undefined) this.fact(row.person).rowLabel = row.label;
      rows.push(row);
      if (rows.length * header.ids.length >= batchCells) {
        yield { rows, header };
        rows = [];
      }
    }
    header ??= this.noteHeader(this.matrix.finish());
    this.header = header;
    if (rows.length > 0) yield { rows, header };
  }

  private async applyBatch(rows: MatrixRow[], header: MatrixHeader): Promise<void> {
    this.options.signal?.throwIfAborted();
    await this.ensure(this.pairPeople(header));
    const stored = await this.session.storedRelations(rows.map((row) => row.person));
    const { changes, counts } = diffRows(rows, header, stored, {
      keepAbsentColumns: this.matrix.columnIdRejects > 0,
    });
    await this.session.writeChanges(this.loadId, changes);
    addCounts(this.counts, counts);
    this.progress(rows.length);
  }

  /**
   * Diffs and writes batch by batch. Parsing the next batch overlaps the database's work on the
   * previous one; at most one batch is in flight.
   */
  private async applyBatches(workbook: XlsxWorkbook): Promise<void> {
    let inFlight: Promise<void> = Promise.resolve();
    try {
      for await (const { rows, header } of this.batches(workbook)) {
        await inFlight;
        inFlight = this.applyBatch(rows, header);
        inFlight.catch(() => undefined); // awaited below; this only avoids an unhandled rejection meanwhile
      }
      await inFlight;
    } catch (error) {
      // Nothing may still be writing when the session rolls back and returns its connection:
      // a statement sent after that would run outside the transaction.
      await inFlight.catch(() => undefined);
      throw error;
    }
  }

  /** Every known cell as an addition (nothing is stored), batch by batch, counted as it streams. */
  private async *additions(workbook: XlsxWorkbook): AsyncGenerator<PairChanges> {
    const nothingStored = new StoredRelations();
    for await (const { rows, header } of this.batches(workbook)) {
      this.options.signal?.throwIfAborted();
      const { changes, counts } = diffRows(rows, header, nothingStored);
      addCounts(this.counts, counts);
      this.progress(rows.length);
      yield changes;
    }
  }

  /**
   * A load onto an empty relations table, on a store with a bulk path: all pairs stream into one
   * statement while the workbook is read; their people are inserted right after, in the same
   * transaction (the store defers those references; see BulkAdditions.addToEmpty).
   */
  private async addAllToEmpty(workbook: XlsxWorkbook, bulk: BulkAdditions): Promise<void> {
    const written = await bulk.addToEmpty(this.loadId, this.additions(workbook));
    await this.ensure(this.pairPeople(this.header!));
    this.notes.push(
      `the relations table was empty: ${written.toLocaleString('en-US')} pairs bulk-loaded in one statement`,
    );
  }

  async readMatrix(workbook: XlsxWorkbook): Promise<void> {
    this.before = await this.session.readPeople();
    const { bulk } = this.session;
    const fresh = bulk !== undefined && (await bulk.relationsEmpty());
    if (fresh) await this.addAllToEmpty(workbook, bulk);
    else await this.applyBatches(workbook);
    if (this.matrix.cellsRead === 0) {
      // Loading it would clear every stored relation (a pair known before and blank now is cleared).
      throw new WorkbookLayoutError(
        `sheet "${this.matrix.sheet}" has no 0 or 1 in any cell: refusing to load an empty matrix`,
      );
    }
    if (this.matrix.rowIdRejects > 0) {
      this.notes.push('relations of people without a row were kept: the file has rejected row ids');
    } else if (!fresh) {
      this.counts.cleared += await this.session.clearPeopleWithoutRow(this.loadId, this.rowPersons);
    }
    if (this.matrix.columnIdRejects > 0) {
      this.notes.push('relations to people without a column were kept: the file has rejected column ids');
    }
  }

  async readActors(workbook: XlsxWorkbook, sheet: string | undefined): Promise<void> {
    if (!sheet) {
      this.notes.push(`no sheet "${ACTORS_SHEET}": names unchanged`);
      return;
    }
    const actors = new ActorList(sheet);
    for await (const row of workbook.rows(sheet)) actors.accept(row);
    for (const actor of actors.actors.values()) {
      const fact = this.fact(actor.id);
      if (actor.label !== undefined) fact.listLabel = actor.label;
      if (actor.name !== undefined) fact.name = actor.name;
    }
    this.actors = actors;
  }

  async finish(file: LoadFile): Promise<LoadedSummary> {
    const people = mergePeople(this.before, this.facts);
    await this.session.writePeople(this.loadId, [...people.added, ...people.updated]);
    const maxStored = this.options.maxStoredRejects ?? 10_000;
    const rejects = [...this.matrix.rejects, ...(this.actors?.rejects ?? [])].slice(0, maxStored);
    await this.session.writeRejects(this.loadId, rejects);
    const counts: LoadCounts = {
      ...this.counts,
      cellsRead: this.matrix.cellsRead,
      rejected: this.matrix.rejectCount + (this.actors?.rejects.length ?? 0),
      peopleAdded: people.added.length,
      peopleUpdated: people.updated.length,
    };
    await this.session.finishLoad(this.loadId, counts);
    return {
      status: 'loaded',
      loadId: this.loadId,
      file,
      counts,
      rejects,
      skippedCells: this.matrix.skippedCells,
      labelDisagreements: labelDisagreements(this.facts),
      notes: this.notes,
    };
  }
}
