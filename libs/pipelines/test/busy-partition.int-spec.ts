import { createLogger, openMigratedDatabase, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import PgBoss from 'pg-boss';
import { OPS_MIGRATIONS, OPS_ROLE, PipelineQueue, RunLedger, type QueueOptions } from '../src';
import { dailyPipeline, startReplica } from './worker-test-bed';

// A partition's jobs wait for its run without holding up other partitions, and a run that loses its
// hold on its partition is queued again.
describe('queue jobs of a busy partition (pg-boss on real PostgreSQL, or PGlite)', () => {
  let pg: TestPostgres;
  let ops: Database;

  beforeAll(async () => {
    pg = await createTestPostgres('pipelines_busy');
    ops = await openMigratedDatabase({ role: OPS_ROLE, url: pg.url, migrations: OPS_MIGRATIONS });
  });

  afterAll(async () => {
    await ops?.close();
    await pg?.close();
  });

  it('a second job of a running date waits for that run without holding up other dates, then runs', async () => {
    const ledger = new RunLedger(ops.pgPool());
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const ran: string[] = [];
    const pipeline = dailyPipeline('busy-date', {
      run: async (partition) => {
        ran.push(partition);
        if (ran.length === 1) await released; // the first run of 10-01 goes on until the test says
        return { rowsRead: 1, rowsWritten: 1 };
      },
    });
    const quick: QueueOptions = { deferSeconds: 1 };
    const replicas = [
      await startReplica(pg.url, ledger, pipeline, { queue: quick }),
      await startReplica(pg.url, ledger, pipeline, { queue: quick }),
    ];
    try {
      expect(await replicas[0]!.queue.enqueue(pipeline, '2024-10-01', 'cli')).toBe(true);
      for (let i = 0; i < 100 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(ran).toEqual(['2024-10-01']);
      // Asked again while it runs (queued ahead of another date), then another date.
      expect(await replicas[0]!.queue.enqueue(pipeline, '2024-10-01', 'cli')).toBe(true);
      expect(await replicas[0]!.queue.enqueue(pipeline, '2024-10-02', 'cli')).toBe(true);
      for (let i = 0; i < 100 && ran.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      expect(ran).toEqual(['2024-10-01', '2024-10-02']); // 10-02 ran while 10-01 still runs
      // The second job of 10-01 waits (queued) for the first run, and never runs beside it.
      await new Promise((r) => setTimeout(r, 2500));
      expect(ran).toEqual(['2024-10-01', '2024-10-02']);
      expect((await ledger.attempts('busy-date', '2024-10-01')).map((a) => a.status)).toEqual([
        'running',
        'queued',
      ]);
      release();
      for (let i = 0; i < 100 && ran.length < 3; i++) await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 50; i++) {
        const attempts = await ledger.attempts('busy-date', '2024-10-01');
        if (attempts.every((a) => a.status === 'succeeded')) break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      release();
      for (const replica of replicas) await replica.app.close();
    }
    expect(ran).toEqual(['2024-10-01', '2024-10-02', '2024-10-01']);
    expect((await ledger.attempts('busy-date', '2024-10-01')).map((a) => [a.status, a.error])).toEqual([
      ['succeeded', null],
      ['succeeded', null],
    ]);
  });

  it('a queue created by an earlier version (stately) is moved to our policy, with its waiting jobs', async () => {
    const logger = createLogger('worker-test', 'silent');
    const pipeline = dailyPipeline('old-stately', {
      run: async () => ({ rowsRead: 0, rowsWritten: 0 }),
    });
    const boss = new PgBoss({
      connectionString: pg.url,
      schema: 'pgboss',
      supervise: false,
      schedule: false,
    });
    await boss.start();
    try {
      // An old replica runs 05-01; a second job of 05-01 waits ahead of one for 05-02.
      await boss.createQueue('old-stately', { name: 'old-stately', policy: 'stately' });
      await boss.send(
        'old-stately',
        { partition: '2024-05-01', trigger: 'cli' },
        { singletonKey: '2024-05-01' },
      );
      expect(await boss.fetch('old-stately')).toHaveLength(1);
      await boss.send(
        'old-stately',
        { partition: '2024-05-01', trigger: 'cli' },
        { singletonKey: '2024-05-01' },
      );
      await new Promise((r) => setTimeout(r, 10)); // created after it
      await boss.send(
        'old-stately',
        { partition: '2024-05-02', trigger: 'cli' },
        { singletonKey: '2024-05-02' },
      );
      expect(await boss.fetch('old-stately')).toEqual([]); // stately: the head job blocks every claim

      const queue = await PipelineQueue.start(pg.url, new RunLedger(ops.pgPool()), logger);
      try {
        await queue.ensureQueue(pipeline);
      } finally {
        await queue.stop();
      }
      const claimed = await boss.fetch<{ partition: string }>('old-stately', { batchSize: 2 });
      expect(claimed.map((job) => job.data.partition).sort()).toEqual(['2024-05-01', '2024-05-02']);
    } finally {
      await boss.stop({ graceful: false, wait: true, close: true } as PgBoss.StopOptions);
    }
    const { rows } = await ops.pgPool().query(`SELECT policy FROM pgboss.queue WHERE name = 'old-stately'`);
    expect(rows).toEqual([{ policy: 'short' }]);
  });

  it('a run that loses its hold on the date is queued again and runs once the hold is free', async () => {
    const ledger = new RunLedger(ops.pgPool());
    const ran: string[] = [];
    const pipeline = dailyPipeline('lost-hold', {
      run: async (partition, context) => {
        ran.push(partition);
        if (ran.length > 1) return { rowsRead: 1, rowsWritten: 1 };
        await new Promise((_, reject) =>
          context.signal.addEventListener('abort', () => reject(context.signal.reason as Error)),
        );
        throw new Error('unreachable');
      },
    });
    const replica = await startReplica(pg.url, ledger, pipeline, { heartbeatEveryMs: 100 });
    try {
      expect(await replica.queue.enqueue(pipeline, '2024-11-01', 'cli')).toBe(true);
      for (let i = 0; i < 100 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      // Another worker found the attempt silent (a paused container, say) and failed it.
      await ops.pgPool().query(
        `UPDATE ops.pipeline_runs SET status = 'failed', finished_at = now(), error = 'abandoned: no heartbeat from worker w for 3 min'
           WHERE pipeline = 'lost-hold' AND status = 'running'`,
      );
      for (let i = 0; i < 100 && ran.length < 2; i++) await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 50; i++) {
        const [status] = await ledger.statuses('lost-hold', '2024-11-01', '2024-11-01');
        if (status?.status === 'succeeded') break;
        await new Promise((r) => setTimeout(r, 100));
      }
    } finally {
      await replica.app.close();
    }
    expect(ran).toEqual(['2024-11-01', '2024-11-01']);
    expect((await ledger.attempts('lost-hold', '2024-11-01')).map((a) => [a.status, a.error])).toEqual([
      ['failed', 'abandoned: no heartbeat from worker w for 3 min'],
      ['succeeded', null],
    ]);
  });
});
