import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { LoadFile } from '../store/relations-store';

/** A file's version: name, size, modification time and SHA-256 of its bytes. */
export async function fileVersion(path: string): Promise<LoadFile> {
  const info = await stat(path);
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 }))
    hash.update(chunk as Buffer);
  return { name: basename(path), sha256: hash.digest('hex'), bytes: info.size, modifiedAt: info.mtime };
}
