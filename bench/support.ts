import { sourceNodeArgs } from '@caudal/platform';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';

export const ROOT = join(__dirname, '..');

/** One measured figure beside its floor from the same run. */
export interface Comparison {
  name: string;
  unit: string;
  value: number;
  floor: number;
  /** value / floor */
  ratio: number;
  target: string;
  /** Undefined for a figure given as context (no target of its own). */
  met?: boolean;
  extra?: Record<string, number | string>;
}

export function compare(
  name: string,
  unit: string,
  value: number,
  floor: number,
  minRatio: number,
  extra?: Comparison['extra'],
): Comparison {
  const ratio = value / floor;
  return {
    name,
    unit,
    value,
    floor,
    ratio,
    target: `>= ${minRatio * 100}% of floor`,
    met: ratio >= minRatio,
    extra,
  };
}

/** A duration beside its floor, where lower is better: met when value <= maxRatio x floor. */
export function compareTime(
  name: string,
  valueMs: number,
  floorMs: number,
  maxRatio: number,
  extra?: Comparison['extra'],
): Comparison {
  const ratio = valueMs / floorMs;
  return {
    name,
    unit: 'ms',
    value: valueMs,
    floor: floorMs,
    ratio,
    target: `<= ${maxRatio}x floor`,
    met: ratio <= maxRatio,
    extra,
  };
}

/** A figure beside a floor for context only (a part of a measured whole): no target of its own. */
export function context(
  name: string,
  unit: string,
  value: number,
  floor: number,
  extra?: Comparison['extra'],
): Comparison {
  return { name, unit, value, floor, ratio: value / floor, target: '(context)', extra };
}

export function timeContext(
  name: string,
  valueMs: number,
  floorMs: number,
  extra?: Comparison['extra'],
): Comparison {
  return context(name, 'ms', valueMs, floorMs, extra);
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function printTable(rows: Comparison[]): void {
  const fmt = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(2));
  const lines = [
    ['benchmark', 'value', 'floor', 'ratio', 'target', 'met', 'notes'],
    ...rows.map((r) => [
      r.name,
      `${fmt(r.value)} ${r.unit}`,
      `${fmt(r.floor)} ${r.unit}`,
      r.unit === 'ms' ? `${r.ratio.toFixed(2)}x` : `${(r.ratio * 100).toFixed(1)}%`,
      r.target,
      r.met === undefined ? '-' : r.met ? 'yes' : 'NO',
      Object.entries(r.extra ?? {})
        .map(([k, v]) => `${k}=${typeof v === 'number' ? fmt(v) : v}`)
        .join(' '),
    ]),
  ];
  const widths = lines[0]!.map((_, i) => Math.max(...lines.map((l) => l[i]!.length)));
  for (const line of lines)
    process.stdout.write(line.map((cell, i) => cell.padEnd(widths[i]!)).join('  ') + '\n');
}

/** Starts an app's CLI command as a child process and waits until `healthUrl` answers 200. */
export async function startApp(
  cli: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  healthUrl: string,
): Promise<ChildProcess> {
  const child = spawn(process.execPath, sourceNodeArgs(cli, ...args), {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${cli} exited with ${child.exitCode}`);
    try {
      if ((await fetch(healthUrl)).ok) return child;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  child.kill('SIGKILL');
  throw new Error(`${cli} did not become healthy`);
}

export async function stopApp(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/** Runs `node <args>` to completion, sampling its RSS every 50 ms: wall time, peak RSS and stdout. */
export async function runMeasured(
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ ms: number; peakRssMb: number; output: string }> {
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let peak = 0;
  const sampler = setInterval(() => {
    try {
      peak = Math.max(peak, rssMb(child.pid!));
    } catch {
      // exited
    }
  }, 50);
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const [code] = (await once(child, 'exit')) as [number];
  clearInterval(sampler);
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited with ${code}: ${output}`);
  return { ms: performance.now() - started, peakRssMb: peak, output };
}

/** Resident set size of a process in MB, from /proc. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** `connections` loops running the same query through a pg pool for `seconds`: queries/s and p99 ms. */
export async function pgQueryLoad(
  pool: Pool,
  text: string,
  values: unknown[],
  connections: number,
  seconds: number,
): Promise<{ perSecond: number; p99Ms: number; rowsPerQuery: number }> {
  const latencies: number[] = [];
  let rowsPerQuery = 0;
  const end = performance.now() + seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const result = await pool.query(text, values);
        latencies.push(performance.now() - t);
        rowsPerQuery = result.rowCount ?? 0;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p99Ms: percentile(latencies, 99), rowsPerQuery };
}

/**
 * The same query through pgbench (C client, prepared, 32 clients): what the server alone sustains.
 * Returns undefined when pgbench is not installed.
 */
export function pgbenchTps(
  databaseUrl: string,
  sql: string,
  clients: number,
  seconds: number,
): number | undefined {
  const script = join(tmpdir(), `caudal-bench-${process.pid}.sql`);
  writeFileSync(script, sql.trim().replace(/;?$/, ';\n'));
  const url = new URL(databaseUrl);
  const result = spawnSync(
    'pgbench',
    [
      '-n',
      '-M',
      'prepared',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      '-h',
      url.hostname,
      '-p',
      url.port || '5432',
      '-U',
      decodeURIComponent(url.username) || 'postgres',
      decodeURIComponent(url.pathname.slice(1)),
    ],
    { encoding: 'utf8' },
  );
  if (result.error) return undefined;
  const tps = /tps = ([\d.]+)/.exec(result.stdout)?.[1];
  return tps ? Number(tps) : undefined;
}

export { freePort } from '@caudal/testing';
