import { PipelineQueue, runBackfill, partitionRange, type PipelineDefinition } from '@caudal/pipelines';
import { createTestPostgres, freePort } from '@caudal/testing';
import { upsertReadings } from '@caudal/telemetry';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadEtlConfig, openEtlRuntime } from '../src/etl-runtime';
import { etlTestBed, logger, readingLine, scriptedConnector } from './etl-test-bed';

// The telemetry ETL against real databases (source, target and ops as separate databases on the
// server named by TEST_POSTGRES_URL, or PGlite), with the connector API serving over real HTTP.
describe('telemetry ETL end to end', () => {
  const bed = etlTestBed();

  it('turns one date into 144 x 8 values equal to an independent SQL computation', async () => {
    const etl = await bed.runtime();
    const result = await etl.executor.run(etl.pipeline, '2024-10-01', 'cli');
    expect(result).toMatchObject({
      status: 'succeeded',
      attempts: 1,
      outcome: { rowsRead: 1440, rowsWritten: 1152 },
    });

    const { rows: expected } = await bed.sourceDb.pgPool().query<Record<string, number | string>>(`
      SELECT date_bin('10 minutes', "timestamp", '2024-10-01T00:00:00Z') AS bucket,
             avg(wind_speed) AS wind_speed_mean, min(wind_speed) AS wind_speed_min,
             max(wind_speed) AS wind_speed_max, stddev_samp(wind_speed) AS wind_speed_std,
             avg(power) AS power_mean, min(power) AS power_min, max(power) AS power_max, stddev_samp(power) AS power_std
      FROM source.data WHERE "timestamp" >= '2024-10-01T00:00:00Z' AND "timestamp" < '2024-10-02T00:00:00Z'
      GROUP BY 1 ORDER BY 1`);
    expect(expected).toHaveLength(144);
    const { rows: actual } = await etl.target.pgPool().query<{ bucket: Date; name: string; value: number }>(
      `SELECT d."timestamp" AS bucket, s.name, d.value FROM target.data d JOIN target.signal s ON s.id = d.signal_id
       WHERE d."timestamp" >= '2024-10-01T00:00:00Z' AND d."timestamp" < '2024-10-02T00:00:00Z'`,
    );
    expect(actual).toHaveLength(144 * 8);
    const byKey = new Map(actual.map((r) => [`${r.bucket.toISOString()} ${r.name}`, r.value]));
    let compared = 0;
    for (const row of expected) {
      for (const [name, value] of Object.entries(row)) {
        if (name === 'bucket') continue;
        const got = byKey.get(`${(row['bucket'] as unknown as Date).toISOString()} ${name}`);
        expect(got).toBeCloseTo(Number(value), 9);
        compared++;
      }
    }
    expect(compared).toBe(1152);

    const [ledger] = await etl.ledger.statuses(etl.pipeline.name, '2024-10-01', '2024-10-01');
    expect(ledger).toMatchObject({ status: 'succeeded', trigger: 'cli', rowsRead: 1440, rowsWritten: 1152 });
    expect(ledger!.metadata['buckets']).toBe(144);
    expect(Object.values(ledger!.metadata['points_per_bucket'] as Record<string, number>)).toEqual(
      Array(144).fill(10),
    );
  });

  it('is idempotent: running a date again yields identical rows', async () => {
    const etl = await bed.runtime();
    const signalSequence = async () =>
      (
        await etl.target
          .pgPool()
          .query<{ value: string }>(
            `SELECT last_value::text AS value FROM pg_sequences WHERE schemaname = 'target' AND sequencename LIKE 'signal%'`,
          )
      ).rows[0]!.value;
    await etl.executor.run(etl.pipeline, '2024-10-02', 'cli');
    const first = await bed.targetRows(etl, '2024-10-02');
    const sequence = await signalSequence();
    await etl.executor.run(etl.pipeline, '2024-10-02', 'cli');
    await etl.executor.run(etl.pipeline, '2024-10-02', 'cli');
    expect(await bed.targetRows(etl, '2024-10-02')).toEqual(first);
    expect(first).toHaveLength(1152);
    // Re-runs draw no signal ids (a smallserial: it would run out after some thousands of runs).
    expect(await signalSequence()).toBe(sequence);
  });

  it('runs a date once when two workers race for it (the ledger guard)', async () => {
    const [a, b] = await Promise.all([bed.runtime(), bed.runtime()]);
    // Slow the run down so that both workers are certainly inside it at the same time.
    const slow = (p: PipelineDefinition): PipelineDefinition => ({
      ...p,
      run: async (partition, context) => {
        await new Promise((r) => setTimeout(r, 500));
        return p.run(partition, context);
      },
    });
    const results = await Promise.all([
      a.executor.run(slow(a.pipeline), '2024-10-03', 'backfill'),
      b.executor.run(slow(b.pipeline), '2024-10-03', 'backfill'),
    ]);
    expect(results.map((r) => r.status).sort()).toEqual(['skipped', 'succeeded']);
    expect(await bed.targetRows(a, '2024-10-03')).toHaveLength(1152);
    const attempts = await a.ledger.attempts(a.pipeline.name, '2024-10-03');
    expect(attempts.map((r) => r.status).sort()).toEqual(['skipped', 'succeeded']);
  });

  it('queues a date once however many replicas enqueue it, and one of two workers runs it', async () => {
    const [a, b] = await Promise.all([bed.runtime(), bed.runtime()]);
    const queueA = await PipelineQueue.start(bed.opsUrl, a.ledger, logger);
    const queueB = await PipelineQueue.start(bed.opsUrl, b.ledger, logger);
    try {
      await queueA.ensureQueue(a.pipeline);
      await queueB.ensureQueue(b.pipeline);
      const enqueued = await Promise.all([
        queueA.enqueue(a.pipeline, '2024-10-04', 'schedule'),
        queueB.enqueue(b.pipeline, '2024-10-04', 'schedule'),
      ]);
      expect(enqueued.filter(Boolean)).toHaveLength(1);
      const ran: string[] = [];
      await queueA.work(a.pipeline, async (job) => {
        ran.push(
          `a:${(await a.executor.run(a.pipeline, job.partition, job.trigger, { fromQueue: true, queuedRunId: job.runId! })).status}`,
        );
      });
      await queueB.work(b.pipeline, async (job) => {
        ran.push(
          `b:${(await b.executor.run(b.pipeline, job.partition, job.trigger, { fromQueue: true, queuedRunId: job.runId! })).status}`,
        );
      });
      for (let i = 0; i < 100 && ran.length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 1500)); // time for a second (wrong) run to show up
      expect(ran).toHaveLength(1);
      expect(ran[0]).toMatch(/^[ab]:succeeded$/);
      const attempts = await a.ledger.attempts(a.pipeline.name, '2024-10-04');
      expect(attempts.map((r) => r.status)).toEqual(['succeeded']);
    } finally {
      await queueA.stop();
      await queueB.stop();
    }
  });

  it('backfills the whole seeded period at concurrency 4 (the cap itself: ledger suite)', async () => {
    const etl = await bed.runtime();
    const dates = partitionRange('2024-10-01', '2024-10-23', 'daily');
    const summary = await runBackfill(etl.executor, etl.pipeline, dates, { concurrency: 4 });
    expect(summary).toMatchObject({ succeeded: 23, failed: 0, skipped: 0 });
    const { rows } = await etl.target
      .pgPool()
      .query<{ n: number }>('SELECT count(*)::int AS n FROM target.data');
    // 22 full days of 144 buckets, and the last day's 23 hours and one minute: 139 buckets.
    expect(rows[0]!.n).toBe(22 * 1152 + 139 * 8);
    const statuses = await etl.ledger.statuses(etl.pipeline.name, '2024-10-01', '2024-10-23');
    expect(statuses.map((s) => s.status)).toEqual(Array(23).fill('succeeded'));
  });

  it('succeeds with 0 rows for a date without source data, and says so', async () => {
    const etl = await bed.runtime();
    const result = await etl.executor.run(etl.pipeline, '2024-11-15', 'cli');
    expect(result).toMatchObject({ status: 'succeeded', outcome: { rowsRead: 0, rowsWritten: 0 } });
    const [status] = await etl.ledger.statuses(etl.pipeline.name, '2024-11-15', '2024-11-15');
    expect(status!.metadata['note']).toBe('no source readings in this window');
  });

  it('with the connector down: retries, fails with the cause in the ledger, leaves the target untouched', async () => {
    const down = `http://127.0.0.1:${await freePort()}`;
    const etl = await bed.runtime({ CONNECTOR_API_URL: down });
    const before = await bed.targetRows(etl, '2024-10-02');
    const result = await etl.executor.run(etl.pipeline, '2024-10-02', 'cli');
    expect(result.status).toBe('failed');
    expect(result.attempts).toBe(2);
    expect(result.error).toMatch(/ECONNREFUSED/);
    expect(await bed.targetRows(etl, '2024-10-02')).toEqual(before);
    const attempts = await etl.ledger.attempts(etl.pipeline.name, '2024-10-02');
    expect(attempts.slice(-2).map((a) => [a.attempt, a.status])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
  });

  it('a malformed line fails the run at once and writes nothing', async () => {
    const fake = await scriptedConnector([
      { status: 200, body: readingLine('2024-10-05T00:00:00.000Z') + '{"timestamp":\n' },
    ]);
    try {
      const etl = await bed.runtime({ CONNECTOR_API_URL: fake.url });
      const before = await bed.targetRows(etl, '2024-10-05');
      const result = await etl.executor.run(etl.pipeline, '2024-10-05', 'cli');
      expect(result).toMatchObject({ status: 'failed', attempts: 1 });
      expect(result.error).toMatch(/line 2 is not JSON/);
      expect(await bed.targetRows(etl, '2024-10-05')).toEqual(before);
    } finally {
      fake.server.close();
    }
  });

  it('retries a 5xx answer with backoff and then succeeds', async () => {
    const fake = await scriptedConnector([
      { status: 503, body: '{"message":"busy"}' },
      { status: 502, body: '{"message":"bad gateway"}' },
      {
        status: 200,
        body: readingLine('2024-10-08T00:00:00.000Z') + readingLine('2024-10-08T00:01:00.000Z'),
      },
    ]);
    try {
      const etl = await bed.runtime({ CONNECTOR_API_URL: fake.url });
      const result = await etl.executor.run(etl.pipeline, '2024-10-08', 'cli');
      expect(result).toMatchObject({ status: 'succeeded', attempts: 1, outcome: { rowsRead: 2 } });
      expect(fake.requests()).toBe(3);
      const [status] = await etl.ledger.statuses(etl.pipeline.name, '2024-10-08', '2024-10-08');
      expect(status!.metadata['request_attempts']).toBe(3);
    } finally {
      fake.server.close();
    }
  });

  it('a stream slower than the timeout in total, but never silent that long, is not cut', async () => {
    const server = createServer((_, response) => {
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      let minute = 0;
      const timer = setInterval(() => {
        response.write(readingLine(new Date(Date.UTC(2024, 9, 9, 0, minute)).toISOString()));
        if (++minute === 6) {
          clearInterval(timer);
          response.end();
        }
      }, 150);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const etl = await bed.runtime({ CONNECTOR_API_URL: url, ETL_REQUEST_TIMEOUT_MS: '500' });
      const result = await etl.executor.run(etl.pipeline, '2024-10-09', 'cli'); // ~900 ms in all
      expect(result).toMatchObject({ status: 'succeeded', outcome: { rowsRead: 6 } });
    } finally {
      server.close();
    }
  });

  it('a stream silent for longer than the timeout is cut and retried; then the run fails, the target untouched', async () => {
    let requests = 0;
    const server = createServer((_, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.write(readingLine('2024-10-12T00:00:00.000Z')); // then nothing, and no end
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const seeded = await bed.runtime();
      await seeded.executor.run(seeded.pipeline, '2024-10-12', 'cli');
      const before = await bed.targetRows(seeded, '2024-10-12');
      expect(before).toHaveLength(1152);
      const etl = await bed.runtime({ CONNECTOR_API_URL: url, ETL_REQUEST_TIMEOUT_MS: '300' });
      const result = await etl.executor.run(etl.pipeline, '2024-10-12', 'cli');
      expect(result).toMatchObject({ status: 'failed', attempts: 2 });
      expect(result.error).toMatch(/connector API timed out/);
      expect(requests).toBe(2 * 3); // 3 requests in each of the run's 2 attempts
      expect(await bed.targetRows(etl, '2024-10-12')).toEqual(before);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('a reading outside the asked window fails the run at once (asking again would not help)', async () => {
    const fake = await scriptedConnector([{ status: 200, body: readingLine('2024-10-11T00:00:00.000Z') }]);
    try {
      const etl = await bed.runtime({ CONNECTOR_API_URL: fake.url });
      const result = await etl.executor.run(etl.pipeline, '2024-10-10', 'cli');
      expect(result).toMatchObject({ status: 'failed', attempts: 1 });
      expect(result.error).toMatch(/2024-10-11T00:00:00.000Z is outside the window/);
      expect(fake.requests()).toBe(1);
    } finally {
      fake.server.close();
    }
  });

  it('a 4xx answer is not retried and fails with the API message', async () => {
    const body = JSON.stringify({
      statusCode: 422,
      error: 'Unprocessable Entity',
      details: [{ field: 'end', message: 'bad end' }],
    });
    const fake = await scriptedConnector([{ status: 422, body }]);
    try {
      const etl = await bed.runtime({ CONNECTOR_API_URL: fake.url });
      const result = await etl.executor.run(etl.pipeline, '2024-10-06', 'cli');
      expect(result).toMatchObject({ status: 'failed', attempts: 1 });
      expect(fake.requests()).toBe(1); // neither the request nor the run is retried
      expect(result.error).toContain('connector API answered 422');
      expect(result.error).toContain('bad end');
    } finally {
      fake.server.close();
    }
  });

  it('in a non-UTC zone a date is its local day: 25 h and 150 buckets on the autumn clock change', async () => {
    // Europe/Zurich leaves summer time on 2024-10-27 (03:00 CEST -> 02:00 CET): that day lasts 25 h.
    // Readings every minute from 2024-10-26T20:00Z to 2024-10-28T02:00Z (outside the seeded period).
    const from = Date.UTC(2024, 9, 26, 20);
    const minutes = 30 * 60;
    const epochMs = Array.from({ length: minutes }, (_, i) => from + i * 60_000);
    await upsertReadings(bed.sourceDb.pgPool(), {
      epochMs,
      windSpeed: epochMs.map((_, i) => 5 + Math.sin(i / 7) * 3),
      power: epochMs.map((_, i) => 900 + ((i * 37) % 101)),
      ambientTemperature: epochMs.map(() => 10),
    });
    // Own target and ops: the zoned day overlaps UTC dates the other cases use.
    const [zonedTarget, zonedOps] = await Promise.all([
      createTestPostgres('etl_target_zurich'),
      createTestPostgres('etl_ops_zurich'),
    ]);
    const etl = await openEtlRuntime(
      loadEtlConfig({
        CONNECTOR_API_URL: bed.connectorUrl,
        TARGET_DATABASE_URL: zonedTarget.url,
        OPS_DATABASE_URL: zonedOps.url,
        ETL_TIME_ZONE: 'Europe/Zurich',
      }),
      logger,
    );
    try {
      const result = await etl.executor.run(etl.pipeline, '2024-10-27', 'cli');
      expect(result).toMatchObject({
        status: 'succeeded',
        outcome: { rowsRead: 1500, rowsWritten: 150 * 8 },
      });

      // Independent: PostgreSQL's own zone rules give the window and the local-midnight origin.
      const { rows: expected } = await bed.sourceDb.pgPool().query<Record<string, number | Date>>(`
        WITH w AS (SELECT '2024-10-27'::timestamp AT TIME ZONE 'Europe/Zurich' AS lo,
                          '2024-10-28'::timestamp AT TIME ZONE 'Europe/Zurich' AS hi)
        SELECT date_bin('10 minutes', "timestamp", w.lo) AS bucket,
               avg(wind_speed) AS wind_speed_mean, min(wind_speed) AS wind_speed_min,
               max(wind_speed) AS wind_speed_max, stddev_samp(wind_speed) AS wind_speed_std,
               avg(power) AS power_mean, min(power) AS power_min, max(power) AS power_max, stddev_samp(power) AS power_std
        FROM source.data, w WHERE "timestamp" >= w.lo AND "timestamp" < w.hi
        GROUP BY 1 ORDER BY 1`);
      expect(expected).toHaveLength(150);
      expect((expected[0]!['bucket'] as Date).toISOString()).toBe('2024-10-26T22:00:00.000Z');
      expect((expected.at(-1)!['bucket'] as Date).toISOString()).toBe('2024-10-27T22:50:00.000Z');
      const { rows: actual } = await etl.target
        .pgPool()
        .query<{ bucket: Date; name: string; value: number }>(
          `SELECT d."timestamp" AS bucket, s.name, d.value FROM target.data d JOIN target.signal s ON s.id = d.signal_id`,
        );
      expect(actual).toHaveLength(150 * 8);
      const byKey = new Map(actual.map((r) => [`${r.bucket.toISOString()} ${r.name}`, r.value]));
      for (const row of expected) {
        for (const [name, value] of Object.entries(row)) {
          if (name === 'bucket') continue;
          expect(byKey.get(`${(row['bucket'] as Date).toISOString()} ${name}`)).toBeCloseTo(Number(value), 9);
        }
      }
    } finally {
      await etl.close();
      await Promise.all([zonedTarget.close(), zonedOps.close()]);
    }
  });

  it('a failure inside the write transaction, after the delete, leaves the previous rows', async () => {
    const etl = await bed.runtime({ ETL_RETRY_ATTEMPTS: '1' });
    expect((await etl.executor.run(etl.pipeline, '2024-10-05', 'cli')).status).toBe('succeeded');
    const before = await bed.targetRows(etl, '2024-10-05');
    expect(before).toHaveLength(1152);
    // The insert of this date fails inside the transaction, once its old rows are already deleted.
    const pool = etl.target.pgPool();
    await pool.query(`
      CREATE FUNCTION target.refuse_insert() RETURNS trigger LANGUAGE plpgsql AS
        $$ BEGIN RAISE EXCEPTION 'disk full (simulated)'; END $$;
      CREATE TRIGGER refuse_insert BEFORE INSERT ON target.data FOR EACH STATEMENT EXECUTE FUNCTION target.refuse_insert();`);
    try {
      const result = await etl.executor.run(etl.pipeline, '2024-10-05', 'cli');
      expect(result).toMatchObject({ status: 'failed', error: 'disk full (simulated)' });
    } finally {
      await pool.query('DROP TRIGGER refuse_insert ON target.data; DROP FUNCTION target.refuse_insert()');
    }
    expect(await bed.targetRows(etl, '2024-10-05')).toEqual(before);
    const [status] = await etl.ledger.statuses(etl.pipeline.name, '2024-10-05', '2024-10-05');
    expect(status).toMatchObject({ status: 'failed', error: 'disk full (simulated)' });
  });
});
