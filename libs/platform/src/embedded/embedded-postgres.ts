import { closeSync, mkdirSync, openSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { loadOwnConfig } from '../config/env-config';
import { EmbeddedConfig } from '../config/platform-config';
import { servePglite, type PgliteWireServer } from './pglite-wire-server';
import { caudalHome } from './workspace-home';

/**
 * The embedded default: one PGlite instance (PostgreSQL in WASM) per data directory, owned by one
 * process and served over the Postgres wire protocol (./pglite-wire-server) so every other process
 * uses the same pg driver.
 *
 * Ownership is settled through two files in the home folder:
 *   embedded-postgres.lock  created exclusively ('wx') by the process that is starting the server
 *   embedded-postgres.json  { pid, host, port } of the live owner
 * A process that needs the database connects to the owner named in the state file if it is alive and
 * answers; otherwise it takes the lock and becomes the owner. The data directory is never opened twice.
 */
export interface EmbeddedPostgres {
  url: string;
  /** True when this process runs the PGlite instance (and must stop it before exiting). */
  owned: boolean;
  dataDir: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Folder for the data directory and the state files (default: CAUDAL_HOME or <workspace>/.caudal). */
  home?: string;
  /** Port to serve on when this process becomes the owner; 0 picks a free one (default CAUDAL_EMBEDDED_PORT or 54320). */
  port?: number;
  /** How long to wait for another process that is starting the server (default 120 s). */
  waitMs?: number;
}

interface OwnerState {
  pid: number;
  host: string;
  port: number;
  dataDir: string;
  startedAt: string;
}

const HOST = '127.0.0.1';
const DEFAULT_PORT = 54320;

const instances = new Map<string, Promise<EmbeddedPostgres>>();

function urlFor(port: number): string {
  // The database name is ignored by the embedded server (PGlite has one database): every client gets "postgres".
  return `postgres://postgres@${HOST}:${port}/postgres`;
}

/** Whether a process with this pid exists on this host. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function portAnswers(port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host: HOST, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

function tryCreateLock(lockPath: string): boolean {
  try {
    const fd = openSync(lockPath, 'wx');
    writeFileSync(fd, JSON.stringify({ pid: process.pid }));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

async function startOwner(home: string, statePath: string, preferredPort: number): Promise<EmbeddedPostgres> {
  // Loaded lazily: processes that only connect never pay for the WASM module.
  const { PGlite } = await import('@electric-sql/pglite');
  const dataDir = join(home, 'pgdata');
  const db = await PGlite.create({ dataDir });

  let server: PgliteWireServer;
  try {
    server = await servePglite(db, { host: HOST, port: preferredPort });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE' || preferredPort === 0) throw error;
    server = await servePglite(db, { host: HOST, port: 0 });
  }
  const port = server.port;
  const state: OwnerState = {
    pid: process.pid,
    host: HOST,
    port,
    dataDir,
    startedAt: new Date().toISOString(),
  };
  writeFileSync(statePath, JSON.stringify(state, null, 2));

  const removeState = () => {
    if (readJson<OwnerState>(statePath)?.pid === process.pid) rmSync(statePath, { force: true });
  };
  process.once('exit', removeState);

  let stopped: Promise<void> | undefined;
  return {
    url: urlFor(port),
    owned: true,
    dataDir,
    stop: () => {
      stopped ??= (async () => {
        await server.close();
        await db.close();
        removeState();
        process.removeListener('exit', removeState);
      })();
      return stopped;
    },
  };
}

async function locateOrStart(home: string, port: number, waitMs: number): Promise<EmbeddedPostgres> {
  mkdirSync(home, { recursive: true });
  const statePath = join(home, 'embedded-postgres.json');
  const lockPath = join(home, 'embedded-postgres.lock');
  const deadline = Date.now() + waitMs;

  for (;;) {
    const state = readJson<OwnerState>(statePath);
    if (state && state.pid !== process.pid && processAlive(state.pid) && (await portAnswers(state.port))) {
      return { url: urlFor(state.port), owned: false, dataDir: state.dataDir, stop: async () => undefined };
    }
    if (tryCreateLock(lockPath)) {
      try {
        return await startOwner(home, statePath, port);
      } finally {
        unlinkSync(lockPath);
      }
    }
    const holder = readJson<{ pid: number }>(lockPath);
    if (holder && !processAlive(holder.pid)) {
      rmSync(lockPath, { force: true }); // left by a process that died while starting
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `timed out waiting for the embedded PostgreSQL being started by pid ${holder?.pid ?? '?'}`,
      );
    }
    await sleep(200);
  }
}

/**
 * CAUDAL_EMBEDDED_PORT, else 54320; a value that is not a port is a ConfigValidationError naming the
 * variable (bad configuration: exit 2), not a socket error once the server starts.
 */
export function embeddedPort(env: NodeJS.ProcessEnv = process.env): number {
  return loadOwnConfig('the embedded PostgreSQL', EmbeddedConfig, env).CAUDAL_EMBEDDED_PORT ?? DEFAULT_PORT;
}

/**
 * Returns the embedded PostgreSQL for this home folder: the running one if another process serves
 * it, else one started in this process. Repeated calls in one process share the same instance.
 */
export function ensureEmbeddedPostgres(options: EmbeddedOptions = {}): Promise<EmbeddedPostgres> {
  const home = options.home ?? caudalHome();
  let port: number;
  try {
    port = options.port ?? embeddedPort();
  } catch (error) {
    return Promise.reject(error as Error);
  }
  let instance = instances.get(home);
  if (!instance) {
    instance = locateOrStart(home, port, options.waitMs ?? 120_000);
    instances.set(home, instance);
    instance.catch(() => instances.delete(home));
  }
  return instance;
}

/** Stops the embedded PostgreSQL if this process owns it; a no-op otherwise. */
export async function stopEmbeddedPostgres(home: string = caudalHome()): Promise<void> {
  const instance = instances.get(home);
  if (!instance) return;
  instances.delete(home);
  await (await instance).stop();
}
