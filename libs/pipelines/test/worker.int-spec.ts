import { createLogger, openMigratedDatabase, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { NestFactory } from '@nestjs/core';
import {
  latestCompletePartition,
  OPS_MIGRATIONS,
  OPS_ROLE,
  PartitionExecutor,
  PipelineQueue,
  PipelineWorkerModule,
  RunLedger,
  type PipelineDefinition,
} from '../src';

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
    const logger = createLogger('worker-test', 'silent');
    const ledger = new RunLedger(ops.pgPool());
    const ran: string[] = [];
    const pipeline: PipelineDefinition = {
      name: 'every-second',
      partitioning: 'daily',
      timeZone: 'UTC',
      schedule: { cron: '* * * * * *' }, // every second, so the test need not wait for midnight
      retry: { attempts: 1, initialDelayMs: 1, maxDelayMs: 1, jitter: 0 },
      run: async (partition) => {
        ran.push(partition);
        return { rowsRead: 1, rowsWritten: 1 };
      },
    };
    const queue = await PipelineQueue.start(pg.url, ledger, logger);
    const app = await NestFactory.createApplicationContext(
      PipelineWorkerModule.register({
        pipelines: [pipeline],
        queue,
        executor: new PartitionExecutor({ ledger, logger }),
        logger,
      }),
      { logger: false },
    );
    await app.init();
    try {
      for (let i = 0; i < 150 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
    } finally {
      await app.close();
    }
    const yesterday = latestCompletePartition(new Date(), 'daily');
    expect(ran.length).toBeGreaterThan(0);
    expect(new Set(ran)).toEqual(new Set([yesterday]));
    const [status] = await ledger.statuses('every-second', yesterday, yesterday);
    expect(status).toMatchObject({ status: 'succeeded', trigger: 'schedule' });
  });
});
