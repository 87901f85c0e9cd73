import { configProblems, loadConfig } from '@caudal/platform';
import { RecordsLoaderConfig } from './config';

const problems = (env: NodeJS.ProcessEnv) =>
  configProblems(() => loadConfig('records-loader', RecordsLoaderConfig, env));

describe('records loader configuration', () => {
  it('accepts the defaults and a PostgreSQL URL', () => {
    expect(problems({})).toEqual([]);
    expect(problems({ RECORDS_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/records' })).toEqual([]);
  });

  it('refuses a MySQL URL for the records database (its tables and SQL are PostgreSQL)', () => {
    expect(problems({ RECORDS_DATABASE_URL: 'mysql://root@127.0.0.1:3306/x' })).toEqual([
      'RECORDS_DATABASE_URL: must be a postgres:// or postgresql:// URL',
    ]);
  });

  it('says a bad poll interval once', () => {
    expect(problems({ RECORDS_POLL_MS: 'abc' })).toEqual([
      'RECORDS_POLL_MS: must be an integer of at least 100 (ms)',
    ]);
  });

  it('refuses a bad LOG_LEVEL or CAUDAL_EMBEDDED_PORT like its own settings (exit 2, naming the variable)', () => {
    expect(problems({ LOG_LEVEL: 'loud', CAUDAL_EMBEDDED_PORT: 'abc' })).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'CAUDAL_EMBEDDED_PORT: must be an integer between 0 and 65535',
    ]);
  });
});
