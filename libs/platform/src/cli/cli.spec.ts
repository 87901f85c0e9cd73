import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '../config/env-config';
import { runCommandLine, UsageError, type Command, type CommandLineIo } from './cli';
import { sourceNodeArgs } from './source-node-args';

function capture(env: NodeJS.ProcessEnv = {}): CommandLineIo & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return {
    stdout: { write: (text: string) => (out += text) },
    stderr: { write: (text: string) => (err += text) },
    env,
    out: () => out,
    err: () => err,
  };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
const ran: string[][] = [];

const commands: Record<string, Command> = {
  serve: {
    summary: 'Serve the API',
    async run(args) {
      ran.push(args);
    },
  },
  ingest: {
    summary: 'Ingest one file now',
    usage: 'demo ingest FILE',
    async run(args) {
      ran.push(args);
      if (args.length !== 1) throw new UsageError('give exactly one FILE');
      return 3;
    },
  },
  status: {
    summary: 'Show the status',
    async run() {
      throw refused;
    },
  },
  configure: {
    summary: 'Read the configuration',
    async run() {
      throw new ConfigValidationError('demo', ['PORT: must be an integer between 0 and 65535']);
    },
  },
};

beforeEach(() => (ran.length = 0));

describe('runCommandLine: <program> <command> --help', () => {
  it("prints the command's usage and summary to stdout and exits 0 without running it", async () => {
    for (const flag of ['--help', '-h']) {
      const io = capture();
      expect(await runCommandLine('demo', commands, ['ingest', flag], io)).toEqual({
        code: 0,
        exitNow: true,
      });
      expect(io.out()).toBe('Usage: demo ingest FILE\n\nIngest one file now\n');
      expect(io.err()).toBe('');
    }
    const io = capture();
    expect(await runCommandLine('demo', commands, ['serve', '--port', '1', '--help'], io)).toEqual({
      code: 0,
      exitNow: true,
    });
    expect(io.out()).toBe('Usage: demo serve\n\nServe the API\n');
    expect(ran).toEqual([]);
  });

  it('passes a --help after the -- terminator to the command', async () => {
    const io = capture();
    await runCommandLine('demo', commands, ['ingest', '--', '--help'], io);
    expect(ran).toEqual([['--', '--help']]);
  });

  it('keeps the program help: every command, and how to get one command’s', async () => {
    const io = capture();
    expect(await runCommandLine('demo', commands, ['--help'], io)).toEqual({ code: 0, exitNow: true });
    expect(io.out()).toContain('Commands:\n  serve      Serve the API\n  ingest     Ingest one file now\n');
    expect(io.out()).toContain('"demo <command> --help"');
    expect((await runCommandLine('demo', commands, [], capture())).code).toBe(2);
  });
});

describe('runCommandLine: outcomes', () => {
  it("answers the command's own code once it finished, without exiting at once", async () => {
    expect(await runCommandLine('demo', commands, ['ingest', 'a.csv'], capture())).toEqual({
      code: 3,
      exitNow: false,
    });
    expect(await runCommandLine('demo', commands, ['serve'], capture())).toEqual({
      code: undefined,
      exitNow: false,
    });
  });

  it('answers a bad command line or configuration with exit code 2', async () => {
    const usage = capture();
    expect(await runCommandLine('demo', commands, ['ingest'], usage)).toEqual({ code: 2, exitNow: true });
    expect(usage.err()).toBe('demo ingest: give exactly one FILE\nusage: demo ingest FILE\n');
    const config = capture();
    expect(await runCommandLine('demo', commands, ['configure'], config)).toEqual({ code: 2, exitNow: true });
    expect(config.err()).toBe(
      'Invalid configuration for demo:\n  - PORT: must be an integer between 0 and 65535\n',
    );
    for (const name of ['explode', 'constructor']) {
      const unknown = capture();
      expect(await runCommandLine('demo', commands, [name], unknown)).toEqual({ code: 2, exitNow: true });
      expect(unknown.err()).toBe(
        `demo: unknown command "${name}" (commands: serve, ingest, status, configure)\n`,
      );
    }
  });

  it('says a failure in one line without the stack, exit code 1', async () => {
    const io = capture({ LOG_LEVEL: 'info' });
    expect(await runCommandLine('demo', commands, ['status'], io)).toEqual({ code: 1, exitNow: true });
    expect(io.err()).toBe(
      'demo status failed: connect ECONNREFUSED 127.0.0.1:1 (LOG_LEVEL=debug shows the stack)\n',
    );
  });

  it('adds the stack when LOG_LEVEL is debug', async () => {
    const io = capture({ LOG_LEVEL: 'debug' });
    await runCommandLine('demo', commands, ['status'], io);
    const [line, ...rest] = io.err().split('\n');
    expect(line).toBe('demo status failed: connect ECONNREFUSED 127.0.0.1:1');
    expect(rest.join('\n')).toMatch(/\n\s+at /);
  });
});

describe('runCommands in a process', () => {
  const dir = mkdtempSync(join(tmpdir(), 'caudal-cli-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'demo-cli.ts');
  writeFileSync(
    script,
    `import { runCommands, UsageError } from ${JSON.stringify(join(__dirname, 'cli'))};
runCommands('demo', {
  migrate: {
    summary: 'Apply pending migrations',
    async run() {
      throw Object.assign(new Error('database "review_x" does not exist'), { code: '3D000' });
    },
  },
  ingest: {
    summary: 'Ingest one file now',
    usage: 'demo ingest FILE',
    async run(args) {
      if (args.length !== 1) throw new UsageError('give exactly one FILE');
    },
  },
});
`,
  );
  const demo = (...args: string[]) =>
    spawnSync(process.execPath, sourceNodeArgs(script, ...args), {
      encoding: 'utf8',
      env: { ...process.env, LOG_LEVEL: 'info' },
    });

  it('exits 1 with one line naming what failed and why', () => {
    const result = demo('migrate');
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
      status: 1,
      stderr:
        'demo migrate failed: database "review_x" does not exist (code 3D000) (LOG_LEVEL=debug shows the stack)\n',
      stdout: '',
    });
  });

  it("exits 0 with the command's help before the command checks its arguments", () => {
    const result = demo('ingest', '--help');
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({
      status: 0,
      stderr: '',
      stdout: 'Usage: demo ingest FILE\n\nIngest one file now\n',
    });
  });
});
