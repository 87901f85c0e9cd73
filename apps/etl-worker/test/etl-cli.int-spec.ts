import { sourceNodeArgs } from '@caudal/platform';
import { freePort } from '@caudal/testing';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { etlTestBed, readingLine, root, scriptedConnector } from './etl-test-bed';

// The etl command line (exit codes, output) and stopping a run (Ctrl-C, a stop during a retry
// wait), on the same kind of databases and live connector as etl.int-spec.ts.
/** The environment without any database URL the suite's own environment may carry. */
function withoutDatabaseUrls(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([name]) => !name.endsWith('_DATABASE_URL')));
}

describe('etl CLI and interrupted runs', () => {
  const bed = etlTestBed();

  it('the CLI answers bad arguments with exit code 2 and a one-line reason', () => {
    const etl = (...args: string[]) =>
      spawnSync(process.execPath, sourceNodeArgs('apps/etl-worker/src/cli.ts', ...args), {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, TARGET_DATABASE_URL: bed.targetUrl, OPS_DATABASE_URL: bed.opsUrl },
      });
    const impossible = etl('run', '--date', '2024-02-30');
    expect(impossible.status).toBe(2);
    expect(impossible.stderr.split('\n')[0]).toBe(
      'etl run: --date must be a real date as YYYY-MM-DD, got "2024-02-30"',
    );
    const reversed = etl('backfill', '--from', '2024-10-05', '--to', '2024-10-01');
    expect(reversed.status).toBe(2);
    expect(reversed.stderr).toContain('--from 2024-10-05 is after --to 2024-10-01');
    expect(etl('backfill', '--from', '2024-10-01', '--to', '2024-10-02', '--redo', 'some').status).toBe(2);
    expect(etl('run').status).toBe(2);
    expect(etl('explode').status).toBe(2);
    const badConfig = spawnSync(process.execPath, sourceNodeArgs('apps/etl-worker/src/cli.ts', 'status'), {
      cwd: root,
      encoding: 'utf8',
      env: { ...process.env, ETL_TIME_ZONE: 'Mars/Olympus', ETL_CONCURRENCY: '0' },
    });
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain('ETL_TIME_ZONE: must be an IANA time zone');
    expect(badConfig.stderr).toContain('ETL_CONCURRENCY: must be an integer between 1 and 32');
  });

  it('a bad LOG_LEVEL or CAUDAL_EMBEDDED_PORT is bad configuration: exit 2 naming the variable, nothing opened', () => {
    const home = mkdtempSync(join(tmpdir(), 'caudal-etl-config-'));
    try {
      // No database URL: the embedded default, which a good configuration would start in `home`.
      const etl = (env: NodeJS.ProcessEnv, ...args: string[]) =>
        spawnSync(process.execPath, sourceNodeArgs('apps/etl-worker/src/cli.ts', ...args), {
          cwd: root,
          encoding: 'utf8',
          env: { ...withoutDatabaseUrls(process.env), CAUDAL_HOME: home, ...env },
        });
      for (const args of [['run', '--date', '2024-10-01'], ['migrate'], ['status']]) {
        const loud = etl({ LOG_LEVEL: 'loud' }, ...args);
        expect([loud.status, loud.stderr]).toEqual([
          2,
          'Invalid configuration for etl-worker:\n' +
            '  - LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent\n',
        ]);
      }
      const port = etl({ CAUDAL_EMBEDDED_PORT: 'abc' }, 'status');
      expect([port.status, port.stderr]).toEqual([
        2,
        'Invalid configuration for etl-worker:\n  - CAUDAL_EMBEDDED_PORT: must be an integer between 0 and 65535\n',
      ]);
      expect(readdirSync(home)).toEqual([]);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it('the CLI exits 0 on success, and status shows the grid with the empty date noted', () => {
    const env = {
      ...process.env,
      TARGET_DATABASE_URL: bed.targetUrl,
      OPS_DATABASE_URL: bed.opsUrl,
      CONNECTOR_API_URL: bed.connectorUrl,
    };
    const cli = (...args: string[]) =>
      spawnSync(process.execPath, sourceNodeArgs('apps/etl-worker/src/cli.ts', ...args), {
        cwd: root,
        encoding: 'utf8',
        env,
      });
    const run = cli('run', '--date', '2024-10-13');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^2024-10-13 succeeded: 1440 readings -> 1152 rows in [\d.]+ s\n$/);
    const empty = cli('run', '--date', '2024-11-16');
    expect(empty.status).toBe(0);
    expect(empty.stdout).toContain('2024-11-16 succeeded: 0 readings -> 0 rows');
    const status = cli('status', '--from', '2024-11-16', '--to', '2024-11-17');
    expect(status.status).toBe(0);
    const lines = status.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(
      /^partition\s+status\s+attempt\s+trigger\s+rows read\s+rows written\s+finished\s+note$/,
    );
    expect(lines[1]).toMatch(
      /^2024-11-16\s+succeeded\s+1\s+cli\s+0\s+0\s+\S+\s+no source readings in this window$/,
    );
    expect(lines[2]).toMatch(/^2024-11-17\s+missing/);
    expect(lines[3]).toBe('2 partitions: 1 succeeded, 1 missing');

    // enqueue: once, recorded as asked for on the command line (no worker runs here).
    expect(cli('enqueue', '--date', '2024-11-18').stdout).toBe('2024-11-18 queued\n');
    expect(cli('enqueue', '--date', '2024-11-18').stdout).toBe('2024-11-18 was already queued\n');
    const queued = cli('status', '--from', '2024-11-18', '--to', '2024-11-18').stdout.split('\n')[1];
    expect(queued).toMatch(/^2024-11-18\s+queued\s+.*\bcli\b/);
  });

  it('the CLI exits 1 when the run fails, naming the cause', async () => {
    const result = spawnSync(
      process.execPath,
      sourceNodeArgs('apps/etl-worker/src/cli.ts', 'run', '--date', '2024-10-07'),
      {
        cwd: root,
        encoding: 'utf8',
        env: {
          ...process.env,
          TARGET_DATABASE_URL: bed.targetUrl,
          OPS_DATABASE_URL: bed.opsUrl,
          CONNECTOR_API_URL: `http://127.0.0.1:${await freePort()}`,
          ETL_RETRY_ATTEMPTS: '1',
          ETL_RETRY_DELAY_MS: '10',
        },
      },
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(
      /2024-10-07 failed after 1 attempt\(s\): connector API unreachable \(ECONNREFUSED\)/,
    );
  });

  it('Ctrl-C during a backfill records the run in progress as interrupted, leaves its date as it was, starts no more, exits 1', async () => {
    // The first date already holds rows (an earlier run): the interrupted re-run must leave them be.
    const etl = await bed.runtime();
    expect(await etl.executor.run(etl.pipeline, '2024-10-20', 'cli')).toMatchObject({ status: 'succeeded' });
    const before = await bed.targetRows(etl, '2024-10-20');
    expect(before).toHaveLength(1152);
    // A connector that sends one reading and then stalls: the run is in progress until interrupted.
    let requests = 0;
    const server = createServer((_, response) => {
      requests++;
      response.writeHead(200, { 'content-type': 'application/x-ndjson' });
      response.write(readingLine('2024-10-20T00:00:00.000Z'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const child = spawn(
      process.execPath,
      sourceNodeArgs(
        'apps/etl-worker/src/cli.ts',
        'backfill',
        '--from',
        '2024-10-20',
        '--to',
        '2024-10-22',
        '--concurrency',
        '1',
        '--redo',
        'all',
      ),
      {
        cwd: root,
        env: {
          ...process.env,
          TARGET_DATABASE_URL: bed.targetUrl,
          OPS_DATABASE_URL: bed.opsUrl,
          CONNECTOR_API_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
          ETL_REQUEST_TIMEOUT_MS: '60000',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 300 && requests === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(requests).toBe(1);
      const nextAttempts = (await etl.ledger.attempts(etl.pipeline.name, '2024-10-21')).length;
      child.kill('SIGINT');
      expect(await exited).toBe(1);
      expect(stdout).toContain(
        'backfill interrupted: 0 succeeded, 1 failed, 0 skipped, 2 not started (interrupted)',
      );
      expect(requests).toBe(1); // not retried, and no further date started
      const attempts = await etl.ledger.attempts(etl.pipeline.name, '2024-10-20');
      expect(attempts.at(-1)).toMatchObject({ status: 'failed' });
      expect(attempts.at(-1)!.error).toMatch(/^interrupted: stopped by SIGINT/);
      expect(await bed.targetRows(etl, '2024-10-20')).toEqual(before); // not replaced, not emptied
      expect(await etl.ledger.attempts(etl.pipeline.name, '2024-10-21')).toHaveLength(nextAttempts);
    } finally {
      child.kill('SIGKILL');
      server.closeAllConnections();
      server.close();
    }
  });

  it('a stop during the wait between connector retries ends the run at once, not after the backoff', async () => {
    const fake = await scriptedConnector([{ status: 503, body: 'maintenance' }]);
    try {
      const etl = await bed.runtime({
        CONNECTOR_API_URL: fake.url,
        ETL_RETRY_ATTEMPTS: '3',
        ETL_RETRY_DELAY_MS: '20000',
      });
      const controller = new AbortController();
      const started = performance.now();
      const running = etl.executor.run(etl.pipeline, '2024-10-06', 'cli', { signal: controller.signal });
      for (let i = 0; i < 100 && fake.requests() === 0; i++) await new Promise((r) => setTimeout(r, 50));
      await new Promise((r) => setTimeout(r, 100)); // now in the backoff wait
      controller.abort(new Error('stopped by SIGTERM'));
      const result = await running;
      expect(performance.now() - started).toBeLessThan(10_000);
      expect(fake.requests()).toBe(1);
      expect(result).toMatchObject({ status: 'failed', attempts: 1, interrupted: true });
      expect(result.error).toMatch(
        /^interrupted: stopped by SIGTERM \(connector API answered 503: maintenance\)$/,
      );
    } finally {
      fake.server.close();
    }
  });
});
