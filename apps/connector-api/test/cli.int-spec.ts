import { findWorkspaceRoot, sourceNodeArgs } from '@caudal/platform';
import { createTestPostgres, freePort, type TestPostgres } from '@caudal/testing';
import { spawn, spawnSync } from 'node:child_process';
import { Client } from 'pg';

const root = findWorkspaceRoot(__dirname);

// `connector seed` and `connector serve` as processes: options are checked before anything is
// written, a small random seed lands in the source database, and the server's answers do not depend
// on its time zone (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset).
describe('connector CLI', () => {
  let pg: TestPostgres;

  beforeAll(async () => {
    pg = await createTestPostgres('connector_cli');
  });

  afterAll(async () => {
    await pg?.close();
  });

  const connector = (...args: string[]) =>
    spawnSync(process.execPath, sourceNodeArgs('apps/connector-api/src/cli.ts', ...args), {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, SOURCE_DATABASE_URL: pg.url },
    });

  it('refuses out-of-range options with exit 2 and one line naming the bounds', () => {
    const cases: [string[], string][] = [
      [['--seed', '99999999999999999999999'], '--seed must be an integer from 1 to 4294967295'],
      [['--seed', '0'], '--seed must be an integer from 1 to 4294967295'],
      [['--days', '3661'], '--days must be an integer from 1 to 3660'],
      [['--days', '1e2'], '--days must be an integer from 1 to 3660'],
    ];
    for (const [args, reason] of cases) {
      const result = connector('seed', '--random', ...args);
      expect(result.status).toBe(2);
      expect(result.stderr.split('\n')[0]).toBe(`connector seed: ${reason}`);
    }
  });

  it('seeds one random day of 1-minute readings', async () => {
    const result = connector(
      'seed',
      '--random',
      '--seed',
      '4294967295',
      '--from',
      '2030-01-01',
      '--days',
      '1',
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ n: number; first: Date; last: Date }>(
        `SELECT count(*)::int AS n, min("timestamp") AS first, max("timestamp") AS last FROM source.data`,
      );
      expect(rows[0]).toEqual({
        n: 1440,
        first: new Date('2030-01-01T00:00:00Z'),
        last: new Date('2030-01-01T23:59:00Z'),
      });
    } finally {
      await client.end();
    }
  });

  it('serve in a non-UTC time zone reads the instants asked for, in years of local mean time too', async () => {
    expect(connector('migrate').status).toBe(0);
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      await client.query(`INSERT INTO source.data VALUES ('0024-10-01T00:00:00Z', 1, 2, 3)`);
    } finally {
      await client.end();
    }
    const port = await freePort();
    // Zurich's local mean time in year 24 is +00:34:08: a Date sent in local time would lose 8 s.
    const server = spawn(process.execPath, sourceNodeArgs('apps/connector-api/src/cli.ts', 'serve'), {
      cwd: root,
      env: {
        ...process.env,
        TZ: 'Europe/Zurich',
        SOURCE_DATABASE_URL: pg.url,
        PORT: String(port),
        LOG_LEVEL: 'warn',
      },
      stdio: 'ignore',
    });
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 150; i++) {
        if (
          await fetch(`${base}/health`).then(
            (r) => r.ok,
            () => false,
          )
        )
          break;
        await new Promise((r) => setTimeout(r, 200));
      }
      const range = 'start=0024-10-01&end=0024-10-01T00:00:30&variables=power';
      const page = (await (await fetch(`${base}/v1/readings?${range}`)).json()) as { items: unknown[] };
      expect(page.items).toEqual([{ timestamp: '0024-10-01T00:00:00.000Z', power: 2 }]);
      const ndjson = await (await fetch(`${base}/v1/readings?${range}&format=ndjson`)).text();
      expect(ndjson).toBe('{"timestamp":"0024-10-01T00:00:00.000Z","power":2}\n');
    } finally {
      server.kill('SIGTERM');
    }
  });
});
