import {
  createHttpApp,
  loadConfig,
  openMigratedDatabase,
  type Database,
  type Logger,
} from '@caudal/platform';
import { RECORDS_MIGRATIONS, RECORDS_ROLE } from '@caudal/records';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { installBearerAuth } from './auth/bearer-auth.guard';
import { splitTokens, TokenRegistry } from './auth/tokens';
import { RecordsApiConfig } from './config';
import { parseJsonKeepingPrototypeKeys } from './http/json-body';

export function loadRecordsApiConfig(env: NodeJS.ProcessEnv = process.env): RecordsApiConfig {
  return loadConfig('records-api', RecordsApiConfig, env);
}

export function tokenRegistry(config: RecordsApiConfig): TokenRegistry {
  return new TokenRegistry(
    splitTokens(config.RECORDS_ADMIN_TOKENS),
    splitTokens(config.RECORDS_READER_TOKENS),
  );
}

/** Opens the records database (embedded when RECORDS_DATABASE_URL is unset) and applies its migrations. */
export function openRecords(url: string | undefined): Promise<Database> {
  return openMigratedDatabase({ role: RECORDS_ROLE, url, migrations: RECORDS_MIGRATIONS, poolSize: 16 });
}

/** The records API app over an open records database (not yet listening). */
export async function createRecordsApp(
  records: Database,
  tokens: TokenRegistry,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const app = await createHttpApp(AppModule.forRecords(records, tokens), {
    logger,
    docs: {
      title: 'Caudal records API',
      description:
        'Contacts (people with company and departments). Send Authorization: Bearer <token>: reader tokens ' +
        'may read, admin tokens may also create, change and delete. Writes need If-Match with the ETag read.',
      version: '1',
      bearerAuth: true,
    },
  });
  // The token is checked before the body is read (see RequireRole).
  installBearerAuth(app.getHttpAdapter().getInstance(), tokens);
  parseJsonKeepingPrototypeKeys(app);
  return app;
}
