import {
  DEMO_TOKENS,
  folderSetting,
  LauncherSettingError,
  portSetting,
  recordsTokens,
  scheduleText,
  services,
  shownInTerminal,
  type LauncherSettings,
} from './services';

const base: Omit<LauncherSettings, 'adminTokens' | 'readerTokens' | 'demoTokens'> = {
  databaseUrl: 'postgres://x@127.0.0.1:5432/db',
  connectorPort: 3001,
  recordsPort: 3002,
  recordsInbox: '/tmp/inbox',
  relationsDropDir: '/tmp/drop',
  etlSchedule: { cron: '10 0 * * *', timeZone: 'UTC' },
  relationsSchedule: { cron: '0 2 * * *', timeZone: 'America/Bogota' },
  logLevel: 'warn',
};
const recordsApi = (env: NodeJS.ProcessEnv) => {
  const spec = services({ ...base, ...recordsTokens(env) }).find((s) => s.name === 'records-api')!;
  return { env: spec.env, banner: spec.banner.join('\n') };
};
const OWN_ADMIN = 'my-own-admin-token-0001';
const OWN_READER = 'my-own-reader-token-0001';

describe('launcher: records API tokens', () => {
  it('uses and prints the demo tokens only when neither variable is set', () => {
    const { env, banner } = recordsApi({});
    expect(env).toMatchObject({
      RECORDS_ADMIN_TOKENS: DEMO_TOKENS.admin,
      RECORDS_READER_TOKENS: DEMO_TOKENS.reader,
    });
    expect(banner).toContain(`Bearer ${DEMO_TOKENS.reader}`);
    expect(recordsApi({ RECORDS_ADMIN_TOKENS: ' ', RECORDS_READER_TOKENS: '' }).env).toMatchObject({
      RECORDS_READER_TOKENS: DEMO_TOKENS.reader,
    });
  });

  it.each<[{ RECORDS_ADMIN_TOKENS?: string; RECORDS_READER_TOKENS?: string }]>([
    [{ RECORDS_ADMIN_TOKENS: OWN_ADMIN }],
    [{ RECORDS_READER_TOKENS: OWN_READER }],
    [{ RECORDS_ADMIN_TOKENS: OWN_ADMIN, RECORDS_READER_TOKENS: OWN_READER }],
  ])('with the user’s own tokens (%o) no demo token is accepted and none is printed', (userEnv) => {
    const { env, banner } = recordsApi(userEnv);
    expect(env['RECORDS_ADMIN_TOKENS']).toBe(userEnv.RECORDS_ADMIN_TOKENS ?? '');
    expect(env['RECORDS_READER_TOKENS']).toBe(userEnv.RECORDS_READER_TOKENS ?? '');
    for (const token of [DEMO_TOKENS.admin, DEMO_TOKENS.reader, OWN_ADMIN, OWN_READER])
      expect(banner).not.toContain(token);
    expect(banner).toContain(`Bearer <your token>`);
    expect(banner).toContain('use your own');
  });
});

describe('launcher: schedules in the banner', () => {
  it('describes the schedules the workers will use', () => {
    expect(scheduleText({ cron: '10 0 * * *', timeZone: 'UTC' })).toBe('daily at 00:10 UTC');
    expect(scheduleText({ cron: '0 2 * * *', timeZone: 'America/Bogota' })).toBe(
      'daily at 02:00 America/Bogota',
    );
    expect(scheduleText({ cron: '*/15 * * * *', timeZone: 'Europe/Zurich' })).toBe(
      'on cron "*/15 * * * *" in Europe/Zurich',
    );
    const etl = services({
      ...base,
      ...recordsTokens({}),
      etlSchedule: { cron: '30 4 * * *', timeZone: 'Europe/Zurich' },
    }).find((s) => s.name === 'etl-worker')!;
    expect(etl.banner[0]).toContain('daily at 04:30 Europe/Zurich for the previous day');
  });
});

describe('launcher: port and folder settings', () => {
  it('takes a port from the environment, else the default; anything else names the variable', () => {
    expect(portSetting({}, 'CONNECTOR_API_PORT', 3001)).toBe(3001);
    expect(portSetting({ CONNECTOR_API_PORT: '4000' }, 'CONNECTOR_API_PORT', 3001)).toBe(4000);
    for (const bad of ['abc', '0', '65536', '3e3', '-1', '80.5'])
      expect(() => portSetting({ RECORDS_API_PORT: bad }, 'RECORDS_API_PORT', 3002)).toThrow(
        new LauncherSettingError(`RECORDS_API_PORT must be a port number from 1 to 65535, got "${bad}"`),
      );
  });

  it('takes a relative folder from the directory npm was run in, else the default', () => {
    const env = { INIT_CWD: '/home/me', RECORDS_INBOX: 'drop/in' };
    expect(folderSetting(env, 'RECORDS_INBOX', '/home/.caudal/inbox', '/repo')).toBe('/home/me/drop/in');
    expect(folderSetting({}, 'RECORDS_INBOX', '/home/.caudal/inbox', '/repo')).toBe('/home/.caudal/inbox');
  });
});

describe('launcher: what reaches the terminal', () => {
  const line = (level: number) => `{"level":${level},"time":1,"msg":"m"}`;
  it('shows JSON log lines at the LOG_LEVEL and above (warn by default), and every other line', () => {
    expect([30, 40, 50].map((level) => shownInTerminal(line(level), 'warn'))).toEqual([false, true, true]);
    expect([10, 20, 30].map((level) => shownInTerminal(line(level), 'debug'))).toEqual([false, true, true]);
    expect(shownInTerminal(line(30), 'info')).toBe(true);
    expect(shownInTerminal(line(60), 'silent')).toBe(false);
    expect(shownInTerminal('  12/23  52%  ETA 1s', 'silent')).toBe(true);
    expect(shownInTerminal('Error: boom', 'error')).toBe(true);
  });
});
