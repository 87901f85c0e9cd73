import { bearerToken, splitTokens, TokenRegistry } from './tokens';

describe('bearer tokens', () => {
  const registry = new TokenRegistry(
    ['admin-token-aaaaaaaa'],
    ['reader-token-bbbbbbb', 'reader-token-ccccccc'],
  );

  it('maps each configured token to its role, and anything else to none', () => {
    expect(registry.roleOf('admin-token-aaaaaaaa')).toBe('admin');
    expect(registry.roleOf('reader-token-ccccccc')).toBe('reader');
    expect(registry.roleOf('reader-token-ccccccX')).toBeUndefined();
    expect(registry.roleOf('admin-token-aaaaaaa')).toBeUndefined(); // a prefix is not the token
    expect(registry.roleOf('')).toBeUndefined();
    expect(registry.size).toBe(3);
  });

  it('splits comma lists, ignoring blanks', () => {
    expect(splitTokens(' a-token , b-token,,')).toEqual(['a-token', 'b-token']);
    expect(splitTokens(undefined)).toEqual([]);
  });

  it('reads only "Bearer <token>" (scheme in any case)', () => {
    expect(bearerToken('Bearer abc')).toBe('abc');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('Basic abc')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});
