import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** A workbook in the drop folder: .xlsx, not hidden, not an Excel lock file (~$name.xlsx). */
export function isWorkbookName(name: string): boolean {
  return /\.xlsx$/i.test(name) && !name.startsWith('.') && !name.startsWith('~$');
}

/** The newest workbook in a drop folder (latest modification time; name breaks ties), or undefined. */
export async function newestWorkbook(dropDir: string): Promise<string | undefined> {
  let names: string[];
  try {
    names = await readdir(dropDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let newest: { path: string; mtimeMs: number; name: string } | undefined;
  for (const name of names.filter(isWorkbookName)) {
    const path = join(dropDir, name);
    const info = await stat(path);
    if (!info.isFile()) continue;
    if (!newest || info.mtimeMs > newest.mtimeMs || (info.mtimeMs === newest.mtimeMs && name > newest.name)) {
      newest = { path, mtimeMs: info.mtimeMs, name };
    }
  }
  return newest?.path;
}
