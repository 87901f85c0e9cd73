import { NEW_CONTACT, RawBody, type Contact, type ErrorBody, useRecordsApi } from './records-api-harness';

// What a write's body may hold beyond its fields' rules: NUL characters, keys named like
// Object.prototype members, bytes that are not UTF-8.
describe('records API over HTTP: write bodies (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const { call, okJson, sql, idOf } = useRecordsApi('records_api_bodies');

  describe('bodies (admin)', () => {
    it('POST and PATCH answer 422 naming each text field holding a NUL character, and write nothing', async () => {
      const before = await sql('SELECT count(*) AS n FROM records.people');
      const response = await call('admin', 'POST', '/v1/contacts', {
        ...NEW_CONTACT,
        first_name: 'A\u0000da',
        company_name: '\u0000',
        email: 'a\u0000@example.com',
        departments: ['Sales', 'R\u0000D'],
      });
      expect(response.status).toBe(422);
      const details = ((await response.json()) as ErrorBody).details!;
      expect(details.map((d) => d.field).sort()).toEqual([
        'company_name',
        'departments',
        'email',
        'first_name',
      ]);
      expect(details.find((d) => d.field === 'first_name')!.message).toBe(
        'first_name must not contain a NUL character',
      );
      const id = await idOf('art@venere.org');
      const patch = await call(
        'admin',
        'PATCH',
        `/v1/contacts/${id}`,
        { city: 'Bridge\u0000port' },
        { 'if-match': '*' },
      );
      expect(patch.status).toBe(422);
      expect(((await patch.json()) as ErrorBody).details!.map((d) => d.field)).toEqual(['city']);
      expect(await sql('SELECT count(*) AS n FROM records.people')).toEqual(before);
      expect(await sql(`SELECT city FROM records.people WHERE id = $1`, [id])).toEqual([
        { city: 'Bridgeport' },
      ]);
    });

    it('POST/PATCH: a body key named like an Object.prototype member (__proto__ too) is a 422 unknown field, nothing polluted or written', async () => {
      const before = await sql('SELECT * FROM records.people ORDER BY id');
      const contact = JSON.stringify({ ...NEW_CONTACT, email: 'proto@example.com' }).slice(1, -1);
      for (const [key, value] of [
        ['__proto__', '{"polluted": "yes"}'],
        ['constructor', '{"prototype": {"polluted": "yes"}}'],
        ['prototype', '{"polluted": "yes"}'],
        ['toString', '"x"'],
        ['hasOwnProperty', '"x"'],
      ]) {
        const response = await call(
          'admin',
          'POST',
          '/v1/contacts',
          new RawBody(`{"${key}": ${value}, ${contact}}`),
        );
        expect({ key, status: response.status, body: await response.json() }).toEqual({
          key,
          status: 422,
          body: {
            statusCode: 422,
            error: 'Unprocessable Entity',
            details: [{ field: key, message: `property ${key} should not exist` }],
          },
        });
      }
      const id = await idOf('art@venere.org');
      const patch = await call(
        'admin',
        'PATCH',
        `/v1/contacts/${id}`,
        new RawBody('{"__proto__": {"city": "Paris"}, "state": "N"}'),
        {
          'if-match': '*',
        },
      );
      expect(patch.status).toBe(422);
      expect(((await patch.json()) as ErrorBody).details!.map((d) => d.field).sort()).toEqual([
        '__proto__',
        'state',
      ]);
      expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
      expect(await sql('SELECT * FROM records.people ORDER BY id')).toEqual(before);
    });

    it('POST/PATCH: a body that is not valid UTF-8 (Latin-1 "Jos\\xe9" and others) is a 400 after the token check, nothing written', async () => {
      const before = await sql('SELECT * FROM records.people ORDER BY id');
      const id = await idOf('art@venere.org');
      // The contact's other fields (first_name left out: undefined is not serialized).
      const contact = JSON.stringify({
        ...NEW_CONTACT,
        first_name: undefined,
        email: 'jose@example.com',
      }).slice(1, -1);
      // Raw bytes around a JSON text: `"first_name": "Jos<bytes>"` followed by the rest of the contact.
      const withBytes = (bytes: number[], rest: string) =>
        new RawBody(
          Buffer.concat([
            Buffer.from('{"first_name": "Jos'),
            Buffer.from(bytes),
            Buffer.from(`"${rest === '' ? '' : `, ${rest}`}}`),
          ]),
        );
      const notUtf8 = [
        [0xe9], // Latin-1 é
        [0xc3], // a sequence cut short
        [0xc0, 0xaf], // overlong "/"
        [0xed, 0xa0, 0x80], // a UTF-16 surrogate
        [0xf4, 0x90, 0x80, 0x80], // beyond U+10FFFF
        [0x80], // a lone continuation byte
      ];
      for (const bytes of notUtf8) {
        for (const [method, path, rest] of [
          ['POST', '/v1/contacts', contact],
          ['PATCH', `/v1/contacts/${id}`, ''],
        ] as const) {
          const body = withBytes(bytes, rest);
          const send = (who: 'admin' | 'reader' | 'nobody') =>
            call(who, method, path, body, { 'if-match': '*' });
          // Only a caller allowed to write learns anything about the body.
          expect((await send('nobody')).status).toBe(401);
          expect((await send('reader')).status).toBe(403);
          const response = await send('admin');
          expect({ bytes, method, status: response.status, body: await response.json() }).toEqual({
            bytes,
            method,
            status: 400,
            body: { statusCode: 400, error: 'Bad Request', message: 'the body is not valid UTF-8' },
          });
        }
      }
      expect(await sql('SELECT * FROM records.people ORDER BY id')).toEqual(before);
      // The same name in UTF-8 is stored as written.
      const created = await okJson<Contact>(
        await call('admin', 'POST', '/v1/contacts', withBytes([0xc3, 0xa9], contact)),
        201,
      );
      expect(created.first_name).toBe('Jos\u00e9');
      expect(await sql('SELECT first_name FROM records.people WHERE id = $1', [created.id])).toEqual([
        { first_name: 'Jos\u00e9' },
      ]);
    });
  });
});
