// A throw-away in-memory PGlite served over the Postgres wire protocol, in its own process (PGlite
// cannot load inside jest's module sandbox). Prints {"port":N} once listening; stops on SIGTERM,
// SIGINT, or when the parent closes stdin (so it never outlives the test run).
const { PGlite } = require('@electric-sql/pglite');
const { PGLiteSocketServer } = require('@electric-sql/pglite-socket');

(async () => {
  const db = await PGlite.create();
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: 0, maxConnections: 64 });
  await server.start();
  const port = Number(server.getServerConn().split(':').pop());
  process.stdout.write(JSON.stringify({ port }) + '\n');
  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop().catch(() => undefined);
    await db.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  process.stdin.on('end', stop);
  process.stdin.resume();
})().catch((error) => {
  process.stderr.write(`pglite-server: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
