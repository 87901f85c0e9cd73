import { IsOptional } from 'class-validator';
import { IsLogLevel, IsPort } from './config-decorators';

/** The embedded PostgreSQL's settings (what ensureEmbeddedPostgres reads). */
export class EmbeddedConfig {
  /** Port to serve on when this process starts the embedded PostgreSQL; 0 picks a free one. */
  @IsOptional()
  @IsPort()
  CAUDAL_EMBEDDED_PORT?: number;
}

/**
 * Settings the platform itself reads in every Caudal process, whatever the app: the log level
 * (createLogger, pino) and the embedded PostgreSQL's port (ensureEmbeddedPostgres). loadConfig
 * checks them beside each app's own settings, so a bad value stops any command with exit 2 and a
 * line naming the variable, before a logger or a database is opened.
 */
export class PlatformConfig extends EmbeddedConfig {
  @IsLogLevel()
  LOG_LEVEL?: string;
}
