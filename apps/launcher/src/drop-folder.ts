import { newestWorkbook } from '@caudal/relations';
import { copyFile, mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';

/**
 * Puts `workbook` into the relations drop folder (created if need be) when the folder holds no
 * workbook: the relations pipeline loads the newest workbook of that folder, at start, on its
 * schedule and on `relations run`, so the demo has one to load. A folder that already holds one
 * is left as it is. Returns the path copied to, or undefined when nothing was copied.
 */
export async function seedDropFolder(folder: string, workbook: string): Promise<string | undefined> {
  await mkdir(folder, { recursive: true });
  if (await newestWorkbook(folder)) return undefined;
  const target = join(folder, basename(workbook));
  await copyFile(workbook, target);
  return target;
}
