import {
  createLogger,
  findWorkspaceRoot,
  openDatabase,
  type Database,
  sourceNodeArgs,
} from '@caudal/platform';
import { createTestPostgres, freePort, type TestPostgres } from '@caudal/testing';
import {
  readBaselWeather,
  readingsFromWeather,
  SOURCE_MIGRATIONS,
  SOURCE_ROLE,
  upsertReadings,
} from '@caudal/telemetry';
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadEtlConfig, openEtlRuntime, type EtlRuntime } from '../src/etl-runtime';

// The telemetry ETL against real databases (source, target and ops as separate databases on the
// server named by TEST_POSTGRES_URL, or PGlite), with the connector API serving over real HTTP.

export const root = findWorkspaceRoot(__dirname);
export const logger = createLogger('etl-test', 'silent');

function startConnector(sourceUrl: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, sourceNodeArgs('apps/connector-api/src/cli.ts', 'serve'), {
    cwd: root,
    env: {
      ...process.env,
      SOURCE_DATABASE_URL: sourceUrl,
      PORT: String(port),
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
    },
    stdio: 'ignore',
  });
  return (async () => {
    for (let i = 0; i < 300; i++) {
      if (child.exitCode !== null) throw new Error(`connector exited with ${child.exitCode}`);
      try {
        if ((await fetch(`http://127.0.0.1:${port}/health`)).ok) return child;
      } catch {
        // not yet
      }
      await new Promise((r) => setTimeout(r, 200));
    }
    throw new Error('connector did not start');
  })();
}

/** A fake connector answering the n-th request with `answers[n]` (the last one repeats); counts requests. */
export async function scriptedConnector(
  answers: { status: number; body: string }[],
): Promise<{ url: string; server: Server; requests: () => number }> {
  let requests = 0;
  const server = createServer((_, response) => {
    const answer = answers[Math.min(requests++, answers.length - 1)]!;
    response.writeHead(answer.status, { 'content-type': 'application/x-ndjson' });
    response.end(answer.body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, server, requests: () => requests };
}

export const readingLine = (iso: string) => `{"timestamp":"${iso}","wind_speed":1,"power":2}\n`;

/** What the ETL suites share: seeded source, target and ops databases, and a live connector. */
export interface EtlTestBed {
  sourceDb: Database;
  targetUrl: string;
  opsUrl: string;
  connectorUrl: string;
  /** An ETL runtime on the bed's databases (fast retries), closed after the suite. */
  runtime(overrides?: Record<string, string>): Promise<EtlRuntime>;
  /** A date's target rows as "timestamp|signal|value" lines, in order. */
  targetRows(etl: EtlRuntime, date: string): Promise<string[]>;
}

/** Sets up the bed before the suite's tests (and tears it down after); read its fields in tests. */
export function etlTestBed(): EtlTestBed {
  let source: TestPostgres;
  let targetDb: TestPostgres;
  let opsDb: TestPostgres;
  let connector: ChildProcess;
  const runtimes: EtlRuntime[] = [];
  const bed = {
    async runtime(overrides: Record<string, string> = {}): Promise<EtlRuntime> {
      const config = loadEtlConfig({
        CONNECTOR_API_URL: bed.connectorUrl,
        TARGET_DATABASE_URL: bed.targetUrl,
        OPS_DATABASE_URL: bed.opsUrl,
        ETL_RETRY_ATTEMPTS: '2',
        ETL_RETRY_DELAY_MS: '10',
        ETL_REQUEST_TIMEOUT_MS: '2000',
        ...overrides,
      });
      const opened = await openEtlRuntime(config, logger);
      runtimes.push(opened);
      return opened;
    },
    async targetRows(etl: EtlRuntime, date: string): Promise<string[]> {
      const { rows } = await etl.target.pgPool().query<{ line: string }>(
        `SELECT d."timestamp"::text || '|' || s.name || '|' || coalesce(d.value::text, 'null') AS line
         FROM target.data d JOIN target.signal s ON s.id = d.signal_id
         WHERE d."timestamp" >= $1::date AND d."timestamp" < $1::date + 1 ORDER BY d."timestamp", s.name`,
        [date],
      );
      return rows.map((r) => r.line);
    },
  } as EtlTestBed;

  beforeAll(async () => {
    [source, targetDb, opsDb] = await Promise.all([
      createTestPostgres('etl_source'),
      createTestPostgres('etl_target'),
      createTestPostgres('etl_ops'),
    ]);
    bed.targetUrl = targetDb.url;
    bed.opsUrl = opsDb.url;
    bed.sourceDb = await openDatabase({ role: SOURCE_ROLE, url: source.url, migrations: SOURCE_MIGRATIONS });
    await bed.sourceDb.migrate();
    await upsertReadings(bed.sourceDb.pgPool(), readingsFromWeather(readBaselWeather()));
    const port = await freePort();
    bed.connectorUrl = `http://127.0.0.1:${port}`;
    connector = await startConnector(source.url, port);
  });

  afterAll(async () => {
    connector?.kill('SIGTERM');
    for (const r of runtimes) await r.close();
    await bed.sourceDb?.close();
    await Promise.all([source, targetDb, opsDb].filter(Boolean).map((db) => db.close()));
  });
  return bed;
}
