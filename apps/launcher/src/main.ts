import {
  caudalHome,
  ConfigValidationError,
  ensureEmbeddedPostgres,
  findWorkspaceRoot,
  type EmbeddedPostgres,
  loadConfig,
  PlatformConfig,
  sourceNodeArgs,
} from '@caudal/platform';
import { RELATIONS_SAMPLE_XLSX } from '@caudal/relations';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  folderSetting,
  LauncherSettingError,
  portSetting,
  recordsTokens,
  services,
  shownInTerminal,
  type ServiceSpec,
} from './services';
import { seedDropFolder } from './drop-folder';

const root = findWorkspaceRoot();
const children = new Set<ChildProcess>();
let stopping = false;

function say(line: string): void {
  process.stdout.write(`[caudal] ${line}\n`);
}

/** The apps' log level (LOG_LEVEL, default warn): also what the terminal shows of their JSON logs. */
const logLevel = process.env['LOG_LEVEL'] || 'warn';

/** Prints a child's lines with its name; JSON log lines below `logLevel` are kept out of the terminal. */
function prefixed(child: ChildProcess, name: string, seen: string[]): void {
  for (const stream of [child.stdout, child.stderr]) {
    if (!stream) continue;
    createInterface({ input: stream }).on('line', (line) => {
      seen.push(line);
      if (shownInTerminal(line, logLevel)) process.stdout.write(`[${name}] ${line}\n`);
    });
  }
}

function start(spec: ServiceSpec, args: string[], seen: string[] = []): ChildProcess {
  const child = spawn(process.execPath, sourceNodeArgs(spec.cli, ...args), {
    cwd: root,
    env: { ...process.env, ...spec.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  prefixed(child, spec.name, seen);
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

function finished(child: ChildProcess): Promise<number> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1))));
}

async function runToEnd(spec: ServiceSpec, args: string[]): Promise<number> {
  return finished(start(spec, args));
}

async function isReady(spec: ServiceSpec, output: () => string): Promise<boolean> {
  if (spec.readyLine) return output().includes(spec.readyLine);
  if (!spec.healthUrl) return true;
  try {
    return (await fetch(spec.healthUrl)).ok;
  } catch {
    return false; // not listening yet
  }
}

async function waitReady(
  spec: ServiceSpec,
  child: ChildProcess,
  output: () => string,
  timeoutMs = 120_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null)
      throw new Error(`${spec.name} exited with code ${child.exitCode} before it was ready`);
    if (await isReady(spec, output)) return;
    await sleep(250);
  }
  throw new Error(`${spec.name} was not ready within ${timeoutMs / 1000} s`);
}

async function shutdown(embedded: EmbeddedPostgres | undefined, code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('stopping...');
    const exits = [...children].map((child) => finished(child));
    for (const child of children) child.kill('SIGTERM');
    await Promise.race([Promise.all(exits), sleep(15_000)]);
    for (const child of children) child.kill('SIGKILL');
    await embedded?.stop();
    say('stopped');
  }
  process.exit(code);
}

async function main(): Promise<void> {
  let embedded: EmbeddedPostgres | undefined;
  process.once('SIGINT', () => void shutdown(embedded, 0));
  process.once('SIGTERM', () => void shutdown(embedded, 0));
  try {
    // Settings first: a bad one stops `npm start` before anything starts.
    loadConfig('npm start', PlatformConfig, process.env); // LOG_LEVEL, CAUDAL_EMBEDDED_PORT
    const connectorPort = portSetting(process.env, 'CONNECTOR_API_PORT', 3001);
    const recordsPort = portSetting(process.env, 'RECORDS_API_PORT', 3002);
    const recordsInbox = folderSetting(process.env, 'RECORDS_INBOX', join(caudalHome(), 'records', 'inbox'));
    const relationsDropDir = folderSetting(
      process.env,
      'RELATIONS_DROP_DIR',
      join(caudalHome(), 'relations', 'drop'),
    );
    const seeded = await seedDropFolder(relationsDropDir, RELATIONS_SAMPLE_XLSX);
    if (seeded) say(`put the seed's relationship workbook in the relations drop folder: ${seeded}`);
    say('starting the embedded PostgreSQL (PGlite)...');
    embedded = await ensureEmbeddedPostgres();
    say(
      embedded.owned
        ? `embedded PostgreSQL at ${embedded.url} (data in ${embedded.dataDir})`
        : `using the embedded PostgreSQL already running at ${embedded.url}`,
    );
    const specs = services({
      databaseUrl: embedded.url,
      connectorPort,
      recordsPort,
      recordsInbox,
      relationsDropDir,
      etlSchedule: {
        cron: process.env['ETL_SCHEDULE'] || '10 0 * * *',
        timeZone: process.env['ETL_TIME_ZONE'] || 'UTC',
      },
      relationsSchedule: {
        cron: process.env['RELATIONS_SCHEDULE'] || '0 2 * * *',
        timeZone: process.env['RELATIONS_TIME_ZONE'] || 'America/Bogota',
      },
      ...recordsTokens(process.env),
      logLevel,
    });
    for (const spec of specs) {
      for (const args of spec.prepare) {
        const code = await runToEnd(spec, args);
        if (code !== 0) throw new Error(`${spec.name} ${args.join(' ')} exited with code ${code}`);
      }
      const seen: string[] = [];
      const child = start(spec, spec.serve, seen);
      child.once('exit', (code) => {
        if (stopping) return;
        say(`${spec.name} exited unexpectedly (code ${code}); stopping everything`);
        void shutdown(embedded, 1);
      });
      await waitReady(spec, child, () => seen.join('\n'));
    }
    for (const spec of specs) {
      for (const args of spec.after ?? []) {
        say(`${spec.name} ${args.join(' ')}`);
        const code = await runToEnd(spec, args);
        if (code !== 0)
          say(`${spec.name} ${args.join(' ')} exited with code ${code}; the services keep running`);
      }
    }
    say('ready. Press Ctrl-C to stop.');
    for (const spec of specs) for (const line of spec.banner) say(line);
  } catch (error) {
    say(`failed to start: ${(error as Error).message}`);
    const badSetting = error instanceof LauncherSettingError || error instanceof ConfigValidationError;
    await shutdown(embedded, badSetting ? 2 : 1);
  }
}

void main();
