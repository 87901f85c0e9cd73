export { configProblems, ConfigValidationError, loadConfig } from './config/env-config';
export { PlatformConfig } from './config/platform-config';
export { IsLogLevel, IsOptionalDatabaseUrl, IsPort, LOG_LEVELS } from './config/config-decorators';
export {
  parseDatabaseUrl,
  redactDatabaseUrl,
  withDatabaseName,
  type DatabaseKind,
} from './database/database-url';
export {
  Database,
  openDatabase,
  openMigratedDatabase,
  openMigratedDatabases,
  type DatabaseSpec,
} from './database/database';
export {
  embeddedPort,
  ensureEmbeddedPostgres,
  processAlive,
  stopEmbeddedPostgres,
  type EmbeddedOptions,
  type EmbeddedPostgres,
} from './embedded/embedded-postgres';
export { caudalHome, findWorkspaceRoot } from './embedded/workspace-home';
export { createLogger, PinoNestLogger, type Logger } from './logging/logger';
export { createHttpApp, type HttpAppOptions } from './http/http-app';
export { HttpErrorFilter } from './http/http-error.filter';
export { HealthModule, type HealthCheck } from './http/health.module';
export {
  createValidationPipe,
  flattenValidationErrors,
  RequestValidationException,
  type FieldError,
} from './http/request-validation';
export {
  EXIT,
  interruptOnSignals,
  onShutdown,
  parseCommandArgs,
  runCommands,
  UsageError,
  type Command,
} from './cli/cli';
export { servePglite, type PgliteSession, type PgliteWireServer } from './embedded/pglite-wire-server';
export { sourceNodeArgs } from './cli/source-node-args';
export { existingUserFile, userPath } from './cli/user-path';
export { DecimalIntegerParameter, isDecimalDigits } from './http/decimal-integer';
export {
  POSTGRES_OR_MYSQL_URL_SCHEMES,
  POSTGRES_URL_SCHEMES,
  type DatabaseUrlScheme,
} from './config/config-decorators';
export { runCommandLine, type CommandLineIo, type CommandLineOutcome } from './cli/cli';
export { describeFailure } from './cli/failure-message';
