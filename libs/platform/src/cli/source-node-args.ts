import { join } from 'node:path';
import { findWorkspaceRoot } from '../embedded/workspace-home';

/**
 * The `node` arguments that run a workspace TypeScript entry point from source (SWC, with the
 * libraries resolved to their sources), as the npm scripts do: spawn(process.execPath, sourceNodeArgs(...)).
 */
export function sourceNodeArgs(script: string, ...args: string[]): string[] {
  return [
    '--conditions=@caudal/source',
    '-r',
    join(findWorkspaceRoot(__dirname), 'tools/register.js'),
    script,
    ...args,
  ];
}
