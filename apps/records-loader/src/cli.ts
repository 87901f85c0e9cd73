import 'reflect-metadata';
import {
  caudalHome,
  createLogger,
  existingUserFile,
  EXIT,
  loadConfig,
  onShutdown,
  openMigratedDatabase,
  parseCommandArgs,
  runCommands,
  stopEmbeddedPostgres,
  userPath,
  type Database,
} from '@caudal/platform';
import {
  ingestContactsFile,
  MERGE_STEPS,
  RECORDS_MIGRATIONS,
  RECORDS_ROLE,
  type IngestionSummary,
  type MergeStep,
} from '@caudal/records';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { RecordsLoaderConfig } from './config';
import { inboxFolders } from './inbox';
import { InboxWatcher } from './watcher';

function openRecords(config: RecordsLoaderConfig): Promise<Database> {
  return openMigratedDatabase({
    role: RECORDS_ROLE,
    url: config.RECORDS_DATABASE_URL,
    migrations: RECORDS_MIGRATIONS,
  });
}

function describe(summary: IngestionSummary): string {
  const counts =
    `${summary.rowsRead} rows read, ${summary.inserted} people inserted, ${summary.updated} updated, ` +
    `${summary.unchanged} unchanged, ${summary.rejected} rows rejected`;
  if (summary.status === 'loaded') return `${summary.file} loaded: ${counts}`;
  if (summary.status === 'duplicate')
    return `${summary.file}: the same content was already loaded; nothing changed`;
  return `${summary.file} ${summary.status}: ${summary.error}`;
}

/** What each step of the merge does, for the progress lines. */
const MERGE_STEP_NAMES: Record<MergeStep, string> = {
  conflicts: 'rows that disagree about one email',
  names: 'companies and departments',
  people: 'people',
  departments: "people's departments",
};

/** Rows between two progress lines of a long file. */
const PROGRESS_EVERY = 100_000;

runCommands('records-loader', {
  ingest: {
    summary: 'Ingest one contacts CSV file now (the file stays where it is)',
    usage: 'records-loader ingest FILE',
    async run(args) {
      const [file] = parseCommandArgs(args, {}, ['FILE']).positionals as [string];
      const path = existingUserFile(file); // relative to where the user ran npm, not the repo root
      const config = loadConfig('records-loader', RecordsLoaderConfig);
      const records = await openRecords(config);
      try {
        // Progress of a long file on stderr (stdout keeps the one-line summary).
        const started = Date.now();
        const summary = await ingestContactsFile(records.pgPool(), path, {
          progressEvery: PROGRESS_EVERY,
          onProgress: (progress) => {
            if (progress.rowsRead < PROGRESS_EVERY) return; // a small file needs no progress
            const seconds = ((Date.now() - started) / 1000).toFixed(1);
            const rows = progress.rowsRead.toLocaleString('en-US');
            process.stderr.write(
              progress.phase === 'staging'
                ? `  ${rows} rows read and staged (${seconds} s)\n`
                : `  merging ${rows} rows into the records tables, step ${MERGE_STEPS.indexOf(progress.step) + 1} of ${MERGE_STEPS.length}: ${MERGE_STEP_NAMES[progress.step]} (${seconds} s)\n`,
            );
          },
        });
        (summary.status === 'loaded' || summary.status === 'duplicate'
          ? process.stdout
          : process.stderr
        ).write(`${describe(summary)}\n`);
        return summary.status === 'loaded' || summary.status === 'duplicate' ? EXIT.ok : EXIT.failed;
      } finally {
        await records.close();
        await stopEmbeddedPostgres();
      }
    },
  },
  watch: {
    summary: 'Watch the inbox (RECORDS_INBOX) and ingest every CSV dropped there',
    async run(args) {
      parseCommandArgs(args, {});
      const config = loadConfig('records-loader', RecordsLoaderConfig);
      const logger = createLogger('records-loader', config.LOG_LEVEL);
      const folders = inboxFolders(
        config.RECORDS_INBOX === undefined
          ? join(caudalHome(), 'records', 'inbox')
          : userPath(config.RECORDS_INBOX),
      );
      const records = await openRecords(config);
      const watcher = new InboxWatcher({
        folders,
        logger,
        pollMs: config.RECORDS_POLL_MS,
        describe,
        ingest: (path) =>
          ingestContactsFile(records.pgPool(), path, {
            progressEvery: PROGRESS_EVERY,
            onProgress: (progress) => {
              if (progress.rowsRead < PROGRESS_EVERY) return; // a small file needs no progress
              logger.info({ file: basename(path), ...progress }, 'ingesting');
            },
          }),
      });
      let running = true;
      const stopped = new AbortController();
      logger.info(
        { inbox: folders.inbox, database: records.describe() },
        'records loader watching the inbox',
      );
      const loop = (async () => {
        while (running) {
          const wait = await watcher.poll();
          // A shutdown ends the wait (a long back-off included); the file in progress is finished first.
          await sleep(wait, undefined, { signal: stopped.signal }).catch(() => undefined);
        }
      })();
      onShutdown(async () => {
        running = false; // the file in progress is finished first
        stopped.abort();
        await loop;
        await records.close();
        await stopEmbeddedPostgres();
      });
      await loop;
    },
  },
  migrate: {
    summary: 'Apply pending migrations of the records database, then exit',
    async run(args) {
      parseCommandArgs(args, {});
      const records = await openRecords(loadConfig('records-loader', RecordsLoaderConfig));
      process.stdout.write(`records database migrated: ${records.describe()}\n`);
      await records.close();
      await stopEmbeddedPostgres();
    },
  },
});
