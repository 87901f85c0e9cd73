import { resolve } from 'node:path';

/**
 * A path the user gave (a FILE argument, RECORDS_INBOX) made absolute. A relative one is taken from
 * the directory the user ran npm in: `npm run records-loader -- ingest FILE` runs its script in the
 * repo root whichever directory it was typed in, and npm names that directory in INIT_CWD. Without
 * INIT_CWD (the CLI run directly by node, or in a container), the working directory.
 */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(env['INIT_CWD'] || cwd, path);
}
