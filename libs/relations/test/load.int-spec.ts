import ExcelJS from 'exceljs';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LoadInProgressError,
  loadWorkbook,
  RELATIONS_SAMPLE_XLSX,
  relationsStore,
  type LoadedSummary,
  type LoadSummary,
  type RelationsStore,
} from '../src';
import {
  openRelationsTestDatabase,
  PGLITE_FOR_POSTGRES,
  RELATIONS_TEST_ENGINES,
  type RelationsTestDatabase,
} from './relations-test-database';

const MATRIX = 'Matriz de adyacencia';

/**
 * The second version of the real workbook, as the data team might send it: two cells changed
 * (1->2 becomes 1, 1->6 becomes 0), rows 18-20 filled, one known cell blanked (17->50), two bad
 * cells (2->4 = 2, 2->5 = "x") and actor 2 renamed.
 */
async function secondVersion(path: string): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(RELATIONS_SAMPLE_XLSX);
  const matrix = workbook.getWorksheet(MATRIX)!;
  matrix.getCell('D3').value = 1;
  matrix.getCell('H3').value = 0;
  for (let id = 18; id <= 20; id++) {
    for (let related = 1; related <= 50; related++) {
      matrix.getRow(id + 2).getCell(related + 2).value =
        related === id ? 0 : (id * related) % 3 === 0 ? 1 : 0;
    }
  }
  matrix.getCell('AZ19').value = null;
  matrix.getCell('F4').value = 2;
  matrix.getCell('G4').value = 'x';
  workbook.getWorksheet('Lista de actores')!.getCell('C6').value = 'Jorge Iván Palacio Restrepo';
  await workbook.xlsx.writeFile(path);
}

function loaded(summary: LoadSummary): LoadedSummary {
  if (summary.status !== 'loaded') throw new Error(`expected a load, got ${summary.status}`);
  return summary;
}

// Both engines the product runs on: MariaDB/MySQL (TEST_MYSQL_URL, as CI sets) and PostgreSQL (the
// embedded default's engine; PGlite when TEST_POSTGRES_URL is unset).
describe.each(RELATIONS_TEST_ENGINES)('relations load on %s', (engine) => {
  let t: RelationsTestDatabase;
  let store: RelationsStore;
  let dir: string;
  let v1: string;
  let v2: string;
  let afterFirst: unknown[];
  let firstLoadId: number;
  let secondLoadId: number;

  const relations = () =>
    t.rows(
      `SELECT person_id, related_person_id, value FROM ${t.table('relations')} ORDER BY person_id, related_person_id`,
    );
  // The session's checks after a load (MySQL): mysql2's pool hands out the connection released
  // last, which is the one the load used.
  const sessionChecks = async () =>
    (
      await t.rows<{ fk: string; uq: string }>(
        'SELECT @@SESSION.foreign_key_checks AS fk, @@SESSION.unique_checks AS uq',
      )
    ).map((row) => ({ fk: Number(row.fk), uq: Number(row.uq) }));
  const people = () =>
    t.rows(`SELECT id, row_label, column_label, list_label, name FROM ${t.table('people')} ORDER BY id`);

  beforeAll(async () => {
    t = await openRelationsTestDatabase(`relations_load_${engine}`, engine);
    store = relationsStore(t.db);
    dir = mkdtempSync(join(tmpdir(), 'caudal-relations-'));
    v1 = join(dir, 'relaciones.xlsx');
    copyFileSync(RELATIONS_SAMPLE_XLSX, v1);
    v2 = join(dir, 'relaciones-v2.xlsx');
    await secondVersion(v2);
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await t?.close();
  });

  it('creates the tables with exact (accent- and case-sensitive) text', async () => {
    if (t.db.kind === 'mysql') {
      const columns = await t.rows<{ name: string; collation: string }>(
        `SELECT COLUMN_NAME AS name, COLLATION_NAME AS collation FROM information_schema.COLUMNS
         WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'people' AND DATA_TYPE = 'varchar' ORDER BY ORDINAL_POSITION`,
      );
      expect(columns).toEqual(
        ['row_label', 'column_label', 'list_label', 'name'].map((name) => ({
          name,
          collation: 'utf8mb4_bin',
        })),
      );
    } else {
      const columns = await t.rows<{ name: string; collation: string }>(
        `SELECT a.attname AS name, c.collname AS collation FROM pg_attribute a JOIN pg_collation c ON c.oid = a.attcollation
         WHERE a.attrelid = 'relations.people'::regclass AND a.attnum > 0 ORDER BY a.attnum`,
      );
      expect(columns.map((c) => c.collation)).toEqual(['C', 'C', 'C', 'C']);
    }
  });

  it('a first load that fails midway leaves every table empty', async () => {
    const stop = new AbortController();
    const first = loadWorkbook(store, v1, {
      batchCells: 100,
      signal: stop.signal,
      onProgress: () => stop.abort(new Error('stopped (injected)')),
    });
    await expect(first).rejects.toThrow('stopped (injected)');
    if (engine === 'mysql') expect(await sessionChecks()).toEqual([{ fk: 1, uq: 1 }]);
    for (const table of ['relations', 'relation_changes', 'people', 'loads']) {
      expect(await t.count(`SELECT count(*) FROM ${t.table(table)}`)).toBe(0);
    }
  });

  it('loads the real workbook with exact counts', async () => {
    // Two rows per batch: the bulk path streams many chunks.
    const summary = loaded(await loadWorkbook(store, v1, { batchCells: 100 }));
    if (engine === 'mysql') expect(await sessionChecks()).toEqual([{ fk: 1, uq: 1 }]);
    firstLoadId = summary.loadId;
    // On MySQL a load onto the empty table streams every pair in one LOAD DATA (PostgreSQL diffs by batch).
    const bulkNote = 'the relations table was empty: 883 pairs bulk-loaded in one statement';
    if (engine === 'mysql') expect(summary.notes).toContain(bulkNote);
    else expect(summary.notes).not.toContain(bulkNote);
    // Every pair names stored people (the bulk path inserts them after streaming the pairs).
    expect(
      await t.count(
        `SELECT count(*) FROM ${t.table('relations')} r
         LEFT JOIN ${t.table('people')} p ON p.id = r.person_id
         LEFT JOIN ${t.table('people')} q ON q.id = r.related_person_id
         WHERE p.id IS NULL OR q.id IS NULL`,
      ),
    ).toBe(0);
    expect(summary.counts).toEqual({
      added: 883,
      changed: 0,
      unchanged: 0,
      cleared: 0,
      cellsRead: 883,
      rejected: 0,
      peopleAdded: 50,
      peopleUpdated: 0,
    });
    expect(summary.labelDisagreements).toEqual([41, 42, 43, 44, 45, 46, 47, 48, 49, 50]);
    expect(await t.count(`SELECT count(*) FROM ${t.table('relations')}`)).toBe(883);
    expect(await t.count(`SELECT count(*) FROM ${t.table('relations')} WHERE value = 1`)).toBe(165);
    // Direction is kept: 51 of the 165 ones have no 1 the other way.
    expect(
      await t.count(
        `SELECT count(*) FROM ${t.table('relations')} r WHERE r.value = 1 AND NOT EXISTS (
           SELECT 1 FROM ${t.table('relations')} s
           WHERE s.person_id = r.related_person_id AND s.related_person_id = r.person_id AND s.value = 1)`,
      ),
    ).toBe(51);
    // Rows 18-50 hold only their diagonal 0: known, stored as 0.
    expect(await t.rows(`SELECT * FROM ${t.table('relations')} WHERE person_id = 30`)).toEqual([
      { person_id: 30, related_person_id: 30, value: 0 },
    ]);
    expect(await t.count(`SELECT count(*) FROM ${t.table('relation_changes')} WHERE old_value IS NULL`)).toBe(
      883,
    );
    const [loadRow] = await t.rows<{ file_sha256: string; added: number }>(
      `SELECT file_sha256, added FROM ${t.table('loads')}`,
    );
    expect(loadRow!.file_sha256).toBe(summary.file.sha256);
    afterFirst = await relations();
  });

  it('keeps N and Ñ as two people, and both labels where they disagree', async () => {
    const byId = new Map((await people()).map((p) => [p['id'], p]));
    expect(byId.get(14)).toEqual({
      id: 14,
      row_label: 'N',
      column_label: 'N',
      list_label: 'N',
      name: 'Alexander Rodríguez Mena',
    });
    expect(byId.get(15)).toMatchObject({ row_label: 'Ñ', name: 'Valerio Andrade Mosquera' });
    expect(byId.get(41)).toMatchObject({ row_label: 'AÑ', column_label: 'AN', list_label: 'AÑ' });
    expect(byId.get(48)).toMatchObject({ row_label: 'AW', column_label: 'AT', list_label: 'AV' });
    const ids = async (label: string) =>
      (await t.rows<{ id: number }>(`SELECT id FROM ${t.table('people')} WHERE row_label = '${label}'`)).map(
        (r) => r.id,
      );
    expect(await ids('N')).toEqual([14]);
    expect(await ids('Ñ')).toEqual([15]);
    expect(await ids('n')).toEqual([]);
  });

  it('changes nothing when the same file comes again', async () => {
    const summary = await loadWorkbook(store, v1);
    expect(summary).toMatchObject({ status: 'unchanged', sameAsLoad: firstLoadId });
    expect(await t.count(`SELECT count(*) FROM ${t.table('loads')}`)).toBe(1);
    expect(await t.count(`SELECT count(*) FROM ${t.table('relation_changes')}`)).toBe(883);
    expect(await relations()).toEqual(afterFirst);
  });

  it('a second version loads only the difference and reports the rejects', async () => {
    const summary = loaded(await loadWorkbook(store, v2));
    secondLoadId = summary.loadId;
    expect(summary.counts).toEqual({
      added: 147,
      changed: 2,
      unchanged: 878,
      cleared: 1,
      cellsRead: 1029,
      rejected: 2,
      peopleAdded: 0,
      peopleUpdated: 1,
    });
    expect(summary.rejects).toEqual([
      { sheet: MATRIX, cell: 'F4', value: '2', reason: 'relation must be 0, 1 or blank' },
      { sheet: MATRIX, cell: 'G4', value: 'x', reason: 'relation must be 0, 1 or blank' },
    ]);
    expect(
      await t.rows(
        `SELECT sheet, cell, value FROM ${t.table('load_rejects')} WHERE load_id = ${secondLoadId} ORDER BY cell`,
      ),
    ).toEqual([
      { sheet: MATRIX, cell: 'F4', value: '2' },
      { sheet: MATRIX, cell: 'G4', value: 'x' },
    ]);
    // Only the difference was written, each change once in the history with its old value.
    expect(
      await t.rows(
        `SELECT person_id, related_person_id, old_value, new_value FROM ${t.table('relation_history')}
         WHERE load_id = ${secondLoadId} AND (old_value IS NOT NULL) ORDER BY person_id, related_person_id`,
      ),
    ).toEqual([
      { person_id: 1, related_person_id: 2, old_value: 0, new_value: 1 },
      { person_id: 1, related_person_id: 6, old_value: 1, new_value: 0 },
      { person_id: 17, related_person_id: 50, old_value: 0, new_value: null },
    ]);
    expect(
      await t.count(`SELECT count(*) FROM ${t.table('relation_changes')} WHERE load_id = ${secondLoadId}`),
    ).toBe(150);
    expect(await t.count(`SELECT count(*) FROM ${t.table('relations')}`)).toBe(883 + 147 - 1);
    // The rejected cells kept their value (0); the renamed actor has the new name.
    expect(
      await t.rows(
        `SELECT related_person_id, value FROM ${t.table('relations')} WHERE person_id = 2 AND related_person_id IN (4, 5)
         ORDER BY related_person_id`,
      ),
    ).toEqual([
      { related_person_id: 4, value: 0 },
      { related_person_id: 5, value: 0 },
    ]);
    expect((await people())[1]).toMatchObject({ id: 2, name: 'Jorge Iván Palacio Restrepo' });
    expect(await t.count(`SELECT count(*) FROM ${t.table('relations_named')} WHERE person_label = 'Ñ'`)).toBe(
      50,
    );
  });

  it('the first version again reverts the table', async () => {
    const summary = loaded(await loadWorkbook(store, v1));
    expect(summary.counts).toMatchObject({ added: 1, changed: 2, unchanged: 880, cleared: 147, rejected: 0 });
    expect(summary.counts.peopleUpdated).toBe(1);
    expect(await relations()).toEqual(afterFirst);
    expect((await people())[1]).toMatchObject({ id: 2, name: 'Jorge Iván Palacio' });
    expect(await t.count(`SELECT count(*) FROM ${t.table('loads')}`)).toBe(3);
  });

  it('a failing load leaves the previous state whole (one transaction)', async () => {
    const before = await relations();
    let writes = 0;
    const failing: RelationsStore = {
      kind: store.kind,
      recentLoads: (limit) => store.recentLoads(limit),
      begin: async () => {
        const session = await store.begin();
        return Object.assign(Object.create(session) as typeof session, {
          writeChanges: async (...args: Parameters<typeof session.writeChanges>) => {
            if (++writes === 3) throw new Error('disk full (injected)');
            return session.writeChanges(...args);
          },
        });
      },
    };
    await expect(loadWorkbook(failing, v2, { batchCells: 100 })).rejects.toThrow('disk full (injected)');
    expect(writes).toBe(3);
    expect(await relations()).toEqual(before);
    expect(await t.count(`SELECT count(*) FROM ${t.table('loads')}`)).toBe(3);
    // The lock was released: the same file loads now, in several batches.
    expect(loaded(await loadWorkbook(store, v2, { batchCells: 100 })).counts.added).toBe(147);
  });

  it('refuses a matrix without a single 0 or 1 (it would clear every stored pair), changing nothing', async () => {
    const before = await relations();
    const loads = await t.count(`SELECT count(*) FROM ${t.table('loads')}`);
    const path = join(dir, 'blank.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(RELATIONS_SAMPLE_XLSX);
    const matrix = workbook.getWorksheet(MATRIX)!;
    for (let r = 3; r <= 52; r++) for (let c = 3; c <= 52; c++) matrix.getRow(r).getCell(c).value = null;
    await workbook.xlsx.writeFile(path);
    await expect(loadWorkbook(store, path)).rejects.toThrow('has no 0 or 1 in any cell');
    expect(await relations()).toEqual(before);
    expect(await t.count(`SELECT count(*) FROM ${t.table('loads')}`)).toBe(loads);
  });

  it('refuses a workbook without the matrix sheet before touching the database', async () => {
    const loads = await t.count(`SELECT count(*) FROM ${t.table('loads')}`);
    const path = join(dir, 'other.xlsx');
    const workbook = new ExcelJS.Workbook();
    workbook.addWorksheet('Hoja1').addRow([1, 2, 3]);
    await workbook.xlsx.writeFile(path);
    await expect(loadWorkbook(store, path)).rejects.toThrow(
      'the workbook has no sheet "Matriz de adyacencia" (sheets: Hoja1)',
    );
    await expect(loadWorkbook(store, __filename)).rejects.toThrow('no ZIP end-of-central-directory record');
    expect(await t.count(`SELECT count(*) FROM ${t.table('loads')}`)).toBe(loads);
  });

  // PGlite is one session behind every connection (it serialises transactions by itself).
  (engine === 'postgres' && PGLITE_FOR_POSTGRES ? it.skip : it)(
    'one load at a time per database',
    async () => {
      const session = await store.begin();
      try {
        await expect(store.begin()).rejects.toThrow(LoadInProgressError);
      } finally {
        await session.close();
      }
      const again = await store.begin();
      await again.close();
      expect((await store.recentLoads(2)).map((l) => l.fileName)).toEqual([
        'relaciones-v2.xlsx',
        'relaciones.xlsx',
      ]);
    },
  );

  it('takes ids up to 2,147,483,647 and loads such a file again (no 32-bit overflow)', async () => {
    const path = join(dir, 'big-ids.xlsx');
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(RELATIONS_SAMPLE_XLSX);
    const matrix = workbook.getWorksheet(MATRIX)!;
    matrix.getCell('D1').value = 1_500_000_000;
    matrix.getCell('A4').value = 1_500_000_000;
    await workbook.xlsx.writeFile(path);
    loaded(await loadWorkbook(store, path));
    matrix.getCell('C4').value = 1 - Number(matrix.getCell('C4').value ?? 0);
    await workbook.xlsx.writeFile(path);
    expect(loaded(await loadWorkbook(store, path)).counts.changed).toBe(1);
    expect(await t.count(`SELECT count(*) FROM ${t.table('people')} WHERE id = 1500000000`)).toBe(1);
  });

  it('a load onto a table emptied by hand (people and history kept) adds every pair again', async () => {
    const path = join(dir, 'again.xlsx');
    copyFileSync(v1, path);
    await t.rows(`DELETE FROM ${t.table('relations')}`);
    const history = await t.count(`SELECT count(*) FROM ${t.table('relation_changes')}`);
    const summary = loaded(await loadWorkbook(store, path));
    expect(summary.counts).toMatchObject({ added: 883, changed: 0, cleared: 0, peopleAdded: 0 });
    if (engine === 'mysql') {
      expect(summary.notes).toContain(
        'the relations table was empty: 883 pairs bulk-loaded in one statement',
      );
      expect(await sessionChecks()).toEqual([{ fk: 1, uq: 1 }]);
    }
    expect(await relations()).toEqual(afterFirst);
    expect(
      await t.count(
        `SELECT count(*) FROM ${t.table('relation_changes')} WHERE load_id = ${summary.loadId} AND old_value IS NULL`,
      ),
    ).toBe(883);
    expect(await t.count(`SELECT count(*) FROM ${t.table('relation_changes')}`)).toBe(history + 883);
  });
});
