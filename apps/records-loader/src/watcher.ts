import type { Logger } from '@caudal/platform';
import { FileChangedError, isConnectionError, type IngestionSummary } from '@caudal/records';
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { fileState, InboxScanner, moveTo, type InboxFolders } from './inbox';

/** The longest wait between two attempts while the database cannot be reached. */
export const MAX_BACKOFF_MS = 60_000;

export interface InboxWatcherOptions {
  folders: InboxFolders;
  /** Ingests one file (ingestContactsFile on the records pool). */
  ingest: (path: string) => Promise<IngestionSummary>;
  logger: Logger;
  pollMs: number;
  describe: (summary: IngestionSummary) => string;
  /** See INCOMPLETE_LINE_GRACE_MS (tests pass a short one). */
  incompleteGraceMs?: number;
}

function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * One pass over the inbox at a time (see poll()). No error stops the watcher:
 * - the database cannot be reached (connect, the duplicate check, recording the outcome): the file
 *   stays in the inbox and the watcher waits, doubling the wait up to MAX_BACKOFF_MS, then tries again;
 * - a file removed while it was being read is forgotten;
 * - a file that changed while it was read (FileChangedError: nothing was loaded or recorded) stays in
 *   the inbox, and is read again once it has stopped changing;
 * - a file replaced in the inbox while it was read (another file now has its name), or written to
 *   after it was read, is not moved: the file moved out is always the one that was read, as read;
 *   the other is read on a later pass (reading a file again changes nothing it already loaded);
 * - a file that changed after the scan found it ready, while earlier files were read, is left for
 *   the next scan;
 * - any other error is about the file: it goes to failed/ (an error already recorded in
 *   records.ingestions when the database could record it);
 * - a file that cannot be moved out of the inbox is logged once and left alone until it changes
 *   name or disappears, rather than being ingested again on every poll.
 */
export class InboxWatcher {
  private readonly scanner: InboxScanner;
  /** Files that could not be moved out of the inbox: left alone while they are there. */
  private readonly stuck = new Set<string>();
  private backoffMs = 0;

  constructor(private readonly options: InboxWatcherOptions) {
    this.scanner = new InboxScanner(options.folders.inbox, options.incompleteGraceMs);
  }

  /** Handles every ready file, then answers how long to wait before the next pass (ms). */
  async poll(): Promise<number> {
    const { logger } = this.options;
    let ready: string[];
    try {
      ready = this.scanner.readyFiles();
    } catch (error) {
      logger.error({ err: error, inbox: this.options.folders.inbox }, 'cannot read the inbox');
      return this.options.pollMs;
    }
    for (const path of [...this.stuck]) if (!existsSync(path)) this.stuck.delete(path);
    for (const path of ready) {
      if (this.stuck.has(path)) continue;
      if (!this.scanner.unchangedSinceScan(path)) continue; // changed while earlier files were read
      const outcome = await this.handle(path);
      if (outcome === 'unreachable') {
        this.backoffMs = Math.min(MAX_BACKOFF_MS, Math.max(this.options.pollMs, this.backoffMs * 2));
        logger.warn(
          { file: basename(path), retryInMs: this.backoffMs },
          'the records database cannot be reached; the file stays in the inbox and is tried again later',
        );
        return this.backoffMs;
      }
    }
    this.backoffMs = 0;
    return this.options.pollMs;
  }

  private async handle(path: string): Promise<'done' | 'unreachable'> {
    const { folders, logger, describe } = this.options;
    const file = basename(path);
    let summary: IngestionSummary | undefined;
    let failure: unknown;
    const before = fileState(path);
    try {
      summary = await this.options.ingest(path);
    } catch (error) {
      if (error instanceof FileChangedError) {
        this.scanner.forget(path);
        logger.warn({ file }, error.message);
        return 'done';
      }
      if (isConnectionError(error)) {
        logger.debug({ file, err: error }, 'database unreachable');
        return 'unreachable';
      }
      if (errorCode(error) === 'ENOENT' && !existsSync(path)) {
        this.scanner.forget(path);
        logger.warn({ file }, `${file} was removed from the inbox before it was read; skipped`);
        return 'done';
      }
      failure = error;
    }
    const ok = summary !== undefined && (summary.status === 'loaded' || summary.status === 'duplicate');
    // What is moved out must be what was read: not a file that took its name, nor one written to since.
    const after = fileState(path);
    if (after !== undefined && (after.file !== before?.file || after.version !== before.version)) {
      this.scanner.forget(path);
      if (summary) logger[ok ? 'info' : 'warn'](summary, describe(summary));
      else
        logger.error(
          { file, err: failure },
          `${file} failed: ${(failure as Error)?.message ?? String(failure)}`,
        );
      logger.warn(
        { file },
        after.file !== before?.file
          ? `${file} was replaced in the inbox while it was read; the new file is read on a later pass`
          : `${file} was written to after it was read; it stays in the inbox and is read again`,
      );
      return 'done';
    }
    let moved: string;
    try {
      moved = moveTo(ok ? folders.processed : folders.failed, path);
    } catch (error) {
      if (errorCode(error) === 'ENOENT' && !existsSync(path)) {
        this.scanner.forget(path);
        logger.warn({ file }, `${file} was removed from the inbox meanwhile; nothing to move`);
      } else {
        this.stuck.add(path);
        logger.error(
          { file, err: error },
          `${file} cannot be moved out of the inbox; it is left there and not read again until it is moved or renamed`,
        );
      }
      if (summary) logger[ok ? 'info' : 'warn'](summary, describe(summary));
      return 'done';
    }
    this.scanner.forget(path);
    if (summary) logger[ok ? 'info' : 'warn']({ ...summary, movedTo: moved }, describe(summary));
    else
      logger.error(
        { file, err: failure, movedTo: moved },
        `${file} failed: ${(failure as Error)?.message ?? String(failure)}`,
      );
    return 'done';
  }
}
