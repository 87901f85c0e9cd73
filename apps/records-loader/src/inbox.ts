import { mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** The drop folder and its two siblings, where files go once handled. */
export interface InboxFolders {
  inbox: string;
  processed: string;
  failed: string;
}

export function inboxFolders(inbox: string): InboxFolders {
  const parent = dirname(inbox);
  const folders = { inbox, processed: join(parent, 'processed'), failed: join(parent, 'failed') };
  for (const dir of Object.values(folders)) mkdirSync(dir, { recursive: true });
  return folders;
}

/**
 * CSV files in the inbox that have stopped changing: a file is ready once its size and mtime are the
 * same on two consecutive polls, so a file still being copied in is not read half-written.
 */
export class InboxScanner {
  private readonly seen = new Map<string, string>();

  constructor(private readonly inbox: string) {}

  readyFiles(): string[] {
    const ready: string[] = [];
    const present = new Set<string>();
    for (const name of readdirSync(this.inbox).sort()) {
      if (!name.toLowerCase().endsWith('.csv')) continue;
      const path = join(this.inbox, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat?.isFile()) continue;
      present.add(path);
      const signature = `${stat.size}:${stat.mtimeMs}`;
      if (this.seen.get(path) === signature) ready.push(path);
      this.seen.set(path, signature);
    }
    for (const path of this.seen.keys()) if (!present.has(path)) this.seen.delete(path);
    return ready;
  }

  forget(path: string): void {
    this.seen.delete(path);
  }
}

/** Moves a handled file into `folder`, prefixed with the time so that names never collide. */
export function moveTo(folder: string, path: string, now = new Date()): string {
  const target = join(folder, `${now.toISOString().replace(/[:.]/g, '-')}-${basename(path)}`);
  renameSync(path, target);
  return target;
}
