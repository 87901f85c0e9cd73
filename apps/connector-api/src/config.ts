import { IsLogLevel, IsOptionalDatabaseUrl, IsPort, POSTGRES_URL_SCHEMES } from '@caudal/platform';
import { IsOptional, IsString } from 'class-validator';

/** Everything the connector API reads from the environment. */
export class ConnectorApiConfig {
  @IsPort()
  PORT = 3001;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  /** Unset: the embedded PostgreSQL. */
  @IsOptionalDatabaseUrl(POSTGRES_URL_SCHEMES)
  SOURCE_DATABASE_URL?: string;

  @IsLogLevel()
  LOG_LEVEL = 'info';
}
