import { findWorkspaceRoot, sourceNodeArgs } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { spawnSync } from 'node:child_process';
import { Client } from 'pg';

const root = findWorkspaceRoot(__dirname);

// `connector seed`: its options are checked before anything is written, and a small random seed
// lands in the source database (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset).
describe('connector seed CLI', () => {
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
});
