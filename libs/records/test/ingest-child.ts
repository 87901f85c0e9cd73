// Ingests one file in a process of its own, so that a suite can bound its heap
// (node --max-old-space-size=...): argv are the database URL and the file's path. Prints the summary
// as JSON on stdout.
import { Pool } from 'pg';
import { ingestContactsFile } from '../src';

async function main(): Promise<void> {
  const [url, path] = process.argv.slice(2);
  const pool = new Pool({ connectionString: url, max: 2 });
  try {
    process.stdout.write(JSON.stringify(await ingestContactsFile(pool, path!)));
  } finally {
    await pool.end();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String((error as Error).stack ?? error)}\n`);
  process.exit(1);
});
