import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { copyFile, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { LoadFile } from '../store/relations-store';

/** A file's version: name, size, modification time and SHA-256 of its bytes. */
export async function fileVersion(path: string): Promise<LoadFile> {
  const info = await stat(path);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return { name: basename(path), sha256: hash.digest('hex'), bytes: info.size, modifiedAt: info.mtime };
}

/**
 * A private copy of the file for one load, so the hash recorded and the cells read come from the
 * same bytes even if the data team replaces the file in the drop folder meanwhile. The version is
 * the copy's (SHA-256, size) with the original's name and modification time.
 */
export async function snapshotFile(
  path: string,
): Promise<{ path: string; file: LoadFile; remove(): Promise<void> }> {
  const info = await stat(path);
  const dir = await mkdtemp(join(tmpdir(), 'caudal-relations-load-'));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const copy = join(dir, 'workbook.xlsx');
    await copyFile(path, copy);
    const version = await fileVersion(copy);
    return { path: copy, file: { ...version, name: basename(path), modifiedAt: info.mtime }, remove };
  } catch (error) {
    await remove();
    throw error;
  }
}
