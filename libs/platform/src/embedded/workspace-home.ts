import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The nearest folder at or above `from` that holds nx.json; `from` itself when there is none. */
export function findWorkspaceRoot(from: string = process.cwd()): string {
  let dir = resolve(from);
  for (;;) {
    if (existsSync(join(dir, 'nx.json'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) return resolve(from);
    dir = parent;
  }
}

/** Where local state lives (embedded database, drop folders): CAUDAL_HOME or <workspace>/.caudal. */
export function caudalHome(env: NodeJS.ProcessEnv = process.env): string {
  return env['CAUDAL_HOME'] ? resolve(env['CAUDAL_HOME']) : join(findWorkspaceRoot(), '.caudal');
}
