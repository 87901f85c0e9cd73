import { IsLogLevel, IsOptionalDatabaseUrl, IsPort, POSTGRES_URL_SCHEMES } from '@caudal/platform';
import { IsOptional, IsString, ValidateBy, type ValidationArguments } from 'class-validator';
import { splitTokens, TOKEN_PATTERN } from './auth/tokens';

const TOKEN_RULE = 'a comma-separated list of tokens, each at least 16 printable characters without spaces';

function tokenListProblem(value: unknown, args: ValidationArguments): string | undefined {
  if (value !== undefined && typeof value !== 'string') return `must be ${TOKEN_RULE}`;
  const tokens = splitTokens(value);
  if (!tokens.every((token) => TOKEN_PATTERN.test(token))) return `must be ${TOKEN_RULE}`;
  const config = args.object as RecordsApiConfig;
  const admin = splitTokens(config.RECORDS_ADMIN_TOKENS);
  const reader = splitTokens(config.RECORDS_READER_TOKENS);
  if (args.property === 'RECORDS_ADMIN_TOKENS' && admin.length + reader.length === 0) {
    return 'no tokens configured: set RECORDS_ADMIN_TOKENS and/or RECORDS_READER_TOKENS (comma-separated)';
  }
  if (args.property === 'RECORDS_READER_TOKENS' && reader.some((token) => admin.includes(token))) {
    return 'a token cannot be both an admin and a reader token';
  }
  return undefined;
}

/** A comma-separated list of bearer tokens (the value itself never appears in a message). */
function IsTokenList(): PropertyDecorator {
  return ValidateBy({
    name: 'tokenList',
    validator: {
      validate: (value, args) => tokenListProblem(value, args!) === undefined,
      defaultMessage: (args) => tokenListProblem(args!.value, args!) ?? `must be ${TOKEN_RULE}`,
    },
  });
}

/** Everything the records API reads from the environment. */
export class RecordsApiConfig {
  @IsPort()
  PORT = 3002;

  @IsOptional()
  @IsString()
  HOST = '0.0.0.0';

  /** Unset: the embedded PostgreSQL. */
  @IsOptionalDatabaseUrl(POSTGRES_URL_SCHEMES)
  RECORDS_DATABASE_URL?: string;

  /** Tokens that may read and write. */
  @IsTokenList()
  RECORDS_ADMIN_TOKENS?: string;

  /** Tokens that may only read. */
  @IsTokenList()
  RECORDS_READER_TOKENS?: string;

  @IsLogLevel()
  LOG_LEVEL = 'info';
}
