import { createLogger, openMigratedDatabase, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import PgBoss from 'pg-boss';
import {
  latestCompletePartition,
  OPS_MIGRATIONS,
  OPS_ROLE,
  JOB_ALREADY_DONE,
  PartitionExecutor,
  PipelineQueue,
  RunLedger,
  type QueueOptions,
} from '../src';
import { dailyPipeline, ONE_ATTEMPT, startReplica } from './worker-test-bed';

// The unattended path: a schedule tick enqueues the latest complete partition and a worker runs it.
describe('schedule -> queue -> worker (pg-boss on real PostgreSQL, or PGlite)', () => {
  let pg: TestPostgres;
  let ops: Database;

  beforeAll(async () => {
    pg = await createTestPostgres('pipelines_worker');
    ops = await openMigratedDatabase({ role: OPS_ROLE, url: pg.url, migrations: OPS_MIGRATIONS });
  });

  afterAll(async () => {
    await ops?.close();
    await pg?.close();
  });

  it('a tick enqueues the previous day and a worker runs it, recorded with the schedule trigger', async () => {
    const ledger = new RunLedger(ops.pgPool());
    const ran: string[] = [];
    const pipeline = dailyPipeline('every-second', {
      schedule: { cron: '* * * * * *' }, // every second, so the test need not wait for midnight
      run: async (partition) => {
        ran.push(partition);
        return { rowsRead: 1, rowsWritten: 1 };
      },
    });
    const { app } = await startReplica(pg.url, ledger, pipeline);
    try {
      for (let i = 0; i < 150 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 2500)); // more ticks, for the same date
    } finally {
      await app.close();
    }
    const yesterday = latestCompletePartition(new Date(), 'daily');
    expect(ran).toEqual([yesterday]); // once, however many ticks asked for it
    const [status] = await ledger.statuses('every-second', yesterday, yesterday);
    expect(status).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
    const attempts = await ledger.attempts('every-second', yesterday);
    expect(attempts.filter((a) => a.status !== 'skipped').map((a) => a.status)).toEqual(['succeeded']);
  });

  it('a tick queued while the date runs does not run it again, and leaves no queued row', async () => {
    const logger = createLogger('worker-test', 'silent');
    const ledger = new RunLedger(ops.pgPool());
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const ran: string[] = [];
    const pipeline = dailyPipeline('slow-daily', {
      run: async (partition) => {
        ran.push(partition);
        await released;
        return { rowsRead: 1, rowsWritten: 1 };
      },
    });
    const executor = new PartitionExecutor({ ledger, logger });
    const queue = await PipelineQueue.start(pg.url, ledger, logger);
    const results: string[] = [];
    try {
      await queue.ensureQueue(pipeline);
      expect(await queue.enqueue(pipeline, '2024-05-01', 'schedule')).toBe(true);
      await queue.work(pipeline, async (job) => {
        const options = { fromQueue: true, ...(job.runId ? { queuedRunId: job.runId } : {}) };
        results.push((await executor.run(pipeline, job.partition, job.trigger, options)).status);
      });
      for (let i = 0; i < 100 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(ran).toEqual(['2024-05-01']);
      // The first job is active (claimed): the queue takes a second one for the same date.
      expect(await queue.enqueue(pipeline, '2024-05-01', 'schedule')).toBe(true);
      release();
      for (let i = 0; i < 100 && results.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      // Once the date has succeeded, a schedule does not even queue it.
      expect(await queue.enqueue(pipeline, '2024-05-01', 'schedule')).toBe(false);
    } finally {
      await queue.stop();
    }
    expect(results).toEqual(['succeeded', 'skipped']);
    expect(ran).toEqual(['2024-05-01']);
    const attempts = await ledger.attempts('slow-daily', '2024-05-01');
    expect(attempts.map((a) => a.status)).toEqual(['succeeded', 'skipped']);
    const [status] = await ledger.statuses('slow-daily', '2024-05-01', '2024-05-01');
    expect(status).toMatchObject({ status: 'succeeded' });
  });

  it('a shutdown interrupts the run in progress, records it, and queues the date again for the next worker', async () => {
    const ledger = new RunLedger(ops.pgPool());
    const started: string[] = [];
    const pipeline = dailyPipeline('interruptible', {
      retry: { ...ONE_ATTEMPT, attempts: 3 },
      run: async (partition, context) => {
        started.push(partition);
        if (started.length > 1) return { rowsRead: 2, rowsWritten: 2 }; // the next worker's run
        // The first run waits for work that never comes, until the worker stops it.
        await new Promise((_, reject) =>
          context.signal.addEventListener('abort', () => reject(new Error('download aborted'))),
        );
        throw new Error('unreachable');
      },
    });
    const startWorker = () => startReplica(pg.url, ledger, pipeline);

    const first = await startWorker();
    expect(await first.queue.enqueue(pipeline, '2024-06-01', 'backfill')).toBe(true);
    for (let i = 0; i < 100 && started.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(started).toEqual(['2024-06-01']);
    const closing = performance.now();
    await first.app.close(); // aborts the run; does not wait out pg-boss's 30 s grace
    expect(performance.now() - closing).toBeLessThan(10_000);

    // The interrupted attempt is failed with the reason (not retried), and the date is queued again.
    expect(await ledger.attempts('interruptible', '2024-06-01')).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: 'interrupted: the worker shut down (download aborted)',
      }),
      expect.objectContaining({ status: 'queued' }),
    ]);

    const second = await startWorker();
    try {
      for (let i = 0; i < 100 && started.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 50; i++) {
        const [status] = await ledger.statuses('interruptible', '2024-06-01', '2024-06-01');
        if (status?.status === 'succeeded') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await second.app.close();
    }
    expect(started).toEqual(['2024-06-01', '2024-06-01']);
    const [status] = await ledger.statuses('interruptible', '2024-06-01', '2024-06-01');
    expect(status).toMatchObject({ status: 'succeeded', trigger: 'backfill', rowsWritten: 2 });
  });

  // A lock wait needs a real server (PGlite has one session: the lock would block everything).
  const onServer = process.env['TEST_POSTGRES_URL'] ? it : it.skip;
  onServer(
    'a worker stopped while it claims a job leaves no active job behind; the next worker runs the date',
    async () => {
      const ledger = new RunLedger(ops.pgPool());
      const pipeline = dailyPipeline('claim-race', {
        run: async () => ({ rowsRead: 1, rowsWritten: 1 }),
      });
      const startWorker = () => startReplica(pg.url, ledger, pipeline);
      const logger = createLogger('worker-test', 'silent');
      const enqueuer = await PipelineQueue.start(pg.url, ledger, logger);
      await enqueuer.ensureQueue(pipeline);
      expect(await enqueuer.enqueue(pipeline, '2024-07-01', 'backfill')).toBe(true);
      await enqueuer.stop();
      // The queue's own partition of pg-boss's job table: locking it blocks this queue's claims only
      // (not pg-boss's internal queues), so the one session waiting on it is the worker's claim.
      const {
        rows: [queue],
      } = await ops
        .pgPool()
        .query<{ jobs: string }>(
          `SELECT 'pgboss.' || quote_ident(partition_name) AS jobs FROM pgboss.queue WHERE name = 'claim-race'`,
        );
      const claimWaiting = async () => {
        // pg_stat_activity from a fresh statement (outside the blocker's transaction, which would
        // keep one snapshot of it): a session of this database waiting for the lock on the table.
        const { rows } = await ops.pgPool().query(
          `SELECT 1 FROM pg_stat_activity a JOIN pg_locks l ON l.pid = a.pid AND NOT l.granted
             WHERE a.datname = current_database() AND a.wait_event_type = 'Lock' AND l.relation = $1::regclass`,
          [queue!.jobs],
        );
        return rows.length > 0;
      };
      // Hold the claim in flight: the lock, taken before the worker starts, blocks its first fetch.
      const blocker = await ops.pgPool().connect();
      let worker: Awaited<ReturnType<typeof startWorker>> | undefined;
      let closed: Promise<void> | undefined;
      try {
        await blocker.query('BEGIN');
        await blocker.query(`LOCK TABLE ${queue!.jobs} IN EXCLUSIVE MODE`);
        worker = await startWorker();
        let waiting = false;
        for (let i = 0; i < 300 && !(waiting = await claimWaiting()); i++) {
          await new Promise((r) => setTimeout(r, 100));
        }
        expect(waiting).toBe(true); // the worker's claim is blocked on the lock
        let stopping = false;
        const stop = worker.queue.stop.bind(worker.queue);
        worker.queue.stop = () => {
          stopping = true; // stop() ends the claiming loop at once, then waits for its claim
          return stop();
        };
        closed = worker.app.close();
        for (let i = 0; i < 300 && !stopping; i++) await new Promise((r) => setTimeout(r, 10));
        expect(stopping).toBe(true);
        await blocker.query('COMMIT'); // the claim goes through while the worker is stopping
      } finally {
        await blocker.query('ROLLBACK'); // after COMMIT, a no-op; after a failure, frees the worker
        blocker.release();
        await (closed ?? worker?.app.close());
      }
      const { rows } = await ops
        .pgPool()
        .query(`SELECT state FROM pgboss.job WHERE name = 'claim-race' AND state = 'active'`);
      expect(rows).toEqual([]); // nothing claimed and abandoned
      // The claim did go through during the shutdown: the job's run was recorded as interrupted.
      expect((await ledger.attempts('claim-race', '2024-07-01')).map((a) => [a.status, a.error])).toEqual([
        ['skipped', 'interrupted: the worker shut down'],
        ['queued', null],
      ]);
      const dates = ['2024-07-01'];
      const last = await startWorker();
      try {
        for (let i = 0; i < 100; i++) {
          const statuses = await ledger.statuses('claim-race');
          if (statuses.filter((s) => s.status === 'succeeded').length === dates.length) break;
          await new Promise((r) => setTimeout(r, 100));
        }
      } finally {
        await last.app.close();
      }
      const statuses = await ledger.statuses('claim-race');
      expect(statuses.map((s) => [s.partition, s.status])).toEqual(dates.map((d) => [d, 'succeeded']));
    },
  );

  it('a worker killed outright: its job is given out again once it expires, and the date runs', async () => {
    const ledger = new RunLedger(ops.pgPool());
    const ran: string[] = [];
    const pipeline = dailyPipeline('killed-worker', {
      run: async (partition) => {
        ran.push(partition);
        return { rowsRead: 3, rowsWritten: 3 };
      },
    });
    const quick: QueueOptions = { expireInSeconds: 2, maintenanceIntervalSeconds: 1, retryDelaySeconds: 1 };
    const logger = createLogger('worker-test', 'silent');
    const enqueuer = await PipelineQueue.start(pg.url, ledger, logger, quick);
    await enqueuer.ensureQueue(pipeline);
    expect(await enqueuer.enqueue(pipeline, '2024-08-01', 'backfill')).toBe(true);
    await enqueuer.stop();

    // What a worker on another host does before it is killed: claim the job, start its attempt.
    const doomed = new PgBoss({
      connectionString: pg.url,
      schema: 'pgboss',
      supervise: false,
      schedule: false,
    });
    await doomed.start();
    const [job] = await doomed.fetch<{ partition: string; runId: string }>('killed-worker');
    expect(job?.data.partition).toBe('2024-08-01');
    const deadLedger = new RunLedger(ops.pgPool(), 'other-host:4242:dead0000');
    expect(
      await deadLedger.start('killed-worker', '2024-08-01', 'backfill', 1, { queuedRunId: job!.data.runId }),
    ).toBeDefined();
    await doomed.stop({ graceful: false, wait: true, close: true } as PgBoss.StopOptions); // no complete, no fail

    // Beats every 200 ms: the dead attempt, silent since it started, is abandoned after 1.2 s.
    const replica = await startReplica(pg.url, ledger, pipeline, { queue: quick, heartbeatEveryMs: 200 });
    try {
      for (let i = 0; i < 300 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await replica.app.close();
    }
    expect(ran).toEqual(['2024-08-01']);
    expect(await ledger.attempts('killed-worker', '2024-08-01')).toEqual([
      expect.objectContaining({
        status: 'failed',
        error: 'abandoned: no heartbeat from worker other-host:4242:dead0000 for 1 s',
      }),
      expect.objectContaining({ status: 'succeeded', error: null }),
    ]);
    const [status] = await ledger.statuses('killed-worker', '2024-08-01', '2024-08-01');
    expect(status).toMatchObject({ status: 'succeeded', trigger: 'backfill', rowsWritten: 3 });
    const { rows } = await ops
      .pgPool()
      .query(`SELECT state FROM pgboss.job WHERE name = 'killed-worker' ORDER BY created_on`);
    expect(rows).toEqual([{ state: 'completed' }]);
  });

  it('a run longer than its job expiry runs once: the job given out again finds it done', async () => {
    const ledger = new RunLedger(ops.pgPool());
    let runs = 0;
    const pipeline = dailyPipeline('outlives-expiry', {
      run: async () => {
        runs++;
        await new Promise((r) => setTimeout(r, 3500));
        return { rowsRead: 1, rowsWritten: 1 };
      },
    });
    const quick: QueueOptions = {
      expireInSeconds: 1,
      maintenanceIntervalSeconds: 1,
      retryDelaySeconds: 1,
      deferSeconds: 1,
    };
    // Two replicas: the copy is claimed while the run goes on (and waits for it), then finds it done.
    const replicas = [
      await startReplica(pg.url, ledger, pipeline, { queue: quick, heartbeatEveryMs: 200 }),
      await startReplica(pg.url, ledger, pipeline, { queue: quick, heartbeatEveryMs: 200 }),
    ];
    try {
      expect(await replicas[0]!.queue.enqueue(pipeline, '2024-09-01', 'backfill')).toBe(true);
      for (let i = 0; i < 150; i++) {
        const attempts = await ledger.attempts('outlives-expiry', '2024-09-01');
        if (attempts.some((a) => a.status === 'skipped')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      for (const replica of replicas) await replica.app.close();
    }
    expect(runs).toBe(1);
    expect((await ledger.attempts('outlives-expiry', '2024-09-01')).map((a) => [a.status, a.error])).toEqual([
      ['succeeded', null],
      ['skipped', JOB_ALREADY_DONE],
    ]);
  });
});
