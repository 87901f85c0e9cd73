import type { LoggerService } from '@nestjs/common';
import pino, { type Logger } from 'pino';
import { LOG_LEVEL_RULE, LOG_LEVELS } from '../config/config-decorators';
import { ConfigValidationError } from '../config/env-config';

export type { Logger } from 'pino';

/**
 * Structured JSON logs; credentials are redacted wherever they appear in a logged object. `level`
 * comes from LOG_LEVEL: one pino does not know is a ConfigValidationError naming it (exit 2 in a
 * command), not pino's own error. Apps check LOG_LEVEL with their configuration first (loadConfig).
 */
export function createLogger(name: string, level: string = process.env['LOG_LEVEL'] || 'info'): Logger {
  if (!(LOG_LEVELS as readonly string[]).includes(level)) {
    throw new ConfigValidationError(name, [`LOG_LEVEL: ${LOG_LEVEL_RULE}`]);
  }
  return pino({
    name,
    level,
    redact: {
      paths: [
        'req.headers.authorization',
        'headers.authorization',
        'authorization',
        '*.password',
        '*.token',
        '*.databaseUrl',
      ],
      censor: '[redacted]',
    },
  });
}

/** Nest's logger interface over pino, so framework messages land in the same log stream. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string): void {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string): void {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string): void {
    this.logger.trace({ context }, String(message));
  }
}
