import {
  DEFAULT_RETRY,
  NonRetryableError,
  type PipelineDefinition,
  type RetryPolicy,
  type RunOutcome,
} from '@caudal/pipelines';
import { newestWorkbook } from '../load/drop-dir';
import { loadWorkbook, type LoadOptions, type LoadSummary } from '../load/load-workbook';
import type { RelationsStore } from '../store/relations-store';
import { WorkbookLayoutError } from '../workbook/matrix-sheet';
import { SheetFormatError } from '../xlsx/sheet-xml-scanner';
import { ZipFormatError } from '../xlsx/zip-archive';

export const RELATIONS_PIPELINE = 'relations-load';

/** Where a run takes its workbook: one given file, or the newest .xlsx of a drop folder. */
export type WorkbookSource = { file: string } | { dropDir: string };

export interface RelationsPipelineOptions {
  store: RelationsStore;
  source: WorkbookSource;
  /** Cron of the daily run, in `timeZone`. */
  cron: string;
  timeZone: string;
  retry?: RetryPolicy;
  load?: Pick<LoadOptions, 'batchCells' | 'maxStoredRejects'>;
}

/** How many rejects the run ledger's metadata lists (load_rejects holds the first 10,000; loads.rejected counts all). */
const LEDGER_REJECTS = 20;

/** The ledger's view of a load: file version, counts, rejects (first ones), notes. */
export function loadOutcome(summary: LoadSummary, path: string): RunOutcome {
  const file = {
    file: summary.file.name,
    path,
    sha256: summary.file.sha256,
    bytes: summary.file.bytes,
    modified_at: summary.file.modifiedAt.toISOString(),
  };
  if (summary.status === 'unchanged') {
    return {
      rowsRead: 0,
      rowsWritten: 0,
      metadata: {
        ...file,
        outcome: 'unchanged',
        same_as_load: summary.sameAsLoad,
        note: `same file as load #${summary.sameAsLoad}: nothing changed`,
      },
    };
  }
  const { counts } = summary;
  const written = counts.added + counts.changed + counts.cleared;
  return {
    rowsRead: counts.cellsRead,
    rowsWritten: written,
    metadata: {
      ...file,
      outcome: 'loaded',
      load_id: summary.loadId,
      cells_read: counts.cellsRead,
      added: counts.added,
      changed: counts.changed,
      unchanged: counts.unchanged,
      cleared: counts.cleared,
      rejected: counts.rejected,
      people_added: counts.peopleAdded,
      people_updated: counts.peopleUpdated,
      skipped_cells: summary.skippedCells,
      label_disagreements: summary.labelDisagreements,
      rejects: summary.rejects.slice(0, LEDGER_REJECTS),
      ...(summary.notes.length > 0 ? { notes: summary.notes } : {}),
      note:
        `load #${summary.loadId}: ${counts.added} added, ${counts.changed} changed, ${counts.unchanged} unchanged, ` +
        `${counts.cleared} cleared, ${counts.rejected} rejected`,
    },
  };
}

/**
 * The relations pipeline: unpartitioned ('none': a run loads the newest file, whatever its date;
 * the file's hash is its version), scheduled daily by cron in a time zone. A missing or malformed
 * workbook fails at once, as does an unreadable ZIP given as the file; in the drop folder an unreadable
 * ZIP (a file still being copied) is retried, as is a busy database.
 */
export function relationsPipeline(options: RelationsPipelineOptions): PipelineDefinition {
  const { store, source } = options;
  return {
    name: RELATIONS_PIPELINE,
    partitioning: 'none',
    timeZone: options.timeZone,
    schedule: { cron: options.cron, timeZone: options.timeZone },
    retry: options.retry ?? DEFAULT_RETRY,
    async run(_partition, context) {
      const path = 'file' in source ? source.file : await newestWorkbook(source.dropDir);
      if (!path)
        throw new NonRetryableError(`no .xlsx workbook in ${'dropDir' in source ? source.dropDir : ''}`);
      context.logger.info({ path }, 'loading workbook');
      try {
        const summary = await loadWorkbook(store, path, {
          ...options.load,
          signal: context.signal,
          onProgress: (rows) => context.progress(rows),
        });
        const outcome = loadOutcome(summary, path);
        const metadata = outcome.metadata ?? {};
        context.logger.info({ ...metadata, rejects: undefined }, String(metadata['note']));
        return outcome;
      } catch (error) {
        if (error instanceof WorkbookLayoutError || error instanceof SheetFormatError) {
          throw new NonRetryableError(`${path}: ${error.message}`);
        }
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
          throw new NonRetryableError(`no such file: ${path}`);
        }
        // In the drop folder, a file that is not a readable ZIP yet may still be being copied: tried
        // again. A file named by the caller is as it will stay.
        if (error instanceof ZipFormatError && 'file' in source) {
          throw new NonRetryableError(`${path}: not a readable .xlsx workbook (${error.message})`);
        }
        throw error;
      }
    },
  };
}
