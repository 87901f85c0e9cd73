import { IsLogLevel, IsOptionalDatabaseUrl, POSTGRES_URL_SCHEMES } from '@caudal/platform';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Min } from 'class-validator';

/** Everything the records loader reads from the environment. */
export class RecordsLoaderConfig {
  /** Unset: the embedded PostgreSQL. */
  @IsOptionalDatabaseUrl(POSTGRES_URL_SCHEMES)
  RECORDS_DATABASE_URL?: string;

  /** The drop folder; unset: <CAUDAL_HOME>/records/inbox. processed/ and failed/ sit next to it. */
  @IsOptional()
  @IsString()
  RECORDS_INBOX?: string;

  @Type(() => Number)
  @IsInt({ message: 'must be an integer of at least 100 (ms)' })
  @Min(100, { message: 'must be an integer of at least 100 (ms)' })
  RECORDS_POLL_MS = 2000;

  @IsLogLevel()
  LOG_LEVEL = 'info';
}
