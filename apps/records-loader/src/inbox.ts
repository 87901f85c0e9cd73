import { closeSync, mkdirSync, openSync, readdirSync, readSync, renameSync, statSync } from 'node:fs';
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
 * How long a file whose last byte is not a line break must stay unchanged before it is read: it
 * may be a writer that paused mid-row (a file ending with a complete line is read once it has not
 * changed between two polls).
 */
export const INCOMPLETE_LINE_GRACE_MS = 10_000;

/** Whether the file's last byte is a line break (an empty file counts as complete). */
function endsWithLineBreak(path: string, size: number): boolean {
  if (size === 0) return true;
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const last = Buffer.alloc(1);
    return readSync(fd, last, 0, 1, size - 1) === 1 && last[0] === 0x0a;
  } catch {
    return false; // gone or unreadable: not ready; the next poll sees what became of it
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * The file at `path` as the file system knows it: which file (device and inode) and which version of
 * it (size and modification time); undefined if none is there.
 */
export function fileState(path: string): { file: string; version: string } | undefined {
  const stat = statSync(path, { throwIfNoEntry: false });
  return stat ? { file: `${stat.dev}:${stat.ino}`, version: `${stat.size}:${stat.mtimeMs}` } : undefined;
}

const signatureOf = (state: { file: string; version: string }) => `${state.file}:${state.version}`;

/**
 * CSV files in the inbox that have stopped changing: a file is ready once its size and mtime are the
 * same on two consecutive polls, so a file still being copied in is not read half-written; one that
 * does not end with a line break must also have stayed unchanged for `incompleteGraceMs`.
 */
export class InboxScanner {
  private readonly seen = new Map<string, { signature: string; since: number }>();

  constructor(
    private readonly inbox: string,
    private readonly incompleteGraceMs = INCOMPLETE_LINE_GRACE_MS,
  ) {}

  readyFiles(now = Date.now()): string[] {
    const ready: string[] = [];
    const present = new Set<string>();
    for (const name of readdirSync(this.inbox).sort()) {
      if (!name.toLowerCase().endsWith('.csv')) continue;
      const path = join(this.inbox, name);
      const stat = statSync(path, { throwIfNoEntry: false });
      if (!stat?.isFile()) continue;
      present.add(path);
      const signature = signatureOf({
        file: `${stat.dev}:${stat.ino}`,
        version: `${stat.size}:${stat.mtimeMs}`,
      });
      const previous = this.seen.get(path);
      if (previous?.signature !== signature) {
        this.seen.set(path, { signature, since: now });
        continue;
      }
      if (now - previous.since >= this.incompleteGraceMs || endsWithLineBreak(path, stat.size))
        ready.push(path);
    }
    for (const path of this.seen.keys()) if (!present.has(path)) this.seen.delete(path);
    return ready;
  }

  /**
   * Whether the file at `path` is still the one the last scan found ready (same file, same size and
   * time): a pass handles files one after another, and a file may change while the ones before it
   * are read. One that changed is left for the next scan to judge again.
   */
  unchangedSinceScan(path: string): boolean {
    const state = fileState(path);
    return state !== undefined && this.seen.get(path)?.signature === signatureOf(state);
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
