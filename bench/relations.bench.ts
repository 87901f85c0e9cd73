import { ensureEmbeddedPostgres, withDatabaseName } from '@caudal/platform';
import ExcelJS from 'exceljs';
import { createConnection, type Connection } from 'mysql2/promise';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { compareTime, ROOT, runMeasured, type Comparison } from './support';

const SIZE = Number(process.env['BENCH_RELATIONS_SIZE'] || 2000);
const DATABASE = 'caudal_bench_relations';
const FLOOR_DATABASE = 'caudal_bench_relations_floor';
const FRESH_RUNS = 2;
const RSS_TARGET_MB = 300;

/** The generated matrix: 5% ones off the diagonal, 0 on it; `changed` flips exactly 1% of the cells. */
function cell(i: number, j: number, changed: boolean): number {
  const value = i === j ? 0 : (i * 31 + j * 17) % 20 === 0 ? 1 : 0;
  return changed && (i * 7919 + j * 104_729) % 100 === 0 ? 1 - value : value;
}

function flippedCells(size: number): number {
  let flipped = 0;
  for (let i = 1; i <= size; i++)
    for (let j = 1; j <= size; j++) if (cell(i, j, true) !== cell(i, j, false)) flipped++;
  return flipped;
}

/** A size x size workbook in the real layout (ids, labels, actor list), written in a stream. */
export async function generateWorkbook(path: string, size: number, changed: boolean): Promise<void> {
  const writer = new ExcelJS.stream.xlsx.WorkbookWriter({ filename: path, useSharedStrings: true });
  const matrix = writer.addWorksheet('Matriz de adyacencia');
  const ids: (number | string | null)[] = [null, null];
  const labels: (number | string | null)[] = [null, null];
  for (let j = 1; j <= size; j++) {
    ids.push(j);
    labels.push(`P${j}`);
  }
  matrix.addRow(ids).commit();
  matrix.addRow(labels).commit();
  for (let i = 1; i <= size; i++) {
    const row: (number | string)[] = [i, `P${i}`];
    for (let j = 1; j <= size; j++) row.push(cell(i, j, changed));
    matrix.addRow(row).commit();
  }
  await matrix.commit();
  const actors = writer.addWorksheet('Lista de actores');
  for (let i = 1; i <= size; i++) actors.addRow([`P${i}`, i, `Person ${i}`]).commit();
  await actors.commit();
  await writer.commit();
}

/** The floor: the same (person, related, value) rows bulk-loaded into a plain table, LOAD DATA if allowed. */
async function floorMs(connection: Connection, size: number): Promise<{ ms: number; method: string }> {
  await connection.query('DROP TABLE IF EXISTS relations_floor');
  await connection.query(
    'CREATE TABLE relations_floor (person_id INT NOT NULL, related_person_id INT NOT NULL, value TINYINT NOT NULL)',
  );
  const rows = function* () {
    for (let i = 1; i <= size; i++) {
      let text = '';
      for (let j = 1; j <= size; j++) text += `${i}\t${j}\t${cell(i, j, false)}\n`;
      yield Buffer.from(text);
    }
  };
  const started = performance.now();
  try {
    await connection.query({
      sql: `LOAD DATA LOCAL INFILE 'matrix.tsv' INTO TABLE relations_floor (person_id, related_person_id, value)`,
      infileStreamFactory: () => Readable.from(rows()),
    });
    return { ms: performance.now() - started, method: 'LOAD DATA LOCAL' };
  } catch {
    // The server refuses local files (MySQL 8 defaults local_infile to OFF): multi-row INSERTs instead.
    await connection.query('TRUNCATE relations_floor');
    const insertStarted = performance.now();
    for (let i = 1; i <= size; i++) {
      const values: string[] = [];
      for (let j = 1; j <= size; j++) values.push(`(${i},${j},${cell(i, j, false)})`);
      await connection.query(`INSERT INTO relations_floor VALUES ${values.join(',')}`);
    }
    return { ms: performance.now() - insertStarted, method: 'multi-row INSERT' };
  }
}

interface LoaderRun {
  ms: number;
  loadMs: number;
  peakRssMb: number;
  output: string;
}

/** `relations run --file` as its own process, compiled as deployed: wall time, the load's own time, peak RSS. */
async function runLoader(file: string, env: NodeJS.ProcessEnv): Promise<LoaderRun> {
  const { ms, peakRssMb, output } = await runMeasured(
    [join(ROOT, 'apps/relations-loader/dist/cli.js'), 'run', '--file', file],
    { ...env, LOG_LEVEL: 'warn' },
  );
  const seconds = /\(([\d.]+) s\)/.exec(output)?.[1];
  return { ms, loadMs: Number(seconds) * 1000, peakRssMb, output };
}

async function lastLoad(connection: Connection): Promise<{ id: number; written: number; history: number }> {
  const [rows] = await connection.query(
    `SELECT l.id, l.added + l.changed + l.cleared AS written,
            (SELECT count(*) FROM relation_changes c WHERE c.load_id = l.id) AS history
     FROM loads l ORDER BY l.id DESC LIMIT 1`,
  );
  const row = (rows as { id: number; written: string; history: string }[])[0]!;
  return { id: Number(row.id), written: Number(row.written), history: Number(row.history) };
}

/**
 * The relations loader on a generated 2,000 x 2,000 workbook (BENCH_RELATIONS_SIZE) against the MySQL
 * server of `mysqlUrl`: two fresh loads, each into a new database, beside the floor (the same rows
 * bulk-loaded into a plain table) measured before, between and after them, compared as means; then
 * a re-load with 1% of the cells changed (rows written must be exactly the changed cells). The
 * loader runs compiled, as its own process (time and peak RSS). The run ledger goes to `opsUrl`
 * (PostgreSQL), or to the embedded PostgreSQL served by this process (so the loader's RSS never
 * includes it).
 */
export async function relationsBench(mysqlUrl: string, opsUrl?: string): Promise<Comparison[]> {
  const dir = mkdtempSync(join(tmpdir(), 'caudal-relations-bench-'));
  const admin = await createConnection(mysqlUrl);
  const recreate = async (database: string) => {
    await admin.query(`DROP DATABASE IF EXISTS ${database}`);
    await admin.query(`CREATE DATABASE ${database} CHARACTER SET utf8mb4 COLLATE utf8mb4_bin`);
  };
  try {
    const url = withDatabaseName(mysqlUrl, DATABASE);
    const fresh = join(dir, 'relaciones-fresh.xlsx');
    const changed = join(dir, 'relaciones-1pct.xlsx');
    await generateWorkbook(fresh, SIZE, false);
    await generateWorkbook(changed, SIZE, true);
    const expectedChanges = flippedCells(SIZE);
    const cells = SIZE * SIZE;

    // The compiled loader (npm run build), as deployed: from source, SWC adds its compile time and
    // memory to the process.
    const build = spawnSync('npx', ['nx', 'run', 'relations-loader:build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`relations-loader build failed: ${build.stdout}${build.stderr}`);
    await recreate(FLOOR_DATABASE);
    const floorConnection = await createConnection(withDatabaseName(mysqlUrl, FLOOR_DATABASE));
    const env = {
      RELATIONS_DATABASE_URL: url,
      OPS_DATABASE_URL: opsUrl ?? (await ensureEmbeddedPostgres()).url,
    };
    // Two fresh loads (each into a new database), with the floor before, between and after them:
    // this machine's speed drifts by tens of percent within minutes, so one pair would be luck.
    const floors: number[] = [];
    const freshRuns: LoaderRun[] = [];
    let floorMethod = '';
    try {
      for (let run = 0; run < FRESH_RUNS; run++) {
        const floor = await floorMs(floorConnection, SIZE);
        floors.push(floor.ms);
        floorMethod = floor.method;
        await recreate(DATABASE);
        freshRuns.push(await runLoader(fresh, env));
        // A fast but incomplete load must not pass: every cell is a relation and a history row.
        const check = await createConnection(url);
        try {
          const load = await lastLoad(check);
          if (load.written !== cells || load.history !== cells) {
            throw new Error(
              `fresh load wrote ${load.written} relations and ${load.history} history rows of ${cells}`,
            );
          }
        } finally {
          await check.end();
        }
      }
      floors.push((await floorMs(floorConnection, SIZE)).ms);
    } finally {
      await floorConnection.end();
    }
    const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
    const floorMean = mean(floors);
    const freshMean = mean(freshRuns.map((run) => run.ms));

    const connection = await createConnection(url);
    try {
      const firstLoad = await lastLoad(connection);
      const second = await runLoader(changed, env);
      const secondLoad = await lastLoad(connection);
      const peak = Math.max(...freshRuns.map((run) => run.peakRssMb), second.peakRssMb);
      const size = `${SIZE.toLocaleString('en-US')} x ${SIZE.toLocaleString('en-US')}`;
      return [
        compareTime(
          `relations fresh load ${size} (${cells.toLocaleString('en-US')} cells)`,
          freshMean,
          floorMean,
          3,
          {
            floor_method: floorMethod,
            runs_ms: freshRuns.map((run) => Math.round(run.ms)).join(' / '),
            floor_runs_ms: floors.map(Math.round).join(' / '),
            load_ms: freshRuns.map((run) => Math.round(run.loadMs)).join(' / '),
            relation_rows: firstLoad.written,
            history_rows: firstLoad.history,
            peak_rss_mb: Math.round(Math.max(...freshRuns.map((run) => run.peakRssMb))),
          },
        ),
        {
          name: 'relations loader peak RSS (fresh and re-load)',
          unit: 'MB',
          value: peak,
          floor: RSS_TARGET_MB,
          ratio: peak / RSS_TARGET_MB,
          target: `< ${RSS_TARGET_MB} MB`,
          met: peak < RSS_TARGET_MB,
        },
        {
          name: `relations 1% re-load (${expectedChanges.toLocaleString('en-US')} cells changed)`,
          unit: 'rows',
          value: secondLoad.written,
          floor: expectedChanges,
          ratio: secondLoad.written / expectedChanges,
          target: 'writes only the changed cells',
          met: secondLoad.written === expectedChanges && secondLoad.history === expectedChanges,
          extra: {
            time_ms: Math.round(second.ms),
            load_ms: Math.round(second.loadMs),
            time_vs_floor: `${(second.ms / floorMean).toFixed(2)}x`,
            history_rows: secondLoad.history,
            peak_rss_mb: Math.round(second.peakRssMb),
          },
        },
      ];
    } finally {
      await connection.end();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await admin.query(`DROP DATABASE IF EXISTS ${DATABASE}`).catch(() => undefined);
    await admin.query(`DROP DATABASE IF EXISTS ${FLOOR_DATABASE}`).catch(() => undefined);
    await admin.end();
  }
}
