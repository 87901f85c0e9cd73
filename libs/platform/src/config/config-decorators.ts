import { applyDecorators } from '@nestjs/common';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Matches, Max, Min } from 'class-validator';

/** A database URL scheme the platform can open (see parseDatabaseUrl). */
export type DatabaseUrlScheme = 'postgres' | 'postgresql' | 'mysql';

/** PostgreSQL only: every database whose SQL, driver or queue (pg-boss) is PostgreSQL's. */
export const POSTGRES_URL_SCHEMES = [
  'postgres',
  'postgresql',
] as const satisfies readonly DatabaseUrlScheme[];

/** PostgreSQL or MySQL/MariaDB: a database with SQL for both (the relations database). */
export const POSTGRES_OR_MYSQL_URL_SCHEMES = [
  'postgres',
  'postgresql',
  'mysql',
] as const satisfies readonly DatabaseUrlScheme[];

/** "postgres://, postgresql:// or mysql://" */
function schemeList(schemes: readonly DatabaseUrlScheme[]): string {
  const names = schemes.map((scheme) => `${scheme}://`);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? '');
}

/**
 * An optional database URL with one of `schemes` (the databases this setting may name); unset means
 * the embedded default. Checked when the configuration loads, so a URL of the wrong kind stops the
 * app (exit 2) before it connects or writes anything.
 */
export function IsOptionalDatabaseUrl(schemes: readonly DatabaseUrlScheme[]): PropertyDecorator {
  if (schemes.length === 0) throw new Error('IsOptionalDatabaseUrl needs at least one scheme');
  const pattern = new RegExp(`^(${schemes.join('|')}):\\/\\/[^\\s/]+(\\/[^\\s]*)?$`);
  return applyDecorators(IsOptional(), Matches(pattern, { message: `must be a ${schemeList(schemes)} URL` }));
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

/** What a bad LOG_LEVEL is told, by the configuration and by createLogger alike. */
export const LOG_LEVEL_RULE = `must be one of ${LOG_LEVELS.join(', ')}`;

/** An optional pino log level. */
export function IsLogLevel(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsIn(LOG_LEVELS, { message: LOG_LEVEL_RULE }));
}
