import { ADMIN, NEW_CONTACT, RawBody, READER, type ErrorBody, useRecordsApi } from './records-api-harness';
import { loadRecordsApiConfig } from '../src/records-api';

describe('records API over HTTP: auth and configuration (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const { call, okJson, sql, logLines } = useRecordsApi('records_api_auth');

  describe('auth', () => {
    // Every row has all three columns: jest passes `done` in place of a missing one.
    const routes: [string, string, unknown][] = [
      ['GET', '/v1/contacts', undefined],
      ['GET', '/v1/contacts/1', undefined],
      ['POST', '/v1/contacts', NEW_CONTACT],
      ['PATCH', '/v1/contacts/1', { city: 'Paris' }],
      ['DELETE', '/v1/contacts/1', undefined],
    ];

    it.each(routes)(
      '%s %s without a token or with an unknown one -> 401 with WWW-Authenticate',
      async (m, p, b) => {
        for (const who of ['nobody', 'stranger'] as const) {
          const response = await call(who, m, p, b, { 'if-match': '*' });
          expect(response.status).toBe(401);
          expect(response.headers.get('www-authenticate')).toBe('Bearer realm="records"');
          expect(((await response.json()) as ErrorBody).message).toMatch(/token/);
        }
      },
    );

    it.each(routes.slice(2))('%s %s with a reader token -> 403, nothing changed', async (m, p, b) => {
      const before = await sql('SELECT * FROM records.people ORDER BY id');
      const response = await call('reader', m, p, b, { 'if-match': '*' });
      expect(response.status).toBe(403);
      expect(((await response.json()) as ErrorBody).message).toMatch(/admin token/);
      expect(await sql('SELECT * FROM records.people ORDER BY id')).toEqual(before);
    });

    it.each(routes.slice(0, 2))('%s %s reads the same with a reader and an admin token', async (m, p) => {
      const asReader = await okJson<unknown>(await call('reader', m, p));
      expect(await okJson<unknown>(await call('admin', m, p))).toEqual(asReader);
      expect(JSON.stringify(asReader)).toContain('"email"'); // contacts, not an empty answer
    });

    it('checks the token before reading the body: malformed JSON is a 401 without a token, a 403 for a reader', async () => {
      const before = await sql('SELECT * FROM records.people ORDER BY id');
      const malformed = new RawBody('{"city": "Paris",');
      for (const [method, path] of [
        ['POST', '/v1/contacts'],
        ['PATCH', '/v1/contacts/1'],
      ] as const) {
        const answer = async (who: 'nobody' | 'stranger' | 'reader' | 'admin') => {
          const response = await call(who, method, path, malformed, { 'if-match': '*' });
          return {
            status: response.status,
            challenge: response.headers.get('www-authenticate'),
            body: (await response.json()) as ErrorBody,
          };
        };
        for (const who of ['nobody', 'stranger'] as const) {
          expect(await answer(who)).toMatchObject({
            status: 401,
            challenge: 'Bearer realm="records"',
            body: { statusCode: 401, error: 'Unauthorized' },
          });
        }
        expect(await answer('reader')).toMatchObject({ status: 403, body: { statusCode: 403 } });
        // Only a caller allowed to write learns that the body is malformed.
        expect(await answer('admin')).toMatchObject({
          status: 400,
          body: { statusCode: 400, message: expect.stringMatching(/JSON/) },
        });
      }
      expect(await sql('SELECT * FROM records.people ORDER BY id')).toEqual(before);
    });

    it('accepts a scheme in any case, rejects other schemes and a token in the query', async () => {
      expect(
        (await call('nobody', 'GET', '/v1/contacts/1', undefined, { authorization: `bearer ${READER}` }))
          .status,
      ).toBe(200);
      expect(
        (await call('nobody', 'GET', '/v1/contacts/1', undefined, { authorization: `Basic ${READER}` }))
          .status,
      ).toBe(401);
      expect((await call('nobody', 'GET', `/v1/contacts/1?access_token=${READER}`)).status).toBe(401);
      // Logged with the query's secret redacted; no token appears in any log line.
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(logLines.join('')).toContain('/v1/contacts/1?access_token=[redacted]');
      for (const token of [ADMIN, READER]) expect(logLines.join('')).not.toContain(token);
    });

    it('serves /health and /docs without a token', async () => {
      expect(await okJson(await call('nobody', 'GET', '/health'))).toMatchObject({ status: 'ok' });
      const docs = await okJson<{
        paths: Record<string, Record<string, { security?: unknown[] }>>;
        components: { securitySchemes?: Record<string, unknown> };
      }>(await call('nobody', 'GET', '/docs/openapi.json'));
      expect(Object.keys(docs.paths)).toEqual(expect.arrayContaining(['/v1/contacts', '/v1/contacts/{id}']));
      // The bearer scheme is declared, and the contact routes require it (Swagger UI's Authorize button).
      expect(docs.components.securitySchemes).toEqual({
        bearer: {
          type: 'http',
          scheme: 'bearer',
          description: 'An opaque token from the server configuration',
        },
      });
      expect(docs.paths['/v1/contacts']!['get']!.security).toEqual([{ bearer: [] }]);
      expect((await call('nobody', 'GET', '/docs')).status).toBe(200);
    });

    it('documents limit and offset as integers, and the 400, 413 and 422 answers where they occur', async () => {
      type Operation = {
        parameters?: { name: string; schema: Record<string, unknown> }[];
        responses: object;
      };
      const docs = await okJson<{ paths: Record<string, Record<string, Operation>> }>(
        await call('nobody', 'GET', '/docs/openapi.json'),
      );
      const list = docs.paths['/v1/contacts']!['get']!;
      const schemaOf = (name: string) => list.parameters!.find((p) => p.name === name)?.schema;
      expect(schemaOf('limit')).toMatchObject({ type: 'integer', minimum: 1, maximum: 1000, default: 50 });
      expect(schemaOf('offset')).toMatchObject({
        type: 'integer',
        minimum: 0,
        maximum: 2147483647,
        default: 0,
      });
      const statuses = (path: string, method: string) => Object.keys(docs.paths[path]![method]!.responses);
      expect(statuses('/v1/contacts/{id}', 'get')).toEqual(expect.arrayContaining(['404', '422']));
      expect(statuses('/v1/contacts', 'post')).toEqual(expect.arrayContaining(['400', '413', '422']));
      expect(statuses('/v1/contacts/{id}', 'patch')).toEqual(
        expect.arrayContaining(['400', '404', '413', '422']),
      );
      expect(statuses('/v1/contacts/{id}', 'delete')).toEqual(expect.arrayContaining(['400', '404', '422']));
    });
  });

  describe('configuration', () => {
    it('refuses to start without tokens, with short tokens, or with a token in both lists (never echoing it)', () => {
      expect.assertions(4);
      expect(() => loadRecordsApiConfig({})).toThrow(/RECORDS_ADMIN_TOKENS.*no tokens configured/s);
      expect(() => loadRecordsApiConfig({ RECORDS_READER_TOKENS: 'short' })).toThrow(/at least 16/);
      expect(() =>
        loadRecordsApiConfig({ RECORDS_ADMIN_TOKENS: ADMIN, RECORDS_READER_TOKENS: `${READER},${ADMIN}` }),
      ).toThrow(/both an admin and a reader/);
      try {
        loadRecordsApiConfig({ RECORDS_READER_TOKENS: 'short-secret' });
      } catch (error) {
        expect((error as Error).message).not.toContain('short-secret');
      }
    });
  });
});
