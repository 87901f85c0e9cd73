// A throw-away in-memory PGlite served over the Postgres wire protocol by the platform's server, in
// its own process (PGlite cannot load inside jest's module sandbox). Prints {"port":N} once
// listening; stops on SIGTERM, SIGINT, or when the parent closes stdin (it never outlives the tests).
import { servePglite } from '@caudal/platform';
import { PGlite } from '@electric-sql/pglite';

async function main(): Promise<void> {
  const db = await PGlite.create();
  const server = await servePglite(db, { host: '127.0.0.1', port: 0 });
  process.stdout.write(JSON.stringify({ port: server.port }) + '\n');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.close().catch(() => undefined);
    await db.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => void stop());
  process.stdin.on('end', () => void stop());
  process.stdin.resume();
}

main().catch((error: unknown) => {
  process.stderr.write(`pglite-server: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
