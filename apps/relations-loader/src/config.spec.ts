import { configProblems } from '@caudal/platform';
import { loadRelationsConfig } from './relations-runtime';

const problems = (env: NodeJS.ProcessEnv) => configProblems(() => loadRelationsConfig(env));

describe('relations loader configuration: database URLs', () => {
  it('takes MySQL/MariaDB or PostgreSQL for the relations database', () => {
    expect(problems({ RELATIONS_DATABASE_URL: 'mysql://root@127.0.0.1:3306/relations' })).toEqual([]);
    expect(problems({ RELATIONS_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/relations' })).toEqual([]);
    expect(problems({ RELATIONS_DATABASE_URL: 'postgresql://postgres@127.0.0.1/relations' })).toEqual([]);
  });

  it('takes only PostgreSQL for the ops database (run ledger and pg-boss queue)', () => {
    expect(problems({ OPS_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/ops' })).toEqual([]);
    expect(problems({ OPS_DATABASE_URL: 'mysql://root@127.0.0.1:3306/ops' })).toEqual([
      'OPS_DATABASE_URL: must be a postgres:// or postgresql:// URL',
    ]);
  });

  it('says a bad retry count once', () => {
    expect(problems({ RELATIONS_RETRY_ATTEMPTS: 'abc' })).toEqual([
      'RELATIONS_RETRY_ATTEMPTS: must be an integer between 1 and 10',
    ]);
  });

  it('refuses a bad LOG_LEVEL or CAUDAL_EMBEDDED_PORT like its own settings (exit 2, naming the variable)', () => {
    expect(problems({ LOG_LEVEL: 'loud', CAUDAL_EMBEDDED_PORT: 'abc' })).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'CAUDAL_EMBEDDED_PORT: must be an integer between 0 and 65535',
    ]);
  });
});
