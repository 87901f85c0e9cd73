import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ConfigValidationError, loadConfig } from './env-config';
import { IsOptionalDatabaseUrl, IsPort, POSTGRES_URL_SCHEMES } from './config-decorators';

class SampleConfig {
  @IsPort()
  PORT = 3001;

  @IsOptionalDatabaseUrl(POSTGRES_URL_SCHEMES)
  SOURCE_DATABASE_URL?: string;

  @IsOptional()
  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL = 'info';
}

class ConcurrencyConfig {
  @Type(() => Number)
  @IsInt({ message: 'must be an integer between 1 and 32' })
  @Min(1, { message: 'must be an integer between 1 and 32' })
  @Max(32, { message: 'must be an integer between 1 and 32' })
  CONCURRENCY = 4;

  @Type(() => Number)
  @IsInt({ message: 'must be an integer' })
  @Min(100, { message: 'must be at least 100' })
  POLL_MS = 2000;
}

describe('loadConfig', () => {
  it('applies defaults when variables are unset or empty', () => {
    const config = loadConfig('sample', SampleConfig, { PORT: '', LOG_LEVEL: undefined });
    expect(config.PORT).toBe(3001);
    expect(config.LOG_LEVEL).toBe('info');
    expect(config.SOURCE_DATABASE_URL).toBeUndefined();
  });

  it('converts and keeps valid values', () => {
    const config = loadConfig('sample', SampleConfig, {
      PORT: '4000',
      SOURCE_DATABASE_URL: 'postgres://u:p@db:5432/source',
    });
    expect(config.PORT).toBe(4000);
    expect(config.SOURCE_DATABASE_URL).toBe('postgres://u:p@db:5432/source');
  });

  it('names every bad variable at once and never echoes values', () => {
    let caught: unknown;
    try {
      loadConfig('sample', SampleConfig, {
        PORT: '99999',
        SOURCE_DATABASE_URL: 'redis://secret@x',
        LOG_LEVEL: 'loud',
      });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    const error = caught as ConfigValidationError;
    expect(error.problems.map((p) => p.split(':')[0])).toEqual(['PORT', 'SOURCE_DATABASE_URL', 'LOG_LEVEL']);
    expect(error.message).toContain('Invalid configuration for sample');
    expect(error.message).not.toContain('secret');
  });

  it('says each distinct message of a setting once, however many of its constraints fail', () => {
    let caught: unknown;
    try {
      loadConfig('sample', ConcurrencyConfig, { CONCURRENCY: 'abc', POLL_MS: 'abc' });
    } catch (error) {
      caught = error;
    }
    expect((caught as ConfigValidationError).problems).toEqual([
      'CONCURRENCY: must be an integer between 1 and 32',
      'POLL_MS: must be at least 100; must be an integer',
    ]);
  });

  it('checks the platform settings every app reads (LOG_LEVEL, CAUDAL_EMBEDDED_PORT), declared or not', () => {
    let caught: unknown;
    try {
      loadConfig('sample', ConcurrencyConfig, { LOG_LEVEL: 'loud', CAUDAL_EMBEDDED_PORT: 'abc' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as ConfigValidationError).problems).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'CAUDAL_EMBEDDED_PORT: must be an integer between 0 and 65535',
    ]);
    expect(() => loadConfig('sample', ConcurrencyConfig, { CAUDAL_EMBEDDED_PORT: '70000' })).toThrow(
      'CAUDAL_EMBEDDED_PORT: must be an integer between 0 and 65535',
    );
    expect(
      loadConfig('sample', ConcurrencyConfig, { LOG_LEVEL: 'debug', CAUDAL_EMBEDDED_PORT: '0' }).CONCURRENCY,
    ).toBe(4);
    expect(loadConfig('sample', ConcurrencyConfig, { LOG_LEVEL: '', CAUDAL_EMBEDDED_PORT: '' }).POLL_MS).toBe(
      2000,
    );
  });

  it("says a platform setting the app checks itself once, in the app's words", () => {
    let caught: unknown;
    try {
      loadConfig('sample', SampleConfig, { LOG_LEVEL: 'loud' });
    } catch (error) {
      caught = error;
    }
    const problems = (caught as ConfigValidationError).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^LOG_LEVEL: LOG_LEVEL must be one of the following values: debug, info/);
  });
});
