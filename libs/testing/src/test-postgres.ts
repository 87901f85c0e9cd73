import { sourceNodeArgs, withDatabaseName } from '@caudal/platform';
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Client } from 'pg';

/** A throw-away PostgreSQL database for one test suite. */
export interface TestPostgres {
  url: string;
  /** True when it runs on an in-process PGlite (no TEST_POSTGRES_URL set). */
  embedded: boolean;
  close(): Promise<void>;
}

async function onServer(serverUrl: string, label: string): Promise<TestPostgres> {
  const name = `caudal_t_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: withDatabaseName(serverUrl, name),
    embedded: false,
    close: async () => {
      const client = new Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

async function embedded(): Promise<TestPostgres> {
  const script = join(__dirname, 'pglite-server.ts');
  const child = spawn(process.execPath, sourceNodeArgs(script), {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const port = await new Promise<number>((resolvePort, reject) => {
    child.once('exit', (code) =>
      reject(new Error(`pglite-server exited with code ${code} before listening`)),
    );
    lines.once('line', (line) => resolvePort((JSON.parse(line) as { port: number }).port));
  });
  lines.close();
  // Never outlive the test process, even when a suite fails before its afterAll.
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    embedded: true,
    close: async () => {
      if (child.exitCode !== null) return;
      process.removeListener('exit', killOnExit);
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

/**
 * A fresh database: a new database on the server named by TEST_POSTGRES_URL (dropped by close()),
 * or, when that is unset, an in-memory PGlite served over the wire protocol like the embedded default.
 */
export function createTestPostgres(
  label: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<TestPostgres> {
  const serverUrl = env['TEST_POSTGRES_URL'];
  return serverUrl ? onServer(serverUrl, label) : embedded();
}
