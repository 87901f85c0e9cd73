import { createLogger, openMigratedDatabase, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { hostname } from 'node:os';
import {
  ALREADY_SUCCEEDED,
  JOB_ALREADY_DONE,
  NonRetryableError,
  OPS_MIGRATIONS,
  OPS_ROLE,
  PartitionExecutor,
  partitionRange,
  RunLedger,
  runBackfill,
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

  it('a queued job that finds the partition running marks its own queued row skipped', async () => {
    const first = await ledger.start('p', '2024-01-05', 'cli', 1);
    const queuedId = await ledger.queued('p', '2024-01-05', 'schedule');
    expect(await ledger.start('p', '2024-01-05', 'schedule', 1, { queuedRunId: queuedId })).toBeUndefined();
    await ledger.succeed(first!.id, { rowsRead: 1, rowsWritten: 1 }, {});
    // Two rows, not three: the job's row is the skipped one, and no queued row is left behind.
    expect((await rows('2024-01-05')).map((r) => r.status)).toEqual(['succeeded', 'skipped']);
    const [status] = await ledger.statuses('p', '2024-01-05', '2024-01-05');
    expect(status).toMatchObject({ status: 'succeeded', trigger: 'cli' });
  });

  it('a queued job starts from its own queued row, not another one of the partition', async () => {
    const older = await ledger.queued('p', '2024-01-06', 'api');
    const mine = await ledger.queued('p', '2024-01-06', 'schedule');
    const run = await ledger.start('p', '2024-01-06', 'schedule', 1, { queuedRunId: mine });
    expect(run?.id).toBe(mine);
    await ledger.succeed(run!.id, { rowsRead: 1, rowsWritten: 1 }, {});
    await ledger.discardQueued(older);
    expect((await rows('2024-01-06')).map((r) => r.status)).toEqual(['succeeded']);
    expect(await ledger.hasSucceeded('p', '2024-01-06')).toBe(true);
    expect(await ledger.hasSucceeded('p', '2024-01-07')).toBe(false);
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

  it('fails a running attempt left by an earlier process with this same pid (a restarted container)', async () => {
    await ops.pgPool().query(
      `INSERT INTO ops.pipeline_runs (pipeline, partition_key, trigger, status, started_at, worker)
       VALUES ('p', '2024-01-04', 'cli', 'running', now(), $1)`,
      [`${hostname()}:${process.pid}:0ld1nst4`],
    );
    expect(await ledger.start('p', '2024-01-04', 'cli', 1)).toBeDefined();
    expect((await rows('2024-01-04')).map((r) => r.status)).toEqual(['failed', 'running']);
    // This process's own running attempt is not taken for abandoned.
    expect(await ledger.start('p', '2024-01-04', 'cli', 1)).toBeUndefined();
    expect((await rows('2024-01-04')).map((r) => r.status)).toEqual(['failed', 'running', 'skipped']);
  });

  it('fails a running attempt of another host once its heartbeat is silent, however long it ran', async () => {
    // Started two hours ago, last heartbeat a minute ago: alive.
    await ops.pgPool().query(
      `INSERT INTO ops.pipeline_runs (pipeline, partition_key, trigger, status, started_at, heartbeat_at, worker)
       VALUES ('p', '2024-01-03', 'cli', 'running', now() - interval '2 hours', now() - interval '1 minute', 'elsewhere:1')`,
    );
    expect(await ledger.start('p', '2024-01-03', 'cli', 1)).toBeUndefined();
    await ops
      .pgPool()
      .query(
        `UPDATE ops.pipeline_runs SET heartbeat_at = now() - interval '4 minutes' WHERE partition_key = '2024-01-03' AND status = 'running'`,
      );
    expect(await ledger.start('p', '2024-01-03', 'cli', 1)).toBeDefined();
    expect(await rows('2024-01-03')).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: 'abandoned: no heartbeat from worker elsewhere:1 for 3 min',
      }),
      expect.objectContaining({ status: 'skipped' }),
      expect.objectContaining({ status: 'running' }),
    ]);
  });

  it('fails an attempt written before heartbeats (none stamped) only after an hour', async () => {
    await ops.pgPool().query(
      `INSERT INTO ops.pipeline_runs (pipeline, partition_key, trigger, status, started_at, worker)
       VALUES ('p', '2024-01-08', 'cli', 'running', now() - interval '30 minutes', 'elsewhere:1')`,
    );
    expect(await ledger.start('p', '2024-01-08', 'cli', 1)).toBeUndefined();
    await ops
      .pgPool()
      .query(
        `UPDATE ops.pipeline_runs SET started_at = now() - interval '2 hours' WHERE partition_key = '2024-01-08' AND status = 'running'`,
      );
    expect(await ledger.start('p', '2024-01-08', 'cli', 1)).toBeDefined();
    expect((await rows('2024-01-08')).map((r) => [r.status, r.error])).toEqual([
      ['failed', 'abandoned: no finish within 60 min'],
      ['skipped', 'another run of this partition was running'],
      ['running', null],
    ]);
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

    it('a long run keeps its attempt alive by its heartbeat: a start meanwhile is skipped, not a second run', async () => {
      // Beats every 300 ms (it would stop itself after 900 ms without a heartbeat landing).
      const beating = new PartitionExecutor({
        ledger,
        logger: createLogger('t', 'silent'),
        heartbeatEveryMs: 300,
      });
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let calls = 0;
      let stopped: unknown;
      const slow = pipeline(async (_, context) => {
        calls++;
        context.signal.addEventListener('abort', () => (stopped = context.signal.reason));
        await released; // runs until the test has tried the second start
        return { rowsRead: 1, rowsWritten: 1 };
      });
      const first = beating.run(slow, '2024-02-06', 'cli');
      const freshHeartbeat = `SELECT heartbeat_at > now() - interval '1 minute' AS fresh FROM ops.pipeline_runs
                         WHERE pipeline = 'p' AND partition_key = '2024-02-06' AND status = 'running'`;
      for (let i = 0; i < 100 && calls === 0; i++) await new Promise((r) => setTimeout(r, 50));
      expect(calls).toBe(1);
      // The attempt as if silent for an hour, far past the 3 min after which others take it over:
      // only a heartbeat stamped since keeps it alive.
      await ops
        .pgPool()
        .query(
          `UPDATE ops.pipeline_runs SET heartbeat_at = now() - interval '1 hour' WHERE pipeline = 'p' AND partition_key = '2024-02-06' AND status = 'running'`,
        );
      let fresh = false;
      for (let i = 0; i < 100 && !fresh; i++) {
        fresh = (await ops.pgPool().query<{ fresh: boolean }>(freshHeartbeat)).rows[0]?.fresh === true;
        if (!fresh) await new Promise((r) => setTimeout(r, 50));
      }
      expect(fresh).toBe(true); // a heartbeat has landed
      expect(await executor().run(slow, '2024-02-06', 'cli')).toMatchObject({ status: 'skipped' });
      release();
      expect(await first).toMatchObject({ status: 'succeeded' });
      expect(stopped).toBeUndefined(); // the run kept its hold throughout
      expect(calls).toBe(1);
      expect((await rows('2024-02-06')).map((r) => r.status)).toEqual(['succeeded', 'skipped']);
    });

    it('a queue job given out again after its run succeeded does nothing', async () => {
      let calls = 0;
      const counting = pipeline(async () => {
        calls++;
        return { rowsRead: 1, rowsWritten: 1 };
      });
      const queuedRunId = await ledger.queued('p', '2024-02-07', 'backfill');
      const job = { fromQueue: true, queuedRunId };
      expect((await executor().run(counting, '2024-02-07', 'backfill', job)).status).toBe('succeeded');
      expect(await executor().run(counting, '2024-02-07', 'backfill', job)).toMatchObject({
        status: 'skipped',
        attempts: 0,
      });
      expect(calls).toBe(1);
      expect((await rows('2024-02-07')).map((r) => [r.status, r.error])).toEqual([
        ['succeeded', null],
        ['skipped', JOB_ALREADY_DONE],
      ]);
    });

    it('a schedule job for a partition that has succeeded does nothing; other triggers re-run it', async () => {
      let calls = 0;
      const counting = pipeline(async () => {
        calls++;
        return { rowsRead: 1, rowsWritten: 1 };
      });
      expect((await executor().run(counting, '2024-02-03', 'cli')).status).toBe('succeeded');
      const queuedId = await ledger.queued('p', '2024-02-03', 'schedule');
      const result = await executor().run(counting, '2024-02-03', 'schedule', {
        fromQueue: true,
        queuedRunId: queuedId,
      });
      expect(result).toMatchObject({ status: 'skipped', attempts: 0 });
      expect(calls).toBe(1);
      expect((await rows('2024-02-03')).map((r) => [r.status, r.error])).toEqual([
        ['succeeded', null],
        ['skipped', ALREADY_SUCCEEDED],
      ]);
      expect((await executor().run(counting, '2024-02-03', 'api', { fromQueue: true })).status).toBe(
        'succeeded',
      );
      expect(calls).toBe(2);
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

  it('a backfill never has more runs in flight than its concurrency cap, and runs every partition once', async () => {
    let inFlight = 0;
    let most = 0;
    let release!: () => void;
    const allThree = new Promise<void>((resolve) => (release = resolve));
    const ran: string[] = [];
    const pipeline: PipelineDefinition = {
      name: 'capped',
      partitioning: 'daily',
      timeZone: 'UTC',
      retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 },
      run: async (partition) => {
        most = Math.max(most, ++inFlight);
        if (most === 3) release(); // the first runs wait until three are in flight (or 5 s pass)
        await Promise.race([allThree, new Promise((r) => setTimeout(r, 5000).unref())]); // unref: no wait at exit
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
        ran.push(partition);
        return { rowsRead: 1, rowsWritten: 1 };
      },
    };
    const executor = new PartitionExecutor({ ledger, logger: createLogger('t', 'silent') });
    const partitions = partitionRange('2024-02-01', '2024-02-12', 'daily');
    const summary = await runBackfill(executor, pipeline, partitions, { concurrency: 3 });
    expect(summary).toMatchObject({ succeeded: 12, failed: 0, skipped: 0, notStarted: 0 });
    expect(most).toBe(3);
    expect([...ran].sort()).toEqual(partitions);
    expect(summary.results.map((r) => r.partition)).toEqual(partitions);
  });

  it('an aborted backfill starts no further partition and reports how many did not start', async () => {
    const controller = new AbortController();
    const pipeline: PipelineDefinition = {
      name: 'aborted',
      partitioning: 'daily',
      timeZone: 'UTC',
      retry: { attempts: 3, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 },
      run: async (partition, context) => {
        if (partition === '2024-03-02') controller.abort(new Error('stopped by SIGINT'));
        if (context.signal.aborted) throw new Error('aborted');
        return { rowsRead: 1, rowsWritten: 1 };
      },
    };
    const executor = new PartitionExecutor({ ledger, logger: createLogger('t', 'silent') });
    const partitions = partitionRange('2024-03-01', '2024-03-05', 'daily');
    const summary = await runBackfill(executor, pipeline, partitions, {
      concurrency: 1,
      signal: controller.signal,
    });
    expect(summary).toMatchObject({ succeeded: 1, failed: 1, skipped: 0, notStarted: 3 });
    expect(summary.results[1]).toMatchObject({
      partition: '2024-03-02',
      status: 'failed',
      attempts: 1, // not retried
      interrupted: true,
      error: 'interrupted: stopped by SIGINT (aborted)',
    });
    expect(await ledger.statuses('aborted')).toEqual([
      expect.objectContaining({ partition: '2024-03-01', status: 'succeeded' }),
      expect.objectContaining({ partition: '2024-03-02', status: 'failed' }),
    ]);
  });

  it("a partition's latest state is its latest activity: a queued job that runs after a later row wins", async () => {
    const queuedId = await ledger.queued('p', '2024-04-01', 'schedule');
    const cli = await ledger.start('p', '2024-04-01', 'cli', 1);
    await ledger.fail(cli!.id, 'connector down', {});
    let [status] = await ledger.statuses('p', '2024-04-01', '2024-04-01');
    expect(status).toMatchObject({ status: 'failed', everFinished: true });
    // The schedule's job (the older row) runs now and succeeds: that is the partition's state.
    const job = await ledger.start('p', '2024-04-01', 'schedule', 1, { queuedRunId: queuedId });
    expect(job!.id).toBe(queuedId);
    await ledger.succeed(job!.id, { rowsRead: 5, rowsWritten: 4 }, {});
    [status] = await ledger.statuses('p', '2024-04-01', '2024-04-01');
    expect(status).toMatchObject({ status: 'succeeded', trigger: 'schedule', rowsWritten: 4 });
    // Queued again later: the latest state is queued, and the partition has finished a run before.
    await ledger.queued('p', '2024-04-01', 'cli');
    [status] = await ledger.statuses('p', '2024-04-01', '2024-04-01');
    expect(status).toMatchObject({ status: 'queued', everFinished: true });
  });
});
