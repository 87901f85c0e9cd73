import { IsIn, IsOptional } from 'class-validator';
import { ConfigValidationError, loadConfig } from './env-config';
import { IsOptionalDatabaseUrl, IsPort } from './config-decorators';

class SampleConfig {
  @IsPort()
  PORT = 3001;

  @IsOptionalDatabaseUrl()
  SOURCE_DATABASE_URL?: string;

  @IsOptional()
  @IsIn(['debug', 'info', 'warn', 'error'])
  LOG_LEVEL = 'info';
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
});
