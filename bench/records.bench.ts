import { sourceNodeArgs } from '@caudal/platform';
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { compare, ROOT, rssMb, type Comparison } from './support';

const ROWS = Number(process.env['BENCH_RECORDS_ROWS'] || 1_000_000);
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
    let started = performance.now();
    psql(url, `\\copy copy_floor FROM '${file}' CSV HEADER`);
    const floorRate = ROWS / ((performance.now() - started) / 1000);

    started = performance.now();
    const child = spawn(process.execPath, sourceNodeArgs('apps/records-loader/src/cli.ts', 'ingest', file), {
      cwd: ROOT,
      env: { ...process.env, RECORDS_DATABASE_URL: url, LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let peak = 0;
    const sampler = setInterval(() => {
      try {
        peak = Math.max(peak, rssMb(child.pid!));
      } catch {
        // exited
      }
    }, 50);
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const [code] = (await once(child, 'exit')) as [number];
    clearInterval(sampler);
    if (code !== 0) throw new Error(`records loader exited with ${code}: ${output}`);
    const rate = ROWS / ((performance.now() - started) / 1000);
    return [
      compare(`records loader ${ROWS.toLocaleString('en-US')} rows`, 'rows/s', rate, floorRate, 0.5, {
        peak_rss_mb: Math.round(peak),
      }),
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
    psql(url, 'DROP TABLE IF EXISTS copy_floor');
  }
}
