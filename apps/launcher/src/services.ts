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
  env: Record<string, string>;
  /** Polled until it answers 200. */
  healthUrl?: string;
  /** Lines printed once everything is up. */
  banner: string[];
}

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
  ];
}
