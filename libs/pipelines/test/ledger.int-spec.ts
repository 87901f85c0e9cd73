import { createLogger, openMigratedDatabase, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { hostname } from 'node:os';
import {
  NonRetryableError,
  OPS_MIGRATIONS,
  OPS_ROLE,
  PartitionExecutor,
  RunLedger,
  type PipelineDefinition,
  type RunContext,
} from '../src';

describe('run ledger and executor (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  let pg: TestPostgres;
  let ops: Database;
  let ledger: RunLedger;

  beforeAll(async () => {
    pg = await createTestPostgres('pipelines_ledger');
    ops = await openMigratedDatabase({ role: OPS_ROLE, url: pg.url, migrations: OPS_MIGRATIONS });
    ledger = new RunLedger(ops.pgPool());
  });

  afterAll(async () => {
    await ops?.close();
    await pg?.close();
  });

  const rows = async (partition: string) =>
    (
      await ops
        .pgPool()
        .query<{ attempt: number; status: string; error: string | null }>(
          `SELECT attempt, status, error FROM ops.pipeline_runs WHERE pipeline = 'p' AND partition_key = $1 ORDER BY id`,
          [partition],
        )
    ).rows;

  it('refuses a second running attempt of a partition and records it as skipped', async () => {
    const first = await ledger.start('p', '2024-01-01', 'cli', 1);
    expect(first).toBeDefined();
    expect(await ledger.start('p', '2024-01-01', 'backfill', 1)).toBeUndefined();
    await ledger.succeed(first!.id, { rowsRead: 3, rowsWritten: 2 }, { note: 'x' });
    expect((await rows('2024-01-01')).map((r) => r.status)).toEqual(['succeeded', 'skipped']);
    const [status] = await ledger.statuses('p', '2024-01-01', '2024-01-01');
    expect(status).toMatchObject({
      status: 'succeeded',
      rowsRead: 3,
      rowsWritten: 2,
      metadata: { note: 'x' },
    });
  });

  it('fails a running attempt whose worker process on this host is gone, then starts', async () => {
    await ops.pgPool().query(
      `INSERT INTO ops.pipeline_runs (pipeline, partition_key, trigger, status, started_at, worker)
       VALUES ('p', '2024-01-02', 'cli', 'running', now(), $1)`,
      [`${hostname()}:999999`],
    );
    expect(await ledger.start('p', '2024-01-02', 'cli', 1)).toBeDefined();
    const [abandoned, started] = await rows('2024-01-02');
    expect(abandoned).toMatchObject({
      status: 'failed',
      error: `abandoned: worker ${hostname()}:999999 stopped before the run finished`,
    });
    expect(started).toMatchObject({ status: 'running' });
  });

  it('fails a running attempt of another host only once it is stale', async () => {
    await ops.pgPool().query(
      `INSERT INTO ops.pipeline_runs (pipeline, partition_key, trigger, status, started_at, worker)
       VALUES ('p', '2024-01-03', 'cli', 'running', now() - interval '2 hours', 'elsewhere:1')`,
    );
    expect(await ledger.start('p', '2024-01-03', 'cli', 1, { staleAfterMs: 3 * 3_600_000 })).toBeUndefined();
    expect(await ledger.start('p', '2024-01-03', 'cli', 1, { staleAfterMs: 3_600_000 })).toBeDefined();
    expect((await rows('2024-01-03')).map((r) => r.status)).toEqual(['failed', 'skipped', 'running']);
  });

  describe('executor', () => {
    const pipeline = (
      run: (partition: string, context: RunContext) => Promise<{ rowsRead: number; rowsWritten: number }>,
    ): PipelineDefinition => ({
      name: 'p',
      partitioning: 'daily',
      timeZone: 'UTC',
      retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 2, jitter: 0 },
      run,
    });
    const executor = () =>
      new PartitionExecutor({ ledger, logger: createLogger('t', 'silent'), wait: async () => undefined });

    it('retries a failing run with one ledger row per attempt, and passes the window', async () => {
      let calls = 0;
      const windows: string[] = [];
      const result = await executor().run(
        pipeline(async (_, context) => {
          windows.push(`${context.window!.start.toISOString()} ${context.window!.end.toISOString()}`);
          if (++calls < 3) throw new Error(`flaky ${calls}`);
          return { rowsRead: 1, rowsWritten: 1 };
        }),
        '2024-02-01',
        'cli',
      );
      expect(result).toMatchObject({ status: 'succeeded', attempts: 3 });
      expect(windows[0]).toBe('2024-02-01T00:00:00.000Z 2024-02-02T00:00:00.000Z');
      expect((await rows('2024-02-01')).map((r) => [r.attempt, r.status, r.error])).toEqual([
        [1, 'failed', 'flaky 1'],
        [2, 'failed', 'flaky 2'],
        [3, 'succeeded', null],
      ]);
    });

    it('does not retry a NonRetryableError, and rejects a key that is not a partition', async () => {
      const result = await executor().run(
        pipeline(async () => {
          throw new NonRetryableError('bad input');
        }),
        '2024-02-02',
        'cli',
      );
      expect(result).toMatchObject({ status: 'failed', attempts: 1, error: 'bad input' });
      await expect(
        executor().run(
          pipeline(async () => ({ rowsRead: 0, rowsWritten: 0 })),
          '2024-02-30',
          'cli',
        ),
      ).rejects.toThrow('not a daily partition');
    });
  });
});
