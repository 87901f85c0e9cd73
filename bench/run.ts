import { ensureEmbeddedPostgres, stopEmbeddedPostgres, withDatabaseName } from '@caudal/platform';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { connectorBench } from './connector.bench';
import { etlBench } from './etl.bench';
import { recordsBench } from './records.bench';
import { relationsBench } from './relations.bench';
import { printTable, ROOT, type Comparison } from './support';

/**
 * npm run bench: every benchmark beside a floor measured in the same run, printed as a table and
 * written to bench/results/latest.json. Runs on the PostgreSQL server named by BENCH_POSTGRES_URL
 * (default postgres://postgres@127.0.0.1:5432/postgres) in a database it recreates; if no server
 * answers, on the embedded PGlite (figures then describe the embedded default, not production).
 * The relations benchmark needs MySQL/MariaDB at BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/mysql).
 */
async function benchDatabase(): Promise<{
  url: string;
  target: string;
  ops: string;
  records: string;
  server: boolean;
  where: string;
}> {
  const server = process.env['BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new Client({ connectionString: server });
  try {
    await admin.connect();
  } catch {
    const embedded = await ensureEmbeddedPostgres();
    return {
      url: embedded.url,
      target: embedded.url,
      ops: embedded.url,
      records: embedded.url,
      server: false,
      where: 'embedded PGlite (no PostgreSQL server answered)',
    };
  }
  for (const name of ['caudal_bench', 'caudal_bench_target', 'caudal_bench_ops', 'caudal_bench_records']) {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  }
  const { rows } = await admin.query<{ version: string }>(
    'SELECT current_setting($$server_version$$) AS version',
  );
  await admin.end();
  return {
    url: withDatabaseName(server, 'caudal_bench'),
    target: withDatabaseName(server, 'caudal_bench_target'),
    ops: withDatabaseName(server, 'caudal_bench_ops'),
    records: withDatabaseName(server, 'caudal_bench_records'),
    server: true,
    where: `PostgreSQL ${rows[0]!.version} server`,
  };
}

async function main(): Promise<void> {
  const database = await benchDatabase();
  const machine = `${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
  process.stdout.write(`benchmarks on ${database.where}; ${machine}\n\n`);
  const only = process.env['BENCH_ONLY'];
  const results: Comparison[] = [];
  if (!only || only === 'connector') results.push(...(await connectorBench(database.url, database.server)));
  if (!only || only === 'etl') {
    results.push(...(await etlBench({ source: database.url, target: database.target, ops: database.ops })));
  }
  if ((!only || only === 'records') && database.server)
    results.push(...(await recordsBench(database.records)));
  if (!only || only === 'relations') {
    const mysqlUrl = process.env['BENCH_MYSQL_URL'] || 'mysql://root@127.0.0.1:3306/mysql';
    try {
      results.push(...(await relationsBench(mysqlUrl, database.ops)));
    } catch (error) {
      process.stdout.write(`relations benchmark skipped: ${(error as Error).message}\n`);
    }
  }
  process.stdout.write('\n');
  printTable(results);
  const out = join(ROOT, 'bench', 'results');
  mkdirSync(out, { recursive: true });
  writeFileSync(
    join(out, 'latest.json'),
    JSON.stringify({ at: new Date().toISOString(), machine, database: database.where, results }, null, 2) +
      '\n',
  );
  process.stdout.write(`\nwritten to bench/results/latest.json\n`);
  await stopEmbeddedPostgres();
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
