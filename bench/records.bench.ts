import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { CONTACT_BY_ID, contactListClauses, contactListSql, parseContactSort } from '@caudal/records';
import autocannon from 'autocannon';
import { Pool } from 'pg';
import {
  compare,
  context,
  freePort,
  pgbenchTps,
  pgQueryLoad,
  ROOT,
  runMeasured,
  startApp,
  stopApp,
  type Comparison,
} from './support';

/** The loader's heap cap (also in its npm script, the launcher and docker-compose): memory stays flat. */
const LOADER_NODE_OPTIONS = '--max-old-space-size=128';
const ROWS = Number(process.env['BENCH_RECORDS_ROWS'] || 1_000_000);
const CONNECTIONS = 32;
const SECONDS = Number(process.env['BENCH_SECONDS'] || 15);
const TOKEN = 'bench-reader-token-0000000000';
const STATES = ['CA', 'NY', 'TX', 'NJ', 'FL', 'WA', 'IL', 'OH'];
const DEPARTMENTS = ['Sales', 'Marketing', 'Finances', 'Human Resources', 'Purchasing', 'Production'];

/** A contacts CSV of `rows` rows (one person each, a few quoted commas), written in a stream. */
async function generateCsv(path: string, rows: number): Promise<void> {
  const out = createWriteStream(path);
  out.write('first_name,last_name,company_name,address,city,state,zip,phone1,phone2,email,department\n');
  for (let i = 0; i < rows; i++) {
    const line =
      `First${i},Last${i},"Company ${i % 50_000}, Inc",${i} Main St,City${i % 1000},${STATES[i % STATES.length]},` +
      `${(i % 99_999) + 1},555-000-${String(i % 10_000).padStart(4, '0')},,person${i}@example.com,${DEPARTMENTS[i % DEPARTMENTS.length]}\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

function psql(url: string, command: string): void {
  const result = spawnSync('psql', [url, '-v', 'ON_ERROR_STOP=1', '-qc', command], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`psql failed: ${result.stderr}`);
}

/**
 * For context: the least any loader must write into the records schema, with none of the loader's
 * parsing, checks, staging or merge logic. The rows COPY put into copy_floor go into records.people
 * (its indexes, checks and company FK) and records.person_departments (two FKs) by two INSERT ...
 * SELECT statements, on tables emptied in the same transaction, which is rolled back afterwards (the
 * loaded people stay for the API benchmark). The lookups (companies, departments) are the loader's.
 */
async function normalizedWriteAloneMs(url: string): Promise<number> {
  const pool = new Pool({ connectionString: url, max: 1 });
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL work_mem = '64MB'`);
    await client.query('TRUNCATE records.person_departments, records.people');
    const started = performance.now();
    await client.query(`
      INSERT INTO records.people (first_name, last_name, company_id, address, city, state, zip, phone1, phone2, email)
      SELECT f.first_name, f.last_name, c.id, f.address, f.city, f.state, lpad(f.zip, 5, '0'), f.phone1, f.phone2, f.email
      FROM copy_floor f LEFT JOIN records.companies c ON c.name = f.company_name`);
    await client.query(`
      INSERT INTO records.person_departments (person_id, department_id)
      SELECT p.id, d.id FROM copy_floor f JOIN records.people p ON p.email = f.email
      JOIN records.departments d ON d.name = f.department`);
    return performance.now() - started;
  } finally {
    await client.query('ROLLBACK');
    client.release();
    await pool.end();
  }
}

/**
 * Records loader on a generated 1,000,000-row CSV (rows/s and peak RSS of the loader process),
 * beside the floor: COPY of the same file into a plain table (psql \copy). Needs a PostgreSQL server.
 */
export async function recordsBench(url: string): Promise<Comparison[]> {
  const dir = mkdtempSync(join(tmpdir(), 'caudal-records-bench-'));
  const file = join(dir, 'contacts.csv');
  try {
    await generateCsv(file, ROWS);
    psql(
      url,
      'DROP TABLE IF EXISTS copy_floor; CREATE TABLE copy_floor (first_name text, last_name text, company_name text, address text, city text, state text, zip text, phone1 text, phone2 text, email text, department text)',
    );
    const started = performance.now();
    psql(url, `\\copy copy_floor FROM '${file}' CSV HEADER`);
    const floorRate = ROWS / ((performance.now() - started) / 1000);

    // The compiled loader (npm run build), as deployed: running from source through SWC adds ~80 MB
    // of compiler to the process. The heap cap is the loader's own setting (LOADER_NODE_OPTIONS).
    const build = spawnSync('npx', ['nx', 'run', 'records-loader:build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`records-loader build failed: ${build.stdout}${build.stderr}`);
    const loader = await runMeasured(
      [...LOADER_NODE_OPTIONS.split(' '), join(ROOT, 'apps/records-loader/dist/cli.js'), 'ingest', file],
      { RECORDS_DATABASE_URL: url, LOG_LEVEL: 'warn' },
    );
    const peak = loader.peakRssMb;
    const rate = ROWS / (loader.ms / 1000);
    const writeMs = await normalizedWriteAloneMs(url);
    return [
      compare(`records loader ${ROWS.toLocaleString('en-US')} rows`, 'rows/s', rate, floorRate, 0.5, {
        peak_rss_mb: Math.round(peak),
      }),
      context(
        'part: set-wise INSERT of the copied rows into people + links alone',
        'rows/s',
        ROWS / (writeMs / 1000),
        floorRate,
      ),
      ...(await recordsApiBench(url)),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    psql(url, 'DROP TABLE IF EXISTS copy_floor');
  }
}

/** One API route under autocannon beside the same SQL through pg, both with 32 connections for SECONDS. */
async function routeBeside(
  name: string,
  url: string,
  pool: Pool,
  sql: string,
  values: unknown[],
  minRatio: number,
): Promise<Comparison> {
  const headers = { authorization: `Bearer ${TOKEN}` };
  await autocannon({ url, headers, connections: CONNECTIONS, duration: 2 }); // warm-up
  const http = await autocannon({ url, headers, connections: CONNECTIONS, duration: SECONDS });
  if (http.non2xx > 0 || http.errors > 0)
    throw new Error(`${name}: ${http.non2xx} non-2xx, ${http.errors} errors`);
  const floor = await pgQueryLoad(pool, sql, values, CONNECTIONS, SECONDS);
  return compare(name, 'req/s', http.requests.average, floor.perSecond, minRatio, {
    p99_ms: http.latency.p99,
    floor_p99_ms: Math.round(floor.p99Ms * 10) / 10,
  });
}

/**
 * Records API on the people the loader benchmark left (1,000,000 by default): GET by id and a
 * filtered, sorted page with its total, each beside the same SQL through pg with 32 clients.
 */
async function recordsApiBench(url: string): Promise<Comparison[]> {
  const port = await freePort();
  const api = `http://127.0.0.1:${port}`;
  const app = await startApp(
    'apps/records-api/src/cli.ts',
    ['serve'],
    {
      RECORDS_DATABASE_URL: url,
      PORT: String(port),
      HOST: '127.0.0.1',
      RECORDS_READER_TOKENS: TOKEN,
      LOG_LEVEL: 'warn',
    },
    `${api}/health`,
  );
  const pool = new Pool({ connectionString: url, max: CONNECTIONS });
  try {
    await pool.query('ANALYZE records.people');
    const { rows } = await pool.query<{ id: number }>(
      `SELECT id FROM records.people ORDER BY id OFFSET ${Math.floor(ROWS / 2)} LIMIT 1`,
    );
    const id = rows[0]!.id;
    const byId = await routeBeside(
      'records API GET by id',
      `${api}/v1/contacts/${id}`,
      pool,
      CONTACT_BY_ID,
      [id],
      0.15,
    );

    const query = {
      state: 'NJ',
      city: 'City3',
      sort: parseContactSort('last_name') as never,
      limit: 20,
      offset: 0,
    };
    const { where, orderBy, values } = contactListClauses(query);
    const listSql = contactListSql(where, orderBy, `$${values.length + 1}`, `$${values.length + 2}`);
    const list = await routeBeside(
      'records API filtered list (20 of ~1,000 + total)',
      `${api}/v1/contacts?state=NJ&city=City3&sort=last_name&limit=20`,
      pool,
      listSql,
      [...values, 20, 0],
      0.15,
    );
    // Context: the server alone answering the same lookup (pgbench, C client, prepared statements).
    const serverOnly = pgbenchTps(url, CONTACT_BY_ID.replace('$1', String(id)), CONNECTIONS, SECONDS);
    const context = serverOnly
      ? [compare('records API GET by id vs pgbench', 'req/s', byId.value, serverOnly, 0.15)]
      : [];
    return [byId, ...context, list];
  } finally {
    await pool.end();
    await stopApp(app);
  }
}
