import { stopEmbeddedPostgres, withDatabaseName } from '@caudal/platform';
import { Client } from 'pg';
import { relationsBench } from './relations.bench';
import { printTable } from './support';

/**
 * Runs the relations benchmark alone: node --conditions=@caudal/source -r ./tools/register.js bench/relations.run.ts
 * MySQL from BENCH_MYSQL_URL (default mysql://root@127.0.0.1:3306/mysql); the run ledger on the
 * PostgreSQL server of BENCH_POSTGRES_URL if one answers, else on the embedded PostgreSQL.
 */
async function opsUrl(): Promise<string | undefined> {
  const server = process.env['BENCH_POSTGRES_URL'] || 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new Client({ connectionString: server });
  try {
    await admin.connect();
  } catch {
    return undefined;
  }
  await admin.query('DROP DATABASE IF EXISTS caudal_bench_relations_ops WITH (FORCE)');
  await admin.query('CREATE DATABASE caudal_bench_relations_ops');
  await admin.end();
  return withDatabaseName(server, 'caudal_bench_relations_ops');
}

async function main(): Promise<void> {
  const mysqlUrl = process.env['BENCH_MYSQL_URL'] || 'mysql://root@127.0.0.1:3306/mysql';
  const results = await relationsBench(mysqlUrl, await opsUrl());
  printTable(results);
  await stopEmbeddedPostgres();
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
