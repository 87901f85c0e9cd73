import { type Contact, type ErrorBody, useRecordsApi } from './records-api-harness';

describe('records API over HTTP: reading (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const { call, okJson, list, sql, idOf } = useRecordsApi('records_api_reading');

  describe('reading', () => {
    it('GET /v1/contacts/:id answers the stored person with departments and an ETag (reader and admin)', async () => {
      const id = await idOf('jbutt@gmail.com');
      for (const who of ['reader', 'admin'] as const) {
        const response = await call(who, 'GET', `/v1/contacts/${id}`);
        const contact = await okJson<Contact>(response);
        expect(contact).toMatchObject({
          id,
          first_name: 'James',
          last_name: 'Butt',
          company_name: 'Benton, John B Jr',
          city: 'New Orleans',
          state: 'LA',
          zip: '70116',
          email: 'jbutt@gmail.com',
          departments: ['Marketing', 'Sales'],
          version: 1,
        });
        expect(response.headers.get('etag')).toBe(`"${id}.1"`);
        expect(response.headers.get('content-type')).toBe('application/json; charset=utf-8');
      }
      const notModified = await call('reader', 'GET', `/v1/contacts/${id}`, undefined, {
        'if-none-match': `"${id}.1"`,
      });
      expect(notModified.status).toBe(304);
      expect(
        (await call('reader', 'GET', `/v1/contacts/${id}`, undefined, { 'if-none-match': '*' })).status,
      ).toBe(304);
      expect(
        (await call('reader', 'GET', `/v1/contacts/${id}`, undefined, { 'if-none-match': '"x"' })).status,
      ).toBe(200);
    });

    it('tags a list page (weak ETag of its bytes) and answers 304 while it is unchanged', async () => {
      const first = await call('reader', 'GET', '/v1/contacts?state=NJ');
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^W\/"[\w-]+"$/);
      const again = await call('reader', 'GET', '/v1/contacts?state=NJ', undefined, {
        'if-none-match': etag,
      });
      expect(again.status).toBe(304);
      expect(
        (await call('reader', 'GET', '/v1/contacts?state=NY', undefined, { 'if-none-match': etag })).status,
      ).toBe(200);
    });

    it('restores zip leading zeros (NJ 8014 -> 08014)', async () => {
      const page = await list('city=Bridgeport&state=NJ');
      expect(page.items.map((c) => c.zip)).toEqual(['08014']);
    });

    it('GET /v1/contacts pages with limit/offset and the total, in id order by default', async () => {
      const first = await list('limit=30');
      const second = await list('limit=30&offset=90');
      expect(first).toMatchObject({ total: 100, limit: 30, offset: 0 });
      expect(first.items).toHaveLength(30);
      expect(second.items).toHaveLength(10);
      const ids = (await sql<{ id: number }>('SELECT id FROM records.people ORDER BY id')).map((r) => r.id);
      expect(first.items.map((c) => c.id)).toEqual(ids.slice(0, 30));
      expect(second.items.map((c) => c.id)).toEqual(ids.slice(90));
      expect((await list('offset=500')).items).toEqual([]);
      expect((await list('offset=500')).total).toBe(100);
    });

    it('filters by state, city, company, department and free text, each equal to the same filter in SQL', async () => {
      const ids = async (query: string) => (await list(`${query}&limit=1000`)).items.map((c) => c.id);
      const expectSql = async (where: string, values: unknown[]) =>
        (
          await sql<{ id: number }>(
            `SELECT p.id FROM records.people p LEFT JOIN records.companies c ON c.id = p.company_id
             WHERE ${where} ORDER BY p.id`,
            values,
          )
        ).map((r) => r.id);

      const nj = await ids('state=nj');
      expect(nj.length).toBeGreaterThan(1);
      expect(nj).toEqual(await expectSql(`p.state = 'NJ'`, []));
      expect(await ids('city=new orleans')).toEqual(await expectSql(`p.city = 'New Orleans'`, []));
      expect(await ids('company=BENTON,%20JOHN%20B%20JR')).toEqual([await idOf('jbutt@gmail.com')]);
      const sales = await ids('department=sales');
      expect(sales).toEqual(
        await expectSql(
          `EXISTS (SELECT 1 FROM records.person_departments pd JOIN records.departments d ON d.id = pd.department_id
                   WHERE pd.person_id = p.id AND d.name = 'Sales')`,
          [],
        ),
      );
      expect(await ids('q=BUTT')).toEqual([await idOf('jbutt@gmail.com')]);
      expect(await ids('q=james%20butt')).toEqual([await idOf('jbutt@gmail.com')]);
      expect(await ids('q=%25')).toEqual([]); // wildcards are matched literally
      const combined = await ids('state=NJ&department=Sales');
      expect(combined).toEqual(nj.filter((id) => sales.includes(id)));
      expect((await list('state=NJ&department=Sales')).total).toBe(combined.length);
    });

    it('sorts by any listed field, descending with -, ties broken by id', async () => {
      const page = await list('sort=-state,last_name&limit=1000');
      const expected = await sql<{ id: number }>(
        'SELECT id FROM records.people ORDER BY state DESC, last_name COLLATE "und-x-icu" ASC, id ASC',
      );
      expect(page.items.map((c) => c.id)).toEqual(expected.map((r) => r.id));
    });

    it('answers 422 naming each filter holding a NUL character (not a server error)', async () => {
      const response = await call(
        'reader',
        'GET',
        '/v1/contacts?q=a%00b&city=%00&company=x%00&department=%00',
      );
      expect(response.status).toBe(422);
      const details = ((await response.json()) as ErrorBody).details!;
      expect(details.map((d) => d.field).sort()).toEqual(['city', 'company', 'department', 'q']);
      expect(details.find((d) => d.field === 'q')!.message).toBe('q must not contain a NUL character');
    });

    it('answers 422 naming each parameter given more than once', async () => {
      const response = await call(
        'reader',
        'GET',
        '/v1/contacts?city=a&city=b&state=NJ&state=NY&state=CA&limit=5&limit=6&sort=id&sort=city&q=x&q=x&company=c&department=d',
      );
      expect(response.status).toBe(422);
      const details = ((await response.json()) as ErrorBody).details!;
      expect(details.sort((a, b) => a.field.localeCompare(b.field))).toEqual([
        { field: 'city', message: 'city may be given only once (it was given 2 times)' },
        { field: 'limit', message: 'limit may be given only once (it was given 2 times)' },
        { field: 'q', message: 'q may be given only once (it was given 2 times)' },
        { field: 'sort', message: 'sort may be given only once (it was given 2 times)' },
        { field: 'state', message: 'state may be given only once (it was given 3 times)' },
      ]);
      for (const name of ['offset', 'company', 'department']) {
        const again = await call('reader', 'GET', `/v1/contacts?${name}=1&${name}=2`);
        expect(((await again.json()) as ErrorBody).details).toEqual([
          { field: name, message: `${name} may be given only once (it was given 2 times)` },
        ]);
      }
    });

    it('answers 422 naming each bad parameter, and 404 for an unknown id', async () => {
      const response = await call(
        'reader',
        'GET',
        '/v1/contacts?state=Cal&limit=0&sort=shoe_size&colour=red',
      );
      expect(response.status).toBe(422);
      const fields = ((await response.json()) as ErrorBody).details!.map((d) => d.field).sort();
      expect(fields).toEqual(['colour', 'limit', 'sort', 'state']);
      for (const offset of ['3000000000', '1e20', '-1']) {
        const response = await call('reader', 'GET', `/v1/contacts?offset=${offset}`);
        expect(response.status).toBe(422);
        expect(((await response.json()) as ErrorBody).details!.map((d) => d.field)).toEqual(['offset']);
      }
      expect((await call('reader', 'GET', '/v1/contacts/abc')).status).toBe(422);
      expect((await call('reader', 'GET', '/v1/contacts/999999')).status).toBe(404);
      expect((await call('reader', 'GET', '/v1/contacts/99999999999999')).status).toBe(404);
    });

    it('answers 422 naming an unknown parameter named like an Object.prototype member, with the other bad ones', async () => {
      for (const name of ['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf', 'prototype']) {
        const response = await call('reader', 'GET', `/v1/contacts?${name}=1`);
        expect({ name, status: response.status, body: await response.json() }).toEqual({
          name,
          status: 422,
          body: {
            statusCode: 422,
            error: 'Unprocessable Entity',
            details: [{ field: name, message: `property ${name} should not exist` }],
          },
        });
      }
      const several = await call('reader', 'GET', '/v1/contacts?toString=1&limit=0&colour=red');
      expect(several.status).toBe(422);
      const fields = ((await several.json()) as ErrorBody).details!.map((d) => d.field).sort();
      expect(fields).toEqual(['colour', 'limit', 'toString']);
    });

    it('answers 422 for limit and offset that are not plain decimal digits', async () => {
      const cases: [string, string][] = [
        ['limit=1e2', 'limit must be an integer between 1 and 1000'],
        ['limit=0x10', 'limit must be an integer between 1 and 1000'],
        ['limit=5.0', 'limit must be an integer between 1 and 1000'],
        ['limit=%2B5', 'limit must be an integer between 1 and 1000'],
        ['limit=%205', 'limit must be an integer between 1 and 1000'],
        ['limit=0b11', 'limit must be an integer between 1 and 1000'],
        ['offset=0x10', 'offset must be an integer between 0 and 2147483647'],
        ['offset=1e1', 'offset must be an integer between 0 and 2147483647'],
        ['offset=0.0', 'offset must be an integer between 0 and 2147483647'],
        ['offset=', 'offset must be an integer between 0 and 2147483647'],
        ['offset=0o7', 'offset must be an integer between 0 and 2147483647'],
      ];
      for (const [query, message] of cases) {
        const response = await call('reader', 'GET', `/v1/contacts?${query}`);
        expect({ query, status: response.status, body: await response.json() }).toMatchObject({
          query,
          status: 422,
          body: { details: [{ field: query.split('=')[0], message }] },
        });
      }
      expect(await list('limit=010&offset=007')).toMatchObject({ limit: 10, offset: 7 });
    });

    it('GET /v1/contacts/:id: 422 for an id that is not plain decimal digits or is 0, 404 naming the id as given beyond the id column', async () => {
      for (const id of ['1.0', '1e3', '0x1', '0', '00', '-1', '%2B1', 'abc', '1%20']) {
        const response = await call('reader', 'GET', `/v1/contacts/${id}`);
        expect({ id, status: response.status, body: await response.json() }).toMatchObject({
          id,
          status: 422,
          body: { details: [{ field: 'id', message: 'id must be a positive integer' }] },
        });
      }
      for (const id of ['2147483647', '2147483648', '99999999999', '123456789012345678901234567890']) {
        const response = await call('reader', 'GET', `/v1/contacts/${id}`);
        expect({ id, status: response.status, body: await response.json() }).toMatchObject({
          id,
          status: 404,
          body: { statusCode: 404, message: `no contact with id ${id}` },
        });
      }
    });
  });
});
