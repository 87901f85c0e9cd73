import {
  createHttpApp,
  loadConfig,
  openMigratedDatabase,
  type Database,
  type Logger,
} from '@caudal/platform';
import { SOURCE_MIGRATIONS, SOURCE_ROLE } from '@caudal/telemetry';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { ConnectorApiConfig } from './config';

export function loadConnectorConfig(env: NodeJS.ProcessEnv = process.env): ConnectorApiConfig {
  return loadConfig('connector-api', ConnectorApiConfig, env);
}

/** Opens the source database (embedded when SOURCE_DATABASE_URL is unset) and applies its migrations. */
export function openSource(url: string | undefined): Promise<Database> {
  return openMigratedDatabase({ role: SOURCE_ROLE, url, migrations: SOURCE_MIGRATIONS, poolSize: 32 });
}

/** The connector API app over an open source database (not yet listening). */
export function createConnectorApp(source: Database, logger: Logger): Promise<NestFastifyApplication> {
  return createHttpApp(AppModule.forSource(source), {
    logger,
    docs: {
      title: 'Caudal connector API',
      description: 'Wind-farm readings from the telemetry source database, by time range and variables.',
      version: '1',
    },
  });
}
