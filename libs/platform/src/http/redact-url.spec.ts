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
});
