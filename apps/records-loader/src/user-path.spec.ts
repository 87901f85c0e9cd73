import { userPath } from './user-path';

describe('userPath', () => {
  it('takes a relative path from the directory npm was run in (INIT_CWD), else the working directory', () => {
    expect(userPath('in/a.csv', { INIT_CWD: '/home/me/drop' }, '/repo')).toBe('/home/me/drop/in/a.csv');
    expect(userPath('../a.csv', { INIT_CWD: '/home/me/drop' }, '/repo')).toBe('/home/me/a.csv');
    expect(userPath('in/a.csv', {}, '/repo')).toBe('/repo/in/a.csv');
    expect(userPath('in/a.csv', { INIT_CWD: '' }, '/repo')).toBe('/repo/in/a.csv');
    expect(userPath('/abs/a.csv', { INIT_CWD: '/home/me' }, '/repo')).toBe('/abs/a.csv');
  });
});
