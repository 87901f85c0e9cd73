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

export interface LauncherSettings {
  databaseUrl: string;
  connectorPort: number;
  logLevel: string;
}

export function services(settings: LauncherSettings): ServiceSpec[] {
  const api = `http://localhost:${settings.connectorPort}`;
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
        `ETL worker     daily at 00:10 UTC for the previous day; 10-minute aggregates in target.data`,
        `  status: npm run etl -- status --from ${DEMO_PERIOD.from} --to ${DEMO_PERIOD.to}`,
        `  rerun:  npm run etl -- run --date ${DEMO_PERIOD.from}`,
      ],
    },
  ];
}
