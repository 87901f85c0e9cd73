import { IsLogLevel, IsOptionalDatabaseUrl, POSTGRES_URL_SCHEMES } from '@caudal/platform';
import { IsCronSchedule, IsTimeZone } from '@caudal/pipelines';
import { isVariableName } from '@caudal/telemetry';
import { Type } from 'class-transformer';
import { IsInt, IsUrl, Max, Min, ValidateBy } from 'class-validator';

/** Everything the ETL worker reads from the environment. */
export class EtlConfig {
  @IsUrl(
    { require_tld: false, protocols: ['http', 'https'], require_protocol: true },
    { message: 'must be an http(s) URL' },
  )
  CONNECTOR_API_URL = 'http://localhost:3001';

  /** Unset: the embedded PostgreSQL. */
  @IsOptionalDatabaseUrl(POSTGRES_URL_SCHEMES)
  TARGET_DATABASE_URL?: string;

  /** Ledger and queue. Unset: the embedded PostgreSQL. */
  @IsOptionalDatabaseUrl(POSTGRES_URL_SCHEMES)
  OPS_DATABASE_URL?: string;

  @ValidateBy({
    name: 'variables',
    validator: {
      validate: (value) => {
        if (typeof value !== 'string') return false;
        const names = value.split(',').map((v) => v.trim());
        return names.every((name) => isVariableName(name)) && new Set(names).size === names.length;
      },
      defaultMessage: () =>
        'must be a comma list of distinct variables among wind_speed, power, ambient_temperature',
    },
  })
  ETL_VARIABLES = 'wind_speed,power';

  @IsTimeZone('UTC or Europe/Zurich')
  ETL_TIME_ZONE = 'UTC';

  @IsCronSchedule()
  ETL_SCHEDULE = '10 0 * * *';

  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 1 and 32' })
  @Min(1, { message: 'must be an integer between 1 and 32' })
  @Max(32, { message: 'must be an integer between 1 and 32' })
  ETL_CONCURRENCY = 4;

  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 1 and 10' })
  @Min(1, { message: 'must be an integer between 1 and 10' })
  @Max(10, { message: 'must be an integer between 1 and 10' })
  ETL_RETRY_ATTEMPTS = 3;

  @Type(() => Number)
  @IsInt({ message: 'must be a positive integer (ms)' })
  @Min(0, { message: 'must be a positive integer (ms)' })
  ETL_RETRY_DELAY_MS = 2000;

  @Type(() => Number)
  @IsInt({ message: 'must be a positive integer (ms)' })
  @Min(100, { message: 'must be at least 100 (ms)' })
  ETL_REQUEST_TIMEOUT_MS = 30_000;

  @IsLogLevel()
  LOG_LEVEL = 'info';
}
