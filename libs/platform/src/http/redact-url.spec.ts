import { redactUrl } from './redact-url';

describe('redactUrl', () => {
  it('hides the values of secret query parameters and keeps the rest', () => {
    expect(redactUrl('/v1/contacts/1?access_token=abc123&limit=5')).toBe(
      '/v1/contacts/1?access_token=[redacted]&limit=5',
    );
    expect(redactUrl('/x?Token=a&%61pi_key=b&q=token')).toBe(
      '/x?Token=[redacted]&%61pi_key=[redacted]&q=token',
    );
    expect(redactUrl('/v1/readings?start=2024-10-01&end=2024-10-02')).toBe(
      '/v1/readings?start=2024-10-01&end=2024-10-02',
    );
    expect(redactUrl('/health')).toBe('/health');
    expect(redactUrl('/x?password')).toBe('/x?password=[redacted]');
  });

  it('hides secret parameters named with bracket suffixes (plain or percent-encoded), dotted parts or hyphens', () => {
    for (const name of [
      'access_token[]',
      'access_token[0]',
      'access_token[][]',
      'access_token%5B%5D',
      'access_token%5b%5d',
      'access_token[%5D',
      'auth[token]',
      'auth%5Bpassword%5D',
      'token[',
    ]) {
      expect(redactUrl(`/v1/contacts?${name}=SECRET&limit=5`)).toBe(
        `/v1/contacts?${name}=[redacted]&limit=5`,
      );
    }
    for (const name of ['access-token', 'API-Key', 'auth.token', 'auth.access-token', 'a.b[secret]']) {
      expect(redactUrl(`/x?${name}=SECRET&limit=5`)).toBe(`/x?${name}=[redacted]&limit=5`);
    }
    expect(redactUrl('/x?access_token[]=S1&access_token[]=S2')).toBe(
      '/x?access_token[]=[redacted]&access_token[]=[redacted]',
    );
  });

  it('decodes names escape by escape: encoded letters, a stray or malformed escape, invalid UTF-8, "+", double encoding', () => {
    for (const name of [
      'access%5Ftoken',
      'access%5ftoken',
      '%61%63%63%65%73%73%5F%74%6F%6B%65%6E',
      'access%5Ftoken%5B%', // a stray "%" made the whole name undecodable
      'access%5Ftoken%5B%zz%5D', // a malformed escape inside the brackets
      'access%5Ftoken%5B%E9%5D', // an escape that is not UTF-8
      'access_token+',
      '+api%5Fkey',
      'access%255Ftoken', // encoded twice
      'access_token%255B%255D',
    ]) {
      expect(redactUrl(`/x?${name}=SECRET`)).toBe(`/x?${name}=[redacted]`);
    }
  });

  it('leaves ordinary parameters, and names merely containing a secret word, as sent', () => {
    for (const url of [
      '/v1/contacts?limit=5&offset=10&sort=-last_name',
      '/v1/contacts?q=access_token%5B%5D&city=Jos%C3%A9&state=%',
      '/v1/contacts?tokens=1&my_token=2&keyword=3&access_tokens[]=4&passwords=5',
      '/v1/contacts?my-token=1&auth.tokens=2&sort=-last_name&a.b=3',
      '/v1/contacts?department[]=Sales&department%5B%5D=Legal&filter[city]=Paris',
      '/v1/contacts?%E9=1&%zz=2&=3&&',
      '/v1/contacts?',
    ]) {
      expect(redactUrl(url)).toBe(url);
    }
  });
});
