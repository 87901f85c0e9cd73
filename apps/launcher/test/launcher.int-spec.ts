import { findWorkspaceRoot, sourceNodeArgs } from '@caudal/platform';
import { freePort } from '@caudal/testing';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

// The embedded default end to end: `npm start` as a newcomer runs it, with no database server.
jest.setTimeout(180_000);

const root = findWorkspaceRoot(__dirname);

interface Run {
  child: ChildProcess;
  output: () => string;
  waitFor: (text: string, timeoutMs?: number) => Promise<void>;
  exit: Promise<number | null>;
}

function run(args: string[], env: NodeJS.ProcessEnv): Run {
  const child = spawn(process.execPath, sourceNodeArgs(args[0]!, ...args.slice(1)), {
    cwd: root,
    env: { PATH: process.env['PATH'], HOME: process.env['HOME'], ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const waitFor = async (wanted: string, timeoutMs = 120_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!text.includes(wanted)) {
      if (child.exitCode !== null) throw new Error(`exited (${child.exitCode}) before "${wanted}":\n${text}`);
      if (Date.now() > deadline) throw new Error(`no "${wanted}" within ${timeoutMs} ms:\n${text}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };
  return { child, output: () => text, waitFor, exit };
}

describe('npm start on the embedded default (connector API, ETL worker, records loader and API, relations)', () => {
  let home: string;
  let env: NodeJS.ProcessEnv;
  let api: string;
  let records: string;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'caudal-launcher-'));
    const port = await freePort();
    const recordsPort = await freePort();
    api = `http://127.0.0.1:${port}`;
    records = `http://127.0.0.1:${recordsPort}`;
    env = {
      CAUDAL_HOME: home,
      CAUDAL_EMBEDDED_PORT: '0',
      CONNECTOR_API_PORT: String(port),
      RECORDS_API_PORT: String(recordsPort),
    };
  });

  afterAll(() => rmSync(home, { recursive: true, force: true }));

  it('migrates, seeds, serves readings, shares its database, stops cleanly, and reuses the data', async () => {
    const first = run(['apps/launcher/src/main.ts'], env);
    await first.waitFor('ready.');
    expect(first.output()).toContain(
      'seeded 33061 readings 2024-10-01T00:00:00.000Z .. 2024-10-23T23:00:00.000Z',
    );
    expect(first.output()).toContain(`${api.replace('127.0.0.1', 'localhost')}/docs`);
    // The ETL worker runs, and the demo period is aggregated on the first start.
    expect(first.output()).toContain('backfill done: 23 succeeded, 0 failed, 0 skipped');
    const status = run(
      ['apps/etl-worker/src/cli.ts', 'status', '--from', '2024-10-01', '--to', '2024-10-24'],
      env,
    );
    expect(await status.exit).toBe(0);
    expect(status.output()).toContain('24 partitions: 23 succeeded, 1 missing');

    const response = await fetch(
      `${api}/v1/readings?start=2024-10-01T00:00:00Z&end=2024-10-01T00:10:00Z&variables=wind_speed,power`,
    );
    expect(response.status).toBe(200);
    const page = (await response.json()) as { items: Record<string, unknown>[] };
    expect(page.items).toHaveLength(10);
    expect(Object.keys(page.items[0]!)).toEqual(['timestamp', 'wind_speed', 'power']);

    // Records: Sample.csv loaded, the API answers the banner's curl with the demo reader token.
    expect(first.output()).toContain('Sample.csv loaded: 106 rows read, 100 people inserted');
    const curl = /curl -H 'Authorization: Bearer ([^']+)' '([^']+)'/.exec(first.output())!;
    expect(curl[2]).toBe(`${records.replace('127.0.0.1', 'localhost')}/v1/contacts?state=NJ&limit=5`);
    const contacts = await fetch(curl[2]!.replace('localhost', '127.0.0.1'), {
      headers: { authorization: `Bearer ${curl[1]}` },
    });
    expect(contacts.status).toBe(200);
    const nj = (await contacts.json()) as { items: { state: string }[]; total: number };
    expect(nj.total).toBe(8);
    expect(nj.items.every((c) => c.state === 'NJ')).toBe(true);
    expect((await fetch(`${records}/v1/contacts`)).status).toBe(401);

    // Relations: the seed's workbook loaded into the embedded database; the worker serves the schedule.
    expect(first.output()).toContain('relaciones.xlsx -> load #1: 883 cells read; 883 added');
    const dropped = join(home, 'relations', 'drop', 'relaciones.xlsx');
    expect(first.output()).toContain(
      `put the seed's relationship workbook in the relations drop folder: ${dropped}`,
    );
    // What the schedule runs: the newest workbook of the drop folder (the same file: nothing to do).
    const load = run(['apps/relations-loader/src/cli.ts', 'run'], env);
    expect(await load.exit).toBe(0);
    expect(load.output()).toContain('relaciones.xlsx: same file as load #1');

    // A command run alone with no URL finds the running server instead of opening the data twice.
    const state = JSON.parse(readFileSync(join(home, 'embedded-postgres.json'), 'utf8')) as { pid: number };
    expect(state.pid).toBe(first.child.pid);
    const seed = run(['apps/connector-api/src/cli.ts', 'seed'], env);
    expect(await seed.exit).toBe(0);
    expect(seed.output()).toContain('0 inserted, 0 updated, 33061 unchanged');

    first.child.kill('SIGINT');
    expect(await first.exit).toBe(0);
    expect(first.output()).toContain('[caudal] stopped');
    expect(existsSync(join(home, 'embedded-postgres.json'))).toBe(false);

    const second = run(['apps/launcher/src/main.ts'], env);
    await second.waitFor('ready.');
    expect(second.output()).toContain('already holds readings; nothing to do');
    expect(second.output()).toContain('0 of 23 dates to run');
    expect(second.output()).toContain('Sample.csv: the same content was already loaded; nothing changed');
    expect(second.output()).toContain('relaciones.xlsx: same file as load #1');
    expect(second.output()).not.toContain("put the seed's relationship workbook");
    const again = await fetch(`${api}/v1/variables`);
    expect(((await again.json()) as { variables: { last: string }[] }).variables[0]!.last).toBe(
      '2024-10-23T23:00:00.000Z',
    );
    second.child.kill('SIGTERM');
    expect(await second.exit).toBe(0);
  });
});

describe('npm start with a bad platform setting', () => {
  it.each([
    ['LOG_LEVEL', 'loud', 'LOG_LEVEL: must be one of'],
    ['CAUDAL_EMBEDDED_PORT', 'abc', 'CAUDAL_EMBEDDED_PORT:'],
  ])('%s=%s: exit 2 naming it, before anything is created', async (name, value, message) => {
    const home = join(tmpdir(), `caudal-launcher-bad-${process.pid}-${name}`);
    const started = run(['apps/launcher/src/main.ts'], { CAUDAL_HOME: home, [name]: value });
    expect(await started.exit).toBe(2);
    expect(started.output()).toContain('Invalid configuration for npm start:');
    expect(started.output()).toContain(message);
    expect(existsSync(home)).toBe(false);
  });
});
