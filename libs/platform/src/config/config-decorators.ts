import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

const DATABASE_URL = /^(postgres|postgresql|mysql):\/\/[^\s/]+(\/[^\s]*)?$/;

/** An optional database URL (postgres:// or mysql://); unset means the embedded default. */
export function IsOptionalDatabaseUrl(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    Matches(DATABASE_URL, { message: 'must be a postgres://, postgresql:// or mysql:// URL' }),
  );
}

/** A TCP port; 0 lets the OS pick one. */
export function IsPort(): PropertyDecorator {
  return applyDecorators(
    Type(() => Number),
    IsInt({ message: 'must be an integer between 0 and 65535' }),
    Min(0, { message: 'must be an integer between 0 and 65535' }),
    Max(65535, { message: 'must be an integer between 0 and 65535' }),
  );
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An optional pino log level. */
export function IsLogLevel(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsIn(LOG_LEVELS, { message: `must be one of ${LOG_LEVELS.join(', ')}` }),
  );
}
