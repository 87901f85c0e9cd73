import { connectorTestBed } from './connector-test-bed';

// What the API does with input it must refuse or values it must translate: 422s naming each field,
// values JSON cannot hold, the earliest years, and a database failure.
describe('connector API input and edge cases (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const bed = connectorTestBed('connector_api_input');
  const { get, json } = bed;

  describe('bad input answers 422 naming the field', () => {
    const expect422 = async (path: string, fields: Record<string, RegExp | string>) => {
      const response = await get(path);
      const body = (await response.json()) as {
        statusCode: number;
        error: string;
        details: { field: string; message: string }[];
      };
      expect(response.status).toBe(422);
      expect(body.statusCode).toBe(422);
      expect(body.error).toBe('Unprocessable Entity');
      expect(body.details.map((d) => d.field).sort()).toEqual(Object.keys(fields).sort());
      for (const [field, message] of Object.entries(fields)) {
        expect(body.details.find((d) => d.field === field)!.message).toMatch(message);
      }
    };

    it.each([
      ['missing start and end', '/v1/readings', { start: /required/, end: /required/ }],
      ['an unparseable start', '/v1/readings?start=yesterday&end=2024-10-02', { start: /ISO 8601/ }],
      ['an impossible date', '/v1/readings?start=2024-02-30&end=2024-10-02', { start: /ISO 8601/ }],
      ['start equal to end', '/v1/readings?start=2024-10-02&end=2024-10-02', { end: /after start/ }],
      ['start after end', '/v1/readings?start=2024-10-03&end=2024-10-02', { end: /after start/ }],
      [
        'an unknown variable',
        '/v1/readings?start=2024-10-01&end=2024-10-02&variables=power,rpm',
        {
          variables: 'unknown variable(s): rpm; valid variables are wind_speed, power, ambient_temperature',
        },
      ],
      [
        'an empty variable list',
        '/v1/readings?start=2024-10-01&end=2024-10-02&variables=,',
        { variables: /at least one/ },
      ],
      ['limit 0', '/v1/readings?start=2024-10-01&end=2024-10-02&limit=0', { limit: /between 1 and 10080/ }],
      [
        'limit above 10,080',
        '/v1/readings?start=2024-10-01&end=2024-10-02&limit=10081',
        { limit: /between 1 and 10080/ },
      ],
      [
        'a non-numeric limit',
        '/v1/readings?start=2024-10-01&end=2024-10-02&limit=ten',
        { limit: /between 1 and 10080/ },
      ],
      [
        'a fractional limit',
        '/v1/readings?start=2024-10-01&end=2024-10-02&limit=1.5',
        { limit: /between 1 and 10080/ },
      ],
      [
        'a bad cursor',
        '/v1/readings?start=2024-10-01&end=2024-10-02&cursor=abc',
        { cursor: /not a next_cursor/ },
      ],
      [
        'a cursor outside the range',
        `/v1/readings?start=2024-10-01&end=2024-10-02&cursor=r1.${Buffer.from(String(Date.UTC(2024, 9, 5))).toString('base64url')}`,
        { cursor: /does not belong/ },
      ],
      [
        'an unknown format',
        '/v1/readings?start=2024-10-01&end=2024-10-02&format=xml',
        { format: /json, ndjson, csv/ },
      ],
      [
        'an unknown parameter',
        '/v1/readings?start=2024-10-01&end=2024-10-02&from=x',
        { from: /should not exist/ },
      ],
      ...['toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf', 'prototype'].map(
        (name) =>
          [
            `an unknown parameter named like an Object.prototype member (${name})`,
            `/v1/readings?start=2024-10-01&end=2024-10-02&${name}=1`,
            { [name]: `property ${name} should not exist` },
          ] as const,
      ),
      [
        'an unknown parameter named like an Object.prototype member, with other bad fields',
        '/v1/readings?start=x&end=2024-10-02&toString=1&foo=2',
        { start: /ISO 8601/, toString: /should not exist/, foo: /should not exist/ },
      ],
      ...['1e1', '0x2', '2.0', '+2', '%202', '2%20', '0b10', '1_0', '２'].map(
        (limit) =>
          [
            `a limit that is not plain decimal digits (${limit})`,
            `/v1/readings?start=2024-10-01&end=2024-10-02&limit=${limit}`,
            { limit: 'limit must be an integer between 1 and 10080' },
          ] as const,
      ),
      [
        'a limit given twice',
        '/v1/readings?start=2024-10-01&end=2024-10-02&limit=5&limit=6',
        { limit: /between 1 and 10080/ },
      ],
      [
        'an instant an offset takes before year 0001',
        '/v1/readings?start=0001-01-01T00:00%2B01:00&end=0001-01-02',
        { start: /years 0001-9999/ },
      ],
      [
        'an offset whose unescaped "+" the query string turned into a space (says to write %2B)',
        '/v1/readings?start=2024-10-01T06:30:00.5+02:00&end=2024-10-02',
        {
          start:
            'start must be an ISO 8601 timestamp such as 2024-10-01T00:00:00Z (no offset means UTC), in the years 0001-9999; ' +
            'its offset reads " 02:00": a "+" in a URL query string means a space, so write it as %2B (e.g. 2024-10-01T06:30%2B02:00)',
        },
      ],
      [
        'an impossible date of a year before 100 (0001 is no leap year)',
        '/v1/readings?start=0001-02-29&end=0001-03-01',
        { start: /ISO 8601/ },
      ],
      [
        'several bad fields at once',
        '/v1/readings?start=x&end=y&limit=-1',
        { start: /ISO/, end: /ISO/, limit: /between/ },
      ],
    ] as [string, string, Record<string, RegExp | string>][])('%s', async (_, path, fields) => {
      await expect422(path, fields);
    });

    it('an unknown route is a JSON 404', async () => {
      const response = await get('/v1/nothing');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ statusCode: 404, error: 'Not Found' });
    });
  });

  describe('values JSON cannot hold', () => {
    it('answers NaN and infinities as null in JSON and NDJSON, empty in CSV', async () => {
      await bed.source
        .pgPool()
        .query(
          `INSERT INTO source.data VALUES ('2031-01-01T00:00:00Z', 'NaN', 'Infinity', '-Infinity'), ('2031-01-01T00:01:00Z', 1.5, NULL, 2)`,
        );
      const range = 'start=2031-01-01&end=2031-01-02';
      const expected = [
        { timestamp: '2031-01-01T00:00:00.000Z', wind_speed: null, power: null, ambient_temperature: null },
        { timestamp: '2031-01-01T00:01:00.000Z', wind_speed: 1.5, power: null, ambient_temperature: 2 },
      ];
      expect((await json(`/v1/readings?${range}`)).items).toEqual(expected);
      const ndjson = await (await get(`/v1/readings?${range}&format=ndjson`)).text();
      expect(
        ndjson
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual(expected);
      expect(await (await get(`/v1/readings?${range}&format=csv`)).text()).toBe(
        'timestamp,wind_speed,power,ambient_temperature\n2031-01-01T00:00:00.000Z,,,\n2031-01-01T00:01:00.000Z,1.5,,2\n',
      );
    });
  });

  describe('years 0001-0099', () => {
    afterEach(async () => {
      await bed.source.pgPool().query(`DELETE FROM source.data WHERE "timestamp" < '1000-01-01T00:00:00Z'`);
    });

    it('reads them as the years given (not 1900-1999), and pages and streams their readings', async () => {
      await bed.source
        .pgPool()
        .query(
          `INSERT INTO source.data VALUES ('0024-10-01T00:00:00Z', 1, 2, 3), ('0024-10-01T00:01:00Z', 4, 5, 6)`,
        );
      const page = await json('/v1/readings?start=0024-10-01&end=0024-10-02&limit=1');
      expect(page.start).toBe('0024-10-01T00:00:00.000Z');
      expect(page.end).toBe('0024-10-02T00:00:00.000Z');
      expect(page.items).toEqual([
        { timestamp: '0024-10-01T00:00:00.000Z', wind_speed: 1, power: 2, ambient_temperature: 3 },
      ]);
      const next = await json(
        `/v1/readings?start=0024-10-01&end=0024-10-02&limit=1&cursor=${encodeURIComponent(page.next_cursor!)}`,
      );
      expect(next.items.map((item) => item['timestamp'])).toEqual(['0024-10-01T00:01:00.000Z']);
      expect(next.next_cursor).toBeNull();
      const csv = await get(
        '/v1/readings?start=0024-10-01T00:01&end=0024-10-01T01:00&format=csv&variables=power',
      );
      expect(await csv.text()).toBe('timestamp,power\n0024-10-01T00:01:00.000Z,5\n');
      // 1924 holds no reading of these.
      expect((await json('/v1/readings?start=1924-10-01&end=1924-10-02')).items).toEqual([]);
    });

    it('refuses year 0000, which PostgreSQL does not have (it is 1 BC there), and takes 0001', async () => {
      const zero = await get('/v1/readings?start=0000-02-29&end=0001-01-02');
      expect(zero.status).toBe(422);
      expect(((await zero.json()) as { details: { field: string; message: string }[] }).details).toEqual([
        { field: 'start', message: expect.stringMatching(/years 0001-9999/) },
      ]);
      await bed.source
        .pgPool()
        .query(
          `INSERT INTO source.data VALUES ('0001-12-31T12:00:00Z BC', 7, 8, 9), ('0001-01-01T00:00:00Z', 1, 2, 3)`,
        );
      const first = await json('/v1/readings?start=0001-01-01&end=0001-01-02&variables=power');
      expect(first.items).toEqual([{ timestamp: '0001-01-01T00:00:00.000Z', power: 2 }]);
    });
  });

  describe('a database failure', () => {
    afterEach(async () => {
      await bed.source.pgPool().query('ALTER TABLE IF EXISTS source.data_moved RENAME TO data');
    });

    it('answers a generic 500 with the request id, without leaking the SQL error', async () => {
      await bed.source.pgPool().query('ALTER TABLE source.data RENAME TO data_moved');
      const response = await get('/v1/variables', { 'x-request-id': 'req-500' });
      expect(response.status).toBe(500);
      const body = await response.text();
      expect(JSON.parse(body)).toEqual({
        statusCode: 500,
        error: 'Internal Server Error',
        message: expect.stringContaining('request id'),
        requestId: 'req-500',
      });
      expect(body).not.toMatch(/relation|source\.data/);
    });
  });
});
