import { addCounts, diffRows, emptyCounts, type DiffCounts } from '../diff/relation-diff';
import { labelDisagreements, mergePeople, type PersonFacts, type PersonRecord } from '../diff/people-merge';
import type { LoadCounts, LoadFile, RelationsSession, RelationsStore } from '../store/relations-store';
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
  } finally {
    await session.close();
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

  private async onHeader(header: MatrixHeader): Promise<void> {
    header.ids.forEach((id, position) => {
      if (id === 0) return;
      const fact = this.fact(id);
      const label = header.labels[position];
      if (label !== undefined) fact.columnLabel = label;
    });
    await this.ensure([...header.positionOf.keys()]);
  }

  private async applyBatch(rows: MatrixRow[], header: MatrixHeader): Promise<void> {
    this.options.signal?.throwIfAborted();
    const persons = rows.map((row) => row.person);
    await this.ensure(persons);
    const stored = await this.session.storedRelations(persons);
    const { changes, counts } = diffRows(rows, header, stored, {
      keepAbsentColumns: this.matrix.columnIdRejects > 0,
    });
    await this.session.writeChanges(this.loadId, changes);
    addCounts(this.counts, counts);
    this.rowsDone += rows.length;
    this.options.onProgress?.(this.rowsDone);
  }

  /**
   * Streams the matrix in batches. Parsing the next batch overlaps the database's work on the
   * previous one; at most one batch is in flight.
   */
  async readMatrix(workbook: XlsxWorkbook): Promise<void> {
    this.before = await this.session.readPeople();
    const batchCells = this.options.batchCells ?? 200_000;
    let header: MatrixHeader | undefined;
    let batch: MatrixRow[] = [];
    let inFlight: Promise<void> = Promise.resolve();
    const send = async () => {
      await inFlight;
      const rows = batch;
      batch = [];
      inFlight = this.applyBatch(rows, header!);
      inFlight.catch(() => undefined); // awaited later; this only avoids an unhandled rejection meanwhile
    };
    try {
      for await (const sheetRow of workbook.rows(this.matrix.sheet)) {
        const row = this.matrix.accept(sheetRow);
        if (!row) continue;
        if (!header) {
          header = this.matrix.header!;
          await this.onHeader(header);
        }
        this.rowPersons.push(row.person);
        const fact = this.fact(row.person);
        if (row.label !== undefined) fact.rowLabel = row.label;
        batch.push(row);
        if (batch.length * header.ids.length >= batchCells) await send();
      }
    } catch (error) {
      // Nothing may still be writing when the session rolls back and returns its connection:
      // a statement sent after that would run outside the transaction.
      await inFlight.catch(() => undefined);
      throw error;
    }
    if (!header) {
      header = this.matrix.finish();
      await this.onHeader(header);
    }
    if (batch.length > 0) await send();
    await inFlight;
    if (this.matrix.cellsRead === 0) {
      // Loading it would clear every stored relation (a pair known before and blank now is cleared).
      throw new WorkbookLayoutError(
        `sheet "${this.matrix.sheet}" has no 0 or 1 in any cell: refusing to load an empty matrix`,
      );
    }
    if (this.matrix.rowIdRejects === 0) {
      this.counts.cleared += await this.session.clearPeopleWithoutRow(this.loadId, this.rowPersons);
    } else {
      this.notes.push('relations of people without a row were kept: the file has rejected row ids');
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
