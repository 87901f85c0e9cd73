import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError } from '../config/env-config';
import { embeddedPort, ensureEmbeddedPostgres } from './embedded-postgres';

describe('the embedded PostgreSQL port (CAUDAL_EMBEDDED_PORT)', () => {
  it('is 54320 unless set; 0 lets the OS pick', () => {
    expect(embeddedPort({})).toBe(54320);
    expect(embeddedPort({ CAUDAL_EMBEDDED_PORT: '' })).toBe(54320);
    expect(embeddedPort({ CAUDAL_EMBEDDED_PORT: '0' })).toBe(0);
    expect(embeddedPort({ CAUDAL_EMBEDDED_PORT: '55432' })).toBe(55432);
  });

  it('refuses a value that is not a port as bad configuration naming the variable', () => {
    for (const value of ['abc', '-1', '65536', '1.5']) {
      expect(() => embeddedPort({ CAUDAL_EMBEDDED_PORT: value })).toThrow(ConfigValidationError);
      expect(() => embeddedPort({ CAUDAL_EMBEDDED_PORT: value })).toThrow(
        'CAUDAL_EMBEDDED_PORT: must be an integer between 0 and 65535',
      );
    }
  });

  it('stops ensureEmbeddedPostgres before it touches the home folder', async () => {
    const home = join(mkdtempSync(join(tmpdir(), 'caudal-embedded-port-')), 'home');
    const saved = process.env['CAUDAL_EMBEDDED_PORT'];
    process.env['CAUDAL_EMBEDDED_PORT'] = 'abc';
    try {
      await expect(ensureEmbeddedPostgres({ home })).rejects.toThrow(
        'CAUDAL_EMBEDDED_PORT: must be an integer between 0 and 65535',
      );
      expect(existsSync(home)).toBe(false);
    } finally {
      if (saved === undefined) delete process.env['CAUDAL_EMBEDDED_PORT'];
      else process.env['CAUDAL_EMBEDDED_PORT'] = saved;
      rmSync(join(home, '..'), { recursive: true, force: true });
    }
  });
});
