import { findWorkspaceRoot, sourceNodeArgs } from '@caudal/platform';
import { SAMPLE_CONTACTS_CSV } from '@caudal/records';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';

const root = findWorkspaceRoot(__dirname);
const cli = (args: string[], env: NodeJS.ProcessEnv) =>
  spawnSync(process.execPath, sourceNodeArgs('apps/records-loader/src/cli.ts', ...args), {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });

describe('records loader (the file drop)', () => {
  let pg: TestPostgres;
  let dir: string;

  beforeAll(async () => {
    pg = await createTestPostgres('records_loader');
    dir = mkdtempSync(join(tmpdir(), 'caudal-drop-'));
  });

  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await pg?.close();
  });

  const people = async () => {
    const client = new Client({ connectionString: pg.url });
    await client.connect();
    try {
      return Number((await client.query('SELECT count(*) AS n FROM records.people')).rows[0].n);
    } finally {
      await client.end();
    }
  };

  it('ingest FILE loads a file once and exits 1 on a rejected file', async () => {
    const env = { RECORDS_DATABASE_URL: pg.url, LOG_LEVEL: 'warn' };
    const first = cli(['ingest', SAMPLE_CONTACTS_CSV], env);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(
      'Sample.csv loaded: 106 rows read, 100 people inserted, 0 updated, 0 unchanged, 0 rows rejected',
    );
    const again = cli(['ingest', SAMPLE_CONTACTS_CSV], env);
    expect(again.stdout).toContain('the same content was already loaded; nothing changed');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'who,what\n1,2\n');
    const rejected = cli(['ingest', bad], env);
    expect(rejected.status).toBe(1);
    expect(rejected.stderr).toContain('bad.csv rejected: header must be exactly');
    expect(cli(['ingest'], env).status).toBe(2);
    // Options are parsed as in every other CLI: an unknown one is named, not "give exactly one FILE".
    const bogus = cli(['ingest', '--bogus', SAMPLE_CONTACTS_CSV], env);
    expect([bogus.status, bogus.stderr]).toEqual([
      2,
      "records-loader ingest: Unknown option '--bogus'\nusage: records-loader ingest FILE\n",
    ]);
    const two = cli(['ingest', SAMPLE_CONTACTS_CSV, SAMPLE_CONTACTS_CSV], env);
    expect([two.status, two.stderr.split('\n')[0]]).toEqual([
      2,
      `records-loader ingest: Unexpected argument '${SAMPLE_CONTACTS_CSV}'`,
    ]);
    const loud = cli(['ingest', SAMPLE_CONTACTS_CSV], { ...env, LOG_LEVEL: 'loud' });
    expect([loud.status, loud.stderr]).toEqual([
      2,
      'Invalid configuration for records-loader:\n' +
        '  - LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent\n',
    ]);
    expect(cli(['ingest', join(dir, 'missing.csv')], env).status).toBe(2);
    expect(await people()).toBe(100);
  });

  it('ingest takes a relative FILE from the directory npm was run in (INIT_CWD), not the repo root', async () => {
    const env = { RECORDS_DATABASE_URL: pg.url, LOG_LEVEL: 'warn' };
    const header = 'first_name,last_name,company_name,address,city,state,zip,phone1,phone2,email,department';
    mkdirSync(join(dir, 'sub'), { recursive: true });
    writeFileSync(
      join(dir, 'sub', 'relative.csv'),
      `${header}\nRel,Ative,,1 St,Reno,NV,89501,,,rel@ative.com,Sales\n`,
    );
    // As `npm run records-loader -- ingest sub/relative.csv` typed in `dir`: the script runs in the root.
    const loaded = cli(['ingest', 'sub/relative.csv'], { ...env, INIT_CWD: dir });
    expect({ status: loaded.status, stderr: loaded.stderr }).toEqual({ status: 0, stderr: '' });
    expect(loaded.stdout).toContain('relative.csv loaded: 1 rows read, 1 people inserted');
    const missing = cli(['ingest', 'sub/none.csv'], { ...env, INIT_CWD: dir });
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain(
      `no such file: sub/none.csv (looked for ${join(dir, 'sub', 'none.csv')})`,
    );
    expect(await people()).toBe(101);
  });

  it('watch ingests files dropped in the inbox and moves them to processed/ or failed/', async () => {
    const inbox = join(dir, 'drop', 'inbox');
    mkdirSync(inbox, { recursive: true });
    const child = spawn(process.execPath, sourceNodeArgs('apps/records-loader/src/cli.ts', 'watch'), {
      cwd: root,
      env: {
        ...process.env,
        RECORDS_DATABASE_URL: pg.url,
        RECORDS_INBOX: inbox,
        RECORDS_POLL_MS: '200',
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const header =
        'first_name,last_name,company_name,address,city,state,zip,phone1,phone2,email,department';
      writeFileSync(
        join(inbox, 'new.csv'),
        `${header}\nNew,Person,New Co,1 St,Reno,NV,89501,,,new@person.com,Sales\n`,
      );
      writeFileSync(join(inbox, 'broken.csv'), 'nothing,here\n');
      writeFileSync(join(inbox, 'notes.txt'), 'not a csv');
      copyFileSync(SAMPLE_CONTACTS_CSV, join(inbox, 'again.csv'));
      const deadline = Date.now() + 60_000;
      while (readdirSync(inbox).length > 1 && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 200));
      expect(readdirSync(inbox)).toEqual(['notes.txt']);
      const processed = readdirSync(join(dir, 'drop', 'processed')).map((name) => name.replace(/^.*Z-/, ''));
      expect(processed.sort()).toEqual(['again.csv', 'new.csv']);
      expect(readdirSync(join(dir, 'drop', 'failed')).map((name) => name.replace(/^.*Z-/, ''))).toEqual([
        'broken.csv',
      ]);
      expect(await people()).toBe(102);
      expect(output).toContain('new.csv loaded: 1 rows read, 1 people inserted');
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});
