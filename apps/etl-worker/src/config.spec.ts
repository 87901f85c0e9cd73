import { configProblems } from '@caudal/platform';
import { loadEtlConfig } from './etl-runtime';

const problems = (env: Record<string, string>) => configProblems(() => loadEtlConfig(env));

describe('ETL configuration', () => {
  it('accepts the defaults and a custom set of distinct variables', () => {
    expect(problems({})).toEqual([]);
    expect(loadEtlConfig({ ETL_VARIABLES: 'power, ambient_temperature' }).ETL_VARIABLES).toBe(
      'power, ambient_temperature',
    );
  });

  it('refuses a variable named twice (each value would count twice)', () => {
    expect(problems({ ETL_VARIABLES: 'power,power' })).toEqual([
      'ETL_VARIABLES: must be a comma list of distinct variables among wind_speed, power, ambient_temperature',
    ]);
    expect(problems({ ETL_VARIABLES: 'power,' })).toHaveLength(1);
  });

  it('refuses a schedule the scheduler would not accept, not only a wrong field count', () => {
    expect(problems({ ETL_SCHEDULE: 'a b c d e' })).toEqual([
      'ETL_SCHEDULE: must be a cron expression with 5 or 6 fields, such as "10 0 * * *"',
    ]);
    expect(problems({ ETL_SCHEDULE: '61 0 * * *' })).toHaveLength(1);
    expect(problems({ ETL_SCHEDULE: '*/15 * * * *', ETL_TIME_ZONE: 'Europe/Zurich' })).toEqual([]);
    expect(problems({ ETL_TIME_ZONE: 'Mars/Olympus' })).toEqual([
      'ETL_TIME_ZONE: must be an IANA time zone such as UTC or Europe/Zurich',
    ]);
  });

  it('says a bad number once, not once per failed constraint', () => {
    expect(problems({ ETL_CONCURRENCY: 'abc', ETL_RETRY_ATTEMPTS: '0' })).toEqual([
      'ETL_CONCURRENCY: must be an integer between 1 and 32',
      'ETL_RETRY_ATTEMPTS: must be an integer between 1 and 10',
    ]);
  });

  it('takes only PostgreSQL URLs for the target and ops databases', () => {
    expect(
      problems({
        TARGET_DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/target',
        OPS_DATABASE_URL: 'postgresql://postgres@127.0.0.1:5432/ops',
      }),
    ).toEqual([]);
    expect(
      problems({
        TARGET_DATABASE_URL: 'mysql://root@127.0.0.1:3306/target',
        OPS_DATABASE_URL: 'mysql://root@127.0.0.1:3306/ops',
      }),
    ).toEqual([
      'TARGET_DATABASE_URL: must be a postgres:// or postgresql:// URL',
      'OPS_DATABASE_URL: must be a postgres:// or postgresql:// URL',
    ]);
  });

  it('refuses a bad LOG_LEVEL or CAUDAL_EMBEDDED_PORT like its own settings (exit 2, naming the variable)', () => {
    expect(problems({ LOG_LEVEL: 'loud', CAUDAL_EMBEDDED_PORT: 'abc' })).toEqual([
      'LOG_LEVEL: must be one of fatal, error, warn, info, debug, trace, silent',
      'CAUDAL_EMBEDDED_PORT: must be an integer between 0 and 65535',
    ]);
  });
});
