import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from './usage-error';

/**
 * A path the user gave (a FILE argument, RECORDS_INBOX, RELATIONS_DROP_DIR) made absolute. A relative one is taken from
 * the directory the user ran npm in: `npm run records-loader -- ingest FILE` (like every npm script) runs in the
 * repo root whichever directory it was typed in, and npm names that directory in INIT_CWD. Without
 * INIT_CWD (the CLI run directly by node, or in a container), the working directory.
 */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return resolve(env['INIT_CWD'] || cwd, path);
}

/**
 * The file a user named on the command line (see userPath), which must exist and be a file; else a
 * UsageError (exit 2) saying which, with the path looked at when it differs from the one given.
 */
export function existingUserFile(
  given: string,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string {
  const path = userPath(given, env, cwd);
  const where = path === given ? '' : ` (looked for ${path})`;
  const stats = statSync(path, { throwIfNoEntry: false });
  if (!stats) throw new UsageError(`no such file: ${given}${where}`);
  if (stats.isDirectory()) throw new UsageError(`${given} is a directory, not a file${where}`);
  if (!stats.isFile()) throw new UsageError(`not a regular file: ${given}${where}`);
  return path;
}
