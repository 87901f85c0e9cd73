import {
  IsLogLevel,
  IsOptionalDatabaseUrl,
  POSTGRES_OR_MYSQL_URL_SCHEMES,
  POSTGRES_URL_SCHEMES,
} from '@caudal/platform';
import { IsCronSchedule, IsTimeZone } from '@caudal/pipelines';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';

/** Everything the relations loader reads from the environment. */
export class RelationsLoaderConfig {
  /** mysql://user:password@host:3306/database (the seed's MySQL), or PostgreSQL. Unset: the embedded PostgreSQL. */
  @IsOptionalDatabaseUrl(POSTGRES_OR_MYSQL_URL_SCHEMES)
  RELATIONS_DATABASE_URL?: string;

  /** Run ledger and queue (PostgreSQL: pg-boss). Unset: the embedded PostgreSQL. */
  @IsOptionalDatabaseUrl(POSTGRES_URL_SCHEMES)
  OPS_DATABASE_URL?: string;

  /** Where the data team drops the workbook; each run loads the newest .xlsx. Unset: <CAUDAL_HOME>/relations/drop. */
  @IsOptional()
  @IsString()
  RELATIONS_DROP_DIR?: string;

  /** When the daily run starts (cron, in RELATIONS_TIME_ZONE). */
  @IsCronSchedule()
  RELATIONS_SCHEDULE = '0 2 * * *';

  @IsTimeZone('America/Bogota or UTC')
  RELATIONS_TIME_ZONE = 'America/Bogota';

  /** The worker queues one run when it starts (a no-op when the newest file is already loaded). */
  @IsIn(['true', 'false'], { message: 'must be true or false' })
  RELATIONS_RUN_ON_START = 'true';

  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 1 and 10' })
  @Min(1, { message: 'must be an integer between 1 and 10' })
  @Max(10, { message: 'must be an integer between 1 and 10' })
  RELATIONS_RETRY_ATTEMPTS = 3;

  /** Delay before the first retry (doubles each further attempt). */
  @Type(() => Number)
  @IsInt({ message: 'must be a positive integer (ms)' })
  @Min(0, { message: 'must be a positive integer (ms)' })
  RELATIONS_RETRY_DELAY_MS = 10_000;

  @IsLogLevel()
  LOG_LEVEL = 'info';
}
