import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UsageError } from './usage-error';
import { existingUserFile, userPath } from './user-path';

describe('userPath', () => {
  it('takes a relative path from the directory npm was run in (INIT_CWD), else the working directory', () => {
    expect(userPath('in/a.csv', { INIT_CWD: '/home/me/drop' }, '/repo')).toBe('/home/me/drop/in/a.csv');
    expect(userPath('../a.csv', { INIT_CWD: '/home/me/drop' }, '/repo')).toBe('/home/me/a.csv');
    expect(userPath('in/a.csv', {}, '/repo')).toBe('/repo/in/a.csv');
    expect(userPath('in/a.csv', { INIT_CWD: '' }, '/repo')).toBe('/repo/in/a.csv');
    expect(userPath('/abs/a.csv', { INIT_CWD: '/home/me' }, '/repo')).toBe('/abs/a.csv');
  });
});

describe('existingUserFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'caudal-user-file-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'a.csv'), 'x\n');
  const env = { INIT_CWD: dir };

  it('answers the absolute path of an existing file, relative to INIT_CWD', () => {
    expect(existingUserFile('a.csv', env, '/repo')).toBe(join(dir, 'a.csv'));
  });

  it('says a missing file is missing, and where it looked', () => {
    expect(() => existingUserFile('b.csv', env, '/repo')).toThrow(
      new UsageError(`no such file: b.csv (looked for ${join(dir, 'b.csv')})`),
    );
  });

  it('says a directory is a directory', () => {
    expect(() => existingUserFile(dir, env, '/repo')).toThrow(
      new UsageError(`${dir} is a directory, not a file`),
    );
  });
});
