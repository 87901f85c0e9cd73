import { userPath } from '@caudal/platform';
import { SAMPLE_CONTACTS_CSV } from '@caudal/records';
import { join } from 'node:path';

/** One app the launcher runs as a child process. */
export interface ServiceSpec {
  name: string;
  /** The app's command-line entry, relative to the workspace root. */
  cli: string;
  /** Commands run to completion, in order, before the service starts (migrations, demo data). */
  prepare: string[][];
  /** The long-running command. */
  serve: string[];
  /** Commands run to completion once every service is up (e.g. the first backfill). */
  after?: string[][];
  env: Record<string, string>;
  /** Polled until it answers 200; without it, the service counts as up once `readyLine` is logged. */
  healthUrl?: string;
  readyLine?: string;
  /** Lines printed once everything is up. */
  banner: string[];
}

/** The days the demo readings cover (the last one partly: until 23:00). */
export const DEMO_PERIOD = { from: '2024-10-01', to: '2024-10-23' } as const;

/** Tokens of the demo records API (override with RECORDS_ADMIN_TOKENS / RECORDS_READER_TOKENS). */
export const DEMO_TOKENS = {
  admin: 'demo-admin-token-change-me',
  reader: 'demo-reader-token-change-me',
} as const;

/**
 * The records API's tokens: the demo ones only when neither RECORDS_ADMIN_TOKENS nor
 * RECORDS_READER_TOKENS is set; as soon as either is, exactly the tokens given (the other list empty
 * when unset), so a public demo token never opens a database the user has secured.
 */
export function recordsTokens(
  env: NodeJS.ProcessEnv,
): Pick<LauncherSettings, 'adminTokens' | 'readerTokens' | 'demoTokens'> {
  const adminTokens = env['RECORDS_ADMIN_TOKENS']?.trim() ?? '';
  const readerTokens = env['RECORDS_READER_TOKENS']?.trim() ?? '';
  if (adminTokens === '' && readerTokens === '')
    return { adminTokens: DEMO_TOKENS.admin, readerTokens: DEMO_TOKENS.reader, demoTokens: true };
  return { adminTokens, readerTokens, demoTokens: false };
}

/** A launcher setting that cannot be used: `npm start` says which and stops before starting anything. */
export class LauncherSettingError extends Error {
  override name = 'LauncherSettingError';
}

/** The port in `env[name]` (default `fallback`), or a LauncherSettingError naming the variable. */
export function portSetting(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const text = env[name]?.trim() || String(fallback);
  const port = /^[0-9]{1,5}$/.test(text) ? Number(text) : Number.NaN;
  if (!(port >= 1 && port <= 65535))
    throw new LauncherSettingError(`${name} must be a port number from 1 to 65535, got "${env[name]}"`);
  return port;
}

/** A folder setting: relative to the directory npm was run in (see userPath), else `fallback`. */
export function folderSetting(
  env: NodeJS.ProcessEnv,
  name: string,
  fallback: string,
  cwd = process.cwd(),
): string {
  const value = env[name]?.trim();
  return value ? userPath(value, env, cwd) : fallback;
}

export interface LauncherSettings {
  databaseUrl: string;
  connectorPort: number;
  recordsPort: number;
  /** The records loader's drop folder. */
  recordsInbox: string;
  /** Where the relations pipeline takes the newest workbook from. */
  relationsDropDir: string;
  /** The workers' schedules as their apps will read them (for the banner). */
  etlSchedule: Schedule;
  relationsSchedule: Schedule;
  adminTokens: string;
  readerTokens: string;
  /** The demo tokens are in use (the banner may print them; it never prints a token the user set). */
  demoTokens: boolean;
  logLevel: string;
}

/** pino's level numbers. */
const PINO_LEVELS: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/**
 * Whether a child's output line reaches the terminal under `npm start`'s LOG_LEVEL (default warn):
 * a JSON log line when its level is at least that one (none under `silent`), any other line (progress,
 * a crash's stack) always. The workers log at info even under warn, for the launcher's own use of
 * their lines (readiness, a failure's last lines), so this is what keeps the terminal quiet.
 */
export function shownInTerminal(line: string, logLevel: string): boolean {
  const level = /^\{"level":(\d+)/.exec(line)?.[1];
  if (level === undefined) return true;
  const threshold = logLevel === 'silent' ? Infinity : (PINO_LEVELS[logLevel] ?? PINO_LEVELS['warn']!);
  return Number(level) >= threshold;
}

/** The first token of a comma list (the one the banner's curl lines use). */

export function services(settings: LauncherSettings): ServiceSpec[] {
  const api = `http://localhost:${settings.connectorPort}`;
  const records = `http://localhost:${settings.recordsPort}`;
  // Only the public demo tokens are ever printed; with the user's own, the banner shows a placeholder.
  const reader = settings.demoTokens ? DEMO_TOKENS.reader : '<your token>';
  const admin = settings.demoTokens ? DEMO_TOKENS.admin : '<your admin token>';
  return [
    {
      name: 'connector-api',
      cli: join('apps', 'connector-api', 'src', 'cli.ts'),
      prepare: [['seed', '--if-empty']],
      serve: ['serve'],
      env: {
        SOURCE_DATABASE_URL: settings.databaseUrl,
        PORT: String(settings.connectorPort),
        LOG_LEVEL: settings.logLevel,
      },
      healthUrl: `${api}/health`,
      banner: [
        `connector API  ${api}/v1/readings   (OpenAPI docs: ${api}/docs)`,
        `  try: curl '${api}/v1/readings?start=2024-10-01T00:00:00Z&end=2024-10-01T00:10:00Z&variables=wind_speed,power'`,
        `       curl '${api}/v1/readings?start=2024-10-01&end=2024-10-02&format=csv' > readings.csv`,
        `  demo readings: 2024-10-01T00:00Z .. 2024-10-23T23:00Z, 1 per minute`,
      ],
    },
    {
      name: 'etl-worker',
      cli: join('apps', 'etl-worker', 'src', 'cli.ts'),
      prepare: [],
      serve: ['worker'],
      // Aggregates whatever of the demo period has not succeeded yet: everything on the first start,
      // nothing afterwards.
      after: [['backfill', '--from', DEMO_PERIOD.from, '--to', DEMO_PERIOD.to]],
      env: {
        CONNECTOR_API_URL: api,
        TARGET_DATABASE_URL: settings.databaseUrl,
        OPS_DATABASE_URL: settings.databaseUrl,
        LOG_LEVEL: settings.logLevel === 'warn' ? 'info' : settings.logLevel,
      },
      readyLine: 'etl worker serving the queue and the schedule',
      banner: [
        `ETL worker     ${scheduleText(settings.etlSchedule)} for the previous day; 10-minute aggregates in target.data`,
        `  status: npm run etl -- status --from ${DEMO_PERIOD.from} --to ${DEMO_PERIOD.to}`,
        `  rerun:  npm run etl -- run --date ${DEMO_PERIOD.from}`,
      ],
    },
    {
      name: 'records-loader',
      cli: join('apps', 'records-loader', 'src', 'cli.ts'),
      // Sample.csv is loaded once; on later starts its hash is in the ledger and nothing changes.
      prepare: [['ingest', SAMPLE_CONTACTS_CSV]],
      serve: ['watch'],
      env: {
        RECORDS_DATABASE_URL: settings.databaseUrl,
        RECORDS_INBOX: settings.recordsInbox,
        // The loader streams files in bounded memory; the cap keeps V8 from growing its heap lazily.
        NODE_OPTIONS: '--max-old-space-size=128',
        LOG_LEVEL: settings.logLevel === 'warn' ? 'info' : settings.logLevel,
      },
      readyLine: 'records loader watching the inbox',
      banner: [
        `records loader drop contact CSV files into ${settings.recordsInbox}`,
        `  (moved to ../processed or ../failed; rejects in records.rejects)`,
      ],
    },
    {
      name: 'records-api',
      cli: join('apps', 'records-api', 'src', 'cli.ts'),
      prepare: [],
      serve: ['serve'],
      env: {
        RECORDS_DATABASE_URL: settings.databaseUrl,
        PORT: String(settings.recordsPort),
        RECORDS_ADMIN_TOKENS: settings.adminTokens,
        RECORDS_READER_TOKENS: settings.readerTokens,
        LOG_LEVEL: settings.logLevel,
      },
      healthUrl: `${records}/health`,
      banner: [
        `records API    ${records}/v1/contacts   (OpenAPI docs: ${records}/docs)`,
        `  try: curl -H 'Authorization: Bearer ${reader}' '${records}/v1/contacts?state=NJ&limit=5'`,
        `       curl -i -H 'Authorization: Bearer ${reader}' ${records}/v1/contacts/1   (note its ETag)`,
        `       curl -X PATCH -H 'Authorization: Bearer ${admin}' -H 'If-Match: <that ETag>' \\`,
        `         -H 'Content-Type: application/json' -d '{"city":"Trenton"}' ${records}/v1/contacts/1`,
        settings.demoTokens
          ? `  demo tokens: admin ${admin}, reader ${reader} (set RECORDS_ADMIN_TOKENS / RECORDS_READER_TOKENS)`
          : `  tokens: use your own, from RECORDS_ADMIN_TOKENS / RECORDS_READER_TOKENS (the demo tokens are off)`,
      ],
    },
    {
      name: 'relations-loader',
      cli: join('apps', 'relations-loader', 'src', 'cli.ts'),
      // The newest workbook of the drop folder (the seed's, put there on first start: see
      // seedDropFolder); on later starts its hash matches the last load: no change.
      prepare: [['run']],
      serve: ['worker'],
      env: {
        RELATIONS_DATABASE_URL: settings.databaseUrl,
        OPS_DATABASE_URL: settings.databaseUrl,
        RELATIONS_DROP_DIR: settings.relationsDropDir,
        RELATIONS_RUN_ON_START: 'false',
        LOG_LEVEL: settings.logLevel === 'warn' ? 'info' : settings.logLevel,
      },
      readyLine: 'relations worker serving the queue and the schedule',
      banner: [
        `relations      ${scheduleText(settings.relationsSchedule)}: the newest .xlsx in ${settings.relationsDropDir}`,
        `  (loaded at start; the seed's workbook is put there when the folder has none;`,
        `   tables relations.people, relations.relations, relations.relation_changes)`,
        `  now:    npm run relations -- run   (or: run --file <a workbook elsewhere>)`,
        `  status: npm run relations -- status`,
      ],
    },
  ];
}

export interface Schedule {
  cron: string;
  timeZone: string;
}

/** "daily at 00:10 UTC" for a once-a-day cron, else the cron itself with its time zone. */
export function scheduleText({ cron, timeZone }: Schedule): string {
  const daily = /^(\d{1,2}) (\d{1,2}) \* \* \*$/.exec(cron.trim());
  if (!daily) return `on cron "${cron}" in ${timeZone}`;
  return `daily at ${daily[2]!.padStart(2, '0')}:${daily[1]!.padStart(2, '0')} ${timeZone}`;
}
