import { createLogger, openMigratedDatabase, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { hostname } from 'node:os';
import {
  ALREADY_SUCCEEDED,
  JOB_ALREADY_DONE,
  OPS_MIGRATIONS,
  OPS_ROLE,
  PartitionExecutor,
  PipelineQueue,
  RunLedger,
  selectPartitions,
  TAKEN_OVER,
  type PipelineDefinition,
  type RunContext,
} from '../src';

// Who owns a partition's run: an attempt that loses its hold stops, the ledger keeps its verdict,
// dead attempts show as failed, and a queue job runs the partition at most once.
describe('partition ownership (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  let pg: TestPostgres;
  let ops: Database;
  let ledger: RunLedger;

  beforeAll(async () => {
    pg = await createTestPostgres('pipelines_ownership');
    ops = await openMigratedDatabase({ role: OPS_ROLE, url: pg.url, migrations: OPS_MIGRATIONS });
    ledger = new RunLedger(ops.pgPool());
  });

  afterAll(async () => {
    await ops?.close();
    await pg?.close();
  });

  const logger = createLogger('ownership-test', 'silent');
  const pipeline = (
    name: string,
    run: (partition: string, context: RunContext) => Promise<{ rowsRead: number; rowsWritten: number }>,
    attempts = 3,
  ): PipelineDefinition => ({
    name,
    partitioning: 'daily',
    timeZone: 'UTC',
    retry: { attempts, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 },
    run,
  });
  const rows = async (name: string, partition: string) =>
    (
      await ops
        .pgPool()
        .query<{ status: string; error: string | null }>(
          `SELECT status, error FROM ops.pipeline_runs WHERE pipeline = $1 AND partition_key = $2 ORDER BY id`,
          [name, partition],
        )
    ).rows.map((r) => [r.status, r.error]);
  /** What another worker does when it finds this attempt silent: fails it as abandoned. */
  const failAsAbandoned = (name: string, partition: string) =>
    ops.pgPool().query(
      `UPDATE ops.pipeline_runs SET status = 'failed', finished_at = now(), error = 'abandoned: no heartbeat from worker w for 3 min'
         WHERE pipeline = $1 AND partition_key = $2 AND status = 'running'`,
      [name, partition],
    );
  const until = async (condition: () => boolean) => {
    for (let i = 0; i < 100 && !condition(); i++) await new Promise((r) => setTimeout(r, 50));
  };

  it('an attempt failed as abandoned while it runs is stopped by its next heartbeat, and not retried', async () => {
    let calls = 0;
    let started = false;
    let reason = '';
    const stoppable = pipeline('taken', async (_, context) => {
      calls++;
      started = true;
      await new Promise((_, reject) =>
        context.signal.addEventListener('abort', () => {
          reason = (context.signal.reason as Error).message;
          reject(context.signal.reason as Error);
        }),
      );
      throw new Error('unreachable');
    });
    // Beats every 300 ms: a heartbeat has 600 ms to land before the attempt stops itself for silence
    // (a slow UPDATE on a busy machine), which would be another stop than the one this test is about.
    const executor = new PartitionExecutor({ ledger, logger, heartbeatEveryMs: 300 });
    const running = executor.run(stoppable, '2024-03-01', 'cli');
    await until(() => started);
    await failAsAbandoned('taken', '2024-03-01');
    const result = await running;
    expect(reason).toBe('another worker failed this attempt as abandoned'); // its heartbeat learnt it
    expect(result).toMatchObject({ status: 'failed', attempts: 1, error: TAKEN_OVER, lostHold: true });
    expect(calls).toBe(1);
    expect(await rows('taken', '2024-03-01')).toEqual([
      ['failed', 'abandoned: no heartbeat from worker w for 3 min'],
    ]);
  });

  it("a run that finishes after its attempt was failed as abandoned does not overwrite the ledger's verdict", async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let started = false;
    const deaf = pipeline('late-finish', async () => {
      started = true;
      await released; // ignores its signal
      return { rowsRead: 1, rowsWritten: 1 };
    });
    // Beats once an hour: the takeover is found when the run ends, not by a heartbeat.
    const executor = new PartitionExecutor({ ledger, logger, heartbeatEveryMs: 3_600_000 });
    const running = executor.run(deaf, '2024-03-02', 'cli');
    await until(() => started);
    await failAsAbandoned('late-finish', '2024-03-02');
    release();
    expect(await running).toMatchObject({ status: 'failed', error: TAKEN_OVER, lostHold: true });
    expect(await rows('late-finish', '2024-03-02')).toEqual([
      ['failed', 'abandoned: no heartbeat from worker w for 3 min'],
    ]);
  });

  /** The ops database unreachable for heartbeats (every other statement goes through): refused. */
  class RefusingLedger extends RunLedger {
    override heartbeat(): Promise<boolean> {
      return Promise.reject(new Error('connect ECONNREFUSED'));
    }
  }
  /** ... or hanging: a network partition, a stalled server (no answer, no error). */
  class HangingLedger extends RunLedger {
    override heartbeat(): Promise<boolean> {
      return new Promise(() => undefined);
    }
  }
  it.each([
    ['fail', RefusingLedger, '2024-03-03'],
    ['hang', HangingLedger, '2024-03-09'],
  ])('an attempt whose heartbeats %s stops before others may take it over', async (_, CutOffLedger, date) => {
    // Beats every 400 ms: the run stops after 1.2 s without a heartbeat landing; others may take
    // its partition over after 2.4 s of silence.
    const heartbeatEveryMs = 400;
    /** Another worker starting the partition, as the executor does: refused while the attempt is alive. */
    const takeOver = () =>
      new RunLedger(ops.pgPool(), 'other-host:1:0th3r000').start('cut-off', date, 'cli', 1, {
        silentAfterMs: 6 * heartbeatEveryMs,
      });
    let reason = '';
    let takenOverWhenStopped: boolean | undefined;
    const stoppable = pipeline('cut-off', async (_, context) => {
      await new Promise((_, reject) =>
        context.signal.addEventListener('abort', () => {
          reason = (context.signal.reason as Error).message;
          // At the moment the run is told to stop, no other worker may have taken its partition.
          void takeOver().then(
            (run) => {
              takenOverWhenStopped = run !== undefined;
              reject(context.signal.reason as Error);
            },
            (error: unknown) => reject(error as Error),
          );
        }),
      );
      throw new Error('unreachable');
    });
    const executor = new PartitionExecutor({
      ledger: new CutOffLedger(ops.pgPool()),
      logger,
      heartbeatEveryMs,
    });
    const result = await executor.run(stoppable, date, 'cli');
    expect(reason).toMatch(/^no heartbeat reached the ledger for \d+ s$/);
    expect(takenOverWhenStopped).toBe(false);
    expect(result).toMatchObject({ status: 'failed', attempts: 1, lostHold: true });
    expect(await rows('cut-off', date)).toEqual([
      ['failed', expect.stringMatching(/^stopped: no heartbeat reached the ledger for \d+ s$/)],
      ['skipped', 'another run of this partition was running'], // the start refused while it stopped
    ]);
  });

  it('a heartbeat that answers after its attempt has ended does not stop the retry', async () => {
    // Attempt 1 fails while its heartbeat is in flight; the heartbeat answers (late: the attempt is
    // no longer running) while the failure is being recorded, before the executor decides to retry.
    let heartbeatSent!: () => void;
    const sent = new Promise<void>((resolve) => (heartbeatSent = resolve));
    let attemptFailed!: () => void;
    const failed = new Promise<void>((resolve) => (attemptFailed = resolve));
    let lateAnswers = 0;
    /** A heartbeat that answers late, and a ledger slow to record a failure (a busy server). */
    class SlowLedger extends RunLedger {
      override async heartbeat(): Promise<boolean> {
        heartbeatSent();
        await failed;
        lateAnswers++;
        return false; // by then the attempt has ended (it failed), so it is no longer running
      }
      override async fail(id: string, error: string, metadata: Record<string, unknown>): Promise<boolean> {
        attemptFailed();
        // One turn of the event loop: the heartbeat's answer has reached the executor by then.
        await new Promise((r) => setImmediate(r));
        return super.fail(id, error, metadata);
      }
    }
    let calls = 0;
    const flaky = pipeline('late-beat', async () => {
      if (++calls > 1) return { rowsRead: 1, rowsWritten: 1 };
      await sent;
      throw new Error('source busy');
    });
    const executor = new PartitionExecutor({
      ledger: new SlowLedger(ops.pgPool()),
      logger,
      heartbeatEveryMs: 300,
      wait: async () => undefined,
    });
    expect(await executor.run(flaky, '2024-03-10', 'cli')).toMatchObject({
      status: 'succeeded',
      attempts: 2,
    });
    expect(lateAnswers).toBeGreaterThanOrEqual(1);
    expect(await rows('late-beat', '2024-03-10')).toEqual([
      ['failed', 'source busy'],
      ['succeeded', null],
    ]);
  });

  it("a run whose process died shows as failed in the partitions' states, so a backfill of failed dates takes it", async () => {
    await ops.pgPool().query(
      `INSERT INTO ops.pipeline_runs (pipeline, partition_key, trigger, status, started_at, heartbeat_at, worker)
       VALUES ('killed-backfill', '2024-03-04', 'backfill', 'succeeded', now() - interval '1 day', now(), 'w:1'),
              ('killed-backfill', '2024-03-04', 'backfill', 'running', now(), now(), $1),
              ('killed-backfill', '2024-03-05', 'backfill', 'running', now(), now(), 'elsewhere:1')`,
      [`${hostname()}:999999`],
    );
    const statuses = await ledger.statuses('killed-backfill', '2024-03-04', '2024-03-05');
    expect(statuses.map((s) => [s.partition, s.status, s.error])).toEqual([
      ['2024-03-04', 'failed', `abandoned: worker ${hostname()}:999999 stopped before the run finished`],
      ['2024-03-05', 'running', null], // alive elsewhere: its heartbeat is fresh
    ]);
    expect(selectPartitions(['2024-03-04', '2024-03-05'], statuses, ['failed'])).toEqual(['2024-03-04']);
  });

  it('a queue job given out again after its run failed does not run the partition again', async () => {
    let calls = 0;
    const failing = pipeline(
      'failed-copy',
      async () => {
        calls++;
        throw new Error('source down');
      },
      2,
    );
    const executor = new PartitionExecutor({ ledger, logger, wait: async () => undefined });
    const job = {
      fromQueue: true,
      queuedRunId: await ledger.queued('failed-copy', '2024-03-06', 'backfill'),
    };
    expect(await executor.run(failing, '2024-03-06', 'backfill', job)).toMatchObject({ status: 'failed' });
    expect(await executor.run(failing, '2024-03-06', 'backfill', job)).toMatchObject({
      status: 'skipped',
      attempts: 0,
    });
    expect(calls).toBe(2); // the two attempts of the first claim; none for the copy
    expect(await rows('failed-copy', '2024-03-06')).toEqual([
      ['failed', 'source down'],
      ['failed', 'source down'],
      ['skipped', JOB_ALREADY_DONE],
    ]);
  });

  it('a requested re-run is not merged into a queued schedule job of the same date', async () => {
    const ran: string[] = [];
    const counting = pipeline('rerun', async (partition, context) => {
      ran.push(`${partition} ${context.attempt}`);
      return { rowsRead: 1, rowsWritten: 1 };
    });
    const executor = new PartitionExecutor({ ledger, logger });
    const queue = await PipelineQueue.start(pg.url, ledger, logger);
    const results: string[] = [];
    try {
      await queue.ensureQueue(counting);
      expect(await queue.enqueue(counting, '2024-03-07', 'schedule')).toBe(true); // waits: no worker yet
      expect((await executor.run(counting, '2024-03-07', 'cli')).status).toBe('succeeded'); // `etl run`
      expect(await queue.enqueue(counting, '2024-03-07', 'cli')).toBe(true); // `etl enqueue`, to redo it
      expect(await queue.enqueue(counting, '2024-03-07', 'cli')).toBe(false); // asked twice: one job
      await queue.work(counting, async (job) => {
        const options = { fromQueue: true, ...(job.runId ? { queuedRunId: job.runId } : {}) };
        const result = await executor.run(counting, job.partition, job.trigger, options);
        results.push(`${job.trigger} ${result.status}`);
      });
      await until(() => results.length === 2);
    } finally {
      await queue.stop();
    }
    expect(results).toEqual(['schedule skipped', 'cli succeeded']);
    expect(ran).toHaveLength(2); // `etl run`, then the requested re-run
    expect(await rows('rerun', '2024-03-07')).toEqual([
      ['skipped', ALREADY_SUCCEEDED],
      ['succeeded', null],
      ['succeeded', null],
    ]);
  });

  it('a requested re-run queued while the date runs (and retries) runs after that run, not skipped', async () => {
    let calls = 0;
    const flaky = pipeline('retrying', async () => {
      if (++calls === 1) throw new Error('source busy');
      return { rowsRead: 1, rowsWritten: 1 };
    });
    let queuedRunId = '';
    const executor = new PartitionExecutor({
      ledger,
      logger,
      // Between the first attempt and its retry, the date is asked for again (`etl enqueue`).
      wait: async () => {
        queuedRunId = await ledger.queued('retrying', '2024-03-08', 'cli');
      },
    });
    expect(await executor.run(flaky, '2024-03-08', 'cli')).toMatchObject({
      status: 'succeeded',
      attempts: 2,
    });
    expect(await executor.run(flaky, '2024-03-08', 'cli', { fromQueue: true, queuedRunId })).toMatchObject({
      status: 'succeeded',
    });
    expect(calls).toBe(3);
    expect(await rows('retrying', '2024-03-08')).toEqual([
      ['failed', 'source busy'],
      ['succeeded', null], // the queued request's own row, run after the retry succeeded
      ['succeeded', null],
    ]);
  });
});
