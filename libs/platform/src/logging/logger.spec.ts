import { ConfigValidationError } from '../config/env-config';
import { createLogger } from './logger';

describe('createLogger', () => {
  it('takes the pino levels', () => {
    expect(createLogger('sample', 'debug').level).toBe('debug');
    expect(createLogger('sample', 'silent').level).toBe('silent');
  });

  it('refuses an unknown level as bad configuration naming LOG_LEVEL, not with pino’s own error', () => {
    let caught: unknown;
    try {
      createLogger('sample', 'loud');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigValidationError);
    expect((caught as ConfigValidationError).problems).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
    ]);
  });
});
