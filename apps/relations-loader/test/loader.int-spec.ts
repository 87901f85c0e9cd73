import { findWorkspaceRoot, sourceNodeArgs } from '@caudal/platform';
import { RELATIONS_SAMPLE_XLSX } from '@caudal/relations';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import ExcelJS from 'exceljs';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { relationsTestUrl, TEST_TARGET, type RelationsTestUrl } from './relations-test-url';

const root = findWorkspaceRoot(__dirname);
const cli = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, sourceNodeArgs('apps/relations-loader/src/cli.ts', ...args), {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, LOG_LEVEL: 'error', ...env },
  });

describe(`relations loader CLI and worker on ${TEST_TARGET}`, () => {
  let relations: RelationsTestUrl;
  let ops: TestPostgres;
  let dir: string;
  let env: NodeJS.ProcessEnv;

  const loads = async () =>
    relations.query<{ id: number; file_name: string; added: number; changed: number; rejected: number }>(
      `SELECT id, file_name, added, changed, rejected FROM ${relations.t('loads')} ORDER BY id`,
    );

  beforeAll(async () => {
    [relations, ops] = await Promise.all([
      relationsTestUrl('relations_cli'),
      createTestPostgres('relations_ops'),
    ]);
    dir = mkdtempSync(join(tmpdir(), 'caudal-relations-cli-'));
    env = {
      RELATIONS_DATABASE_URL: relations.url,
      OPS_DATABASE_URL: ops.url,
      RELATIONS_DROP_DIR: join(dir, 'drop'),
      RELATIONS_RETRY_ATTEMPTS: '1',
    };
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await relations?.close();
    await ops?.close();
  });

  it('run --file loads a workbook once and exits 0; bad arguments exit 2 with one line', () => {
    const first = cli(['run', '--file', RELATIONS_SAMPLE_XLSX], env);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(
      /^relaciones\.xlsx -> load #1: 883 cells read; 883 added, 0 changed, 0 unchanged, 0 cleared, 0 rejected; people: 50 added, 0 updated/,
    );
    const again = cli(['run', '--file', RELATIONS_SAMPLE_XLSX], env);
    expect(again.status).toBe(0);
    expect(again.stdout).toMatch(
      /^relaciones\.xlsx: same file as load #1 \(sha256 ca79d34d3769\.\.\.\): nothing changed/,
    );
    const missing = cli(['run', '--file', join(dir, 'missing.xlsx')], env);
    expect(missing.status).toBe(2);
    expect(missing.stderr.split('\n')[0]).toBe(`relations run: no such file: ${join(dir, 'missing.xlsx')}`);
    // A file given that is not a workbook fails at once: retrying cannot make it one.
    const notZip = join(dir, 'notes.xlsx');
    writeFileSync(notZip, 'id,name\n1,Ana\n');
    const wrongFile = cli(['run', '--file', notZip], { ...env, RELATIONS_RETRY_ATTEMPTS: '3' });
    expect(wrongFile.status).toBe(1);
    expect(wrongFile.stderr).toContain(`${notZip}: not a readable .xlsx workbook`);
    expect(wrongFile.stderr).toContain('failed after 1 attempt(s)');
    expect(cli(['run', '--bogus'], env).status).toBe(2);
    expect(cli(['run', 'extra'], env).status).toBe(2);
    expect(cli(['nothing'], env).status).toBe(2);
    const badConfig = cli(['status'], { ...env, RELATIONS_TIME_ZONE: 'Mars/Olympus' });
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain('RELATIONS_TIME_ZONE: must be an IANA time zone');
  });

  it('a bad LOG_LEVEL or CAUDAL_EMBEDDED_PORT is bad configuration: exit 2 naming the variable', () => {
    for (const args of [['status'], ['migrate'], ['run']]) {
      const loud = cli(args, { ...env, LOG_LEVEL: 'loud' });
      expect([loud.status, loud.stderr]).toEqual([
        2,
        'Invalid configuration for relations-loader:\n' +
          '  - LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent\n',
      ]);
    }
    const port = cli(['status'], { ...env, CAUDAL_EMBEDDED_PORT: 'abc' });
    expect([port.status, port.stderr]).toEqual([
      2,
      'Invalid configuration for relations-loader:\n  - CAUDAL_EMBEDDED_PORT: must be an integer between 0 and 65535\n',
    ]);
  });

  it('run takes the newest workbook of the drop folder, reports rejects, and exits 1 when there is none', async () => {
    const empty = cli(['run'], env);
    expect(empty.status).toBe(1);
    expect(empty.stderr).toContain(
      `relations load failed after 1 attempt(s): no .xlsx workbook in ${join(dir, 'drop')}`,
    );

    mkdirSync(join(dir, 'drop'), { recursive: true });
    const older = join(dir, 'drop', 'relaciones-old.xlsx');
    copyFileSync(RELATIONS_SAMPLE_XLSX, older);
    utimesSync(older, new Date('2026-01-01T00:00:00Z'), new Date('2026-01-01T00:00:00Z'));
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(RELATIONS_SAMPLE_XLSX);
    const matrix = workbook.getWorksheet('Matriz de adyacencia')!;
    matrix.getCell('D3').value = 1;
    matrix.getCell('E3').value = 'sí';
    await workbook.xlsx.writeFile(join(dir, 'drop', 'relaciones-new.xlsx'));

    const run = cli(['run'], env);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(
      'relaciones-new.xlsx -> load #2: 883 cells read; 0 added, 1 changed, 881 unchanged',
    );
    expect(run.stdout).toContain(
      '  rejected "Matriz de adyacencia"!E3 = "sí": relation must be 0, 1 or blank',
    );
    expect((await loads()).map((l) => [l.file_name, Number(l.changed), Number(l.rejected)])).toEqual([
      ['relaciones.xlsx', 0, 0],
      ['relaciones-new.xlsx', 1, 1],
    ]);

    const status = cli(['status'], env);
    expect(status.status).toBe(0);
    expect(status.stdout).toContain('pipeline relations-load: schedule 0 2 * * * (America/Bogota)');
    expect(status.stdout).toMatch(/all\s+succeeded\s+1\s+cli\s+883\s+1\s/);
    expect(status.stdout).toMatch(
      /2\s+\S+\s+relaciones-new\.xlsx\s+[0-9a-f]{12}\s+883\s+0\s+1\s+881\s+0\s+1/,
    );
  });

  it('the worker runs the pipeline on its schedule tick, from the queue', async () => {
    rmSync(join(dir, 'drop'), { recursive: true, force: true });
    mkdirSync(join(dir, 'drop'));
    copyFileSync(RELATIONS_SAMPLE_XLSX, join(dir, 'drop', 'relaciones.xlsx'));
    const child = spawn(process.execPath, sourceNodeArgs('apps/relations-loader/src/cli.ts', 'worker'), {
      cwd: root,
      env: {
        ...process.env,
        ...env,
        RELATIONS_SCHEDULE: '* * * * * *', // every second, so the test need not wait for 02:00
        RELATIONS_RUN_ON_START: 'false',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const deadline = Date.now() + 60_000;
      while ((await loads()).length < 3 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 300));
      expect((await loads()).map((l) => l.file_name)).toEqual([
        'relaciones.xlsx',
        'relaciones-new.xlsx',
        'relaciones.xlsx',
      ]);
      expect(output).toContain('relations worker serving the queue and the schedule');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
    const client = new Client({ connectionString: ops.url });
    await client.connect();
    try {
      const { rows } = await client.query(
        `SELECT trigger, status FROM ops.pipeline_runs WHERE pipeline = 'relations-load' AND trigger = 'schedule'
         AND status = 'succeeded' ORDER BY id LIMIT 1`,
      );
      expect(rows).toEqual([{ trigger: 'schedule', status: 'succeeded' }]);
    } finally {
      await client.end();
    }
  });
});
