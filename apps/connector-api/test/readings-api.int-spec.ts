import { createLogger, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { readBaselWeather, readingsFromWeather, upsertReadings } from '@caudal/telemetry';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createConnectorApp, openSource } from '../src/connector';

interface Page {
  start: string;
  end: string;
  variables: string[];
  items: Record<string, string | number | null>[];
  next_cursor: string | null;
}

describe('connector API over HTTP (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  let pg: TestPostgres;
  let source: Database;
  let app: NestFastifyApplication;
  let base: string;

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers });
  const json = async <T = Page>(path: string) => {
    const response = await get(path);
    expect(response.status).toBe(200);
    return (await response.json()) as T;
  };
  const allPages = async (path: string): Promise<Page['items']> => {
    const items: Page['items'] = [];
    let next: string | null = null;
    do {
      const page: Page = await json(`${path}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
      items.push(...page.items);
      next = page.next_cursor;
    } while (next);
    return items;
  };

  beforeAll(async () => {
    pg = await createTestPostgres('connector_api');
    source = await openSource(pg.url);
    await upsertReadings(source.pgPool(), readingsFromWeather(readBaselWeather()));
    app = await createConnectorApp(source, createLogger('connector-api-test', 'silent'));
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await source?.close();
    await pg?.close();
  });

  describe('GET /v1/readings (JSON)', () => {
    it('returns one day of every variable, equal to the rows in the database', async () => {
      const page = await json('/v1/readings?start=2024-10-01T00:00:00Z&end=2024-10-02T00:00:00Z');
      expect(page.start).toBe('2024-10-01T00:00:00.000Z');
      expect(page.end).toBe('2024-10-02T00:00:00.000Z');
      expect(page.variables).toEqual(['wind_speed', 'power', 'ambient_temperature']);
      expect(page.items).toHaveLength(1440);
      expect(page.next_cursor).toBeNull();

      const { rows } = await source.pgPool().query(
        `SELECT to_char("timestamp" AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS timestamp,
                wind_speed, power, ambient_temperature
         FROM source.data WHERE "timestamp" >= '2024-10-01' AND "timestamp" < '2024-10-02' ORDER BY 1`,
      );
      expect(page.items).toEqual(rows);
    });

    it('leaves unselected variables out, whether listed with commas or repeated', async () => {
      const comma = await json(
        '/v1/readings?start=2024-10-01&end=2024-10-01T01:00&variables=power,wind_speed',
      );
      const repeated = await json(
        '/v1/readings?start=2024-10-01&end=2024-10-01T01:00&variables=wind_speed&variables=power',
      );
      expect(comma).toEqual(repeated);
      expect(comma.variables).toEqual(['wind_speed', 'power']);
      expect(Object.keys(comma.items[0]!)).toEqual(['timestamp', 'wind_speed', 'power']);
      expect(comma.items).toHaveLength(60);
    });

    it('treats the interval as half-open and offset-less timestamps as UTC', async () => {
      const utc = await json('/v1/readings?start=2024-10-01T10:00&end=2024-10-01T10:02');
      expect(utc.items.map((item) => item['timestamp'])).toEqual([
        '2024-10-01T10:00:00.000Z',
        '2024-10-01T10:01:00.000Z',
      ]);
      const zoned = await json(
        `/v1/readings?start=${encodeURIComponent('2024-10-01T12:00+02:00')}&end=${encodeURIComponent('2024-10-01T12:02+02:00')}`,
      );
      expect(zoned.items).toEqual(utc.items);
      expect(zoned.start).toBe('2024-10-01T10:00:00.000Z');
    });

    it('pages by keyset: pages join up to the whole range with no gap or repeat', async () => {
      const range = 'start=2024-10-01&end=2024-10-02&variables=power';
      const first = await json(`/v1/readings?${range}&limit=500`);
      expect(first.items).toHaveLength(500);
      expect(first.next_cursor).toEqual(expect.any(String));
      const paged = await allPages(`/v1/readings?${range}&limit=500`);
      const whole = await json(`/v1/readings?${range}`);
      expect(paged).toEqual(whole.items);
    });

    it('answers an empty page for a range without readings', async () => {
      const page = await json('/v1/readings?start=2030-01-01&end=2030-01-02');
      expect(page.items).toEqual([]);
      expect(page.next_cursor).toBeNull();
    });

    it('echoes a sane X-Request-Id and makes one otherwise', async () => {
      const given = await get('/v1/variables', { 'x-request-id': 'abc-123' });
      expect(given.headers.get('x-request-id')).toBe('abc-123');
      const made = await get('/v1/variables', { 'x-request-id': 'bad id with spaces' });
      expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    });
  });

  describe('GET /v1/readings (NDJSON and CSV streams)', () => {
    const range = 'start=2024-10-01T00:00:00Z&end=2024-10-03T00:00:00Z&variables=wind_speed,power';

    it('NDJSON holds exactly the items of the JSON pages', async () => {
      const pages = await allPages(`/v1/readings?${range}`);
      expect(pages).toHaveLength(2880);
      const response = await get(`/v1/readings?${range}&format=ndjson`);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
      const text = await response.text();
      expect(text.endsWith('\n')).toBe(true);
      expect(
        text
          .trimEnd()
          .split('\n')
          .map((line) => JSON.parse(line)),
      ).toEqual(pages);
    });

    it('CSV holds a header and exactly the items of the JSON pages', async () => {
      const pages = await allPages(`/v1/readings?${range}`);
      const response = await get(`/v1/readings?${range}`, { accept: 'text/csv' });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('text/csv; charset=utf-8');
      const [header, ...lines] = (await response.text()).trimEnd().split('\n');
      expect(header).toBe('timestamp,wind_speed,power');
      expect(
        lines.map((line) => {
          const [timestamp, wind, power] = line.split(',');
          return { timestamp, wind_speed: Number(wind), power: Number(power) };
        }),
      ).toEqual(pages);
    });

    it('selects NDJSON by the Accept header, and the format parameter wins over it', async () => {
      const byAccept = await get('/v1/readings?start=2024-10-01&end=2024-10-01T00:02', {
        accept: 'application/x-ndjson',
      });
      expect(byAccept.headers.get('content-type')).toContain('application/x-ndjson');
      expect((await byAccept.text()).split('\n')).toHaveLength(3);
      const byParam = await get('/v1/readings?start=2024-10-01&end=2024-10-01T00:02&format=json', {
        accept: 'text/csv',
      });
      expect(byParam.headers.get('content-type')).toContain('application/json');
    });

    it('honours Accept weights: q=0 refuses a type, the highest q wins, then the most specific range', async () => {
      const range = '/v1/readings?start=2024-10-01&end=2024-10-01T00:02';
      const typeFor = async (accept: string, query = '') =>
        (await get(`${range}${query}`, { accept })).headers.get('content-type');
      expect(await typeFor('text/csv;q=0, application/json')).toBe('application/json; charset=utf-8');
      expect(await typeFor('text/csv;q=0.5, application/x-ndjson;q=0.8')).toBe(
        'application/x-ndjson; charset=utf-8',
      );
      expect(await typeFor('application/json;q=0.1, text/*')).toBe('text/csv; charset=utf-8');
      expect(await typeFor('*/*;q=0.5, text/csv;q=0')).toBe('application/json; charset=utf-8');
      // Nothing acceptable is served as JSON, as for a type this API does not produce.
      expect(await typeFor('text/csv;q=0')).toBe('application/json; charset=utf-8');
      expect(await typeFor('text/html')).toBe('application/json; charset=utf-8');
      // The format parameter still wins over the header.
      expect(await typeFor('text/csv;q=0', '&format=csv')).toBe('text/csv; charset=utf-8');
    });

    it('streams a header only for an empty CSV range', async () => {
      const response = await get('/v1/readings?start=2030-01-01&end=2030-01-02&format=csv&variables=power');
      expect(await response.text()).toBe('timestamp,power\n');
    });
  });

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

  describe('other routes', () => {
    it('GET /v1/variables lists names, units and coverage', async () => {
      const body = await json<{ variables: unknown[] }>('/v1/variables');
      expect(body.variables).toEqual([
        {
          name: 'wind_speed',
          unit: 'm/s',
          description: expect.any(String),
          first: '2024-10-01T00:00:00.000Z',
          last: '2024-10-23T23:00:00.000Z',
        },
        {
          name: 'power',
          unit: 'kW',
          description: expect.any(String),
          first: '2024-10-01T00:00:00.000Z',
          last: '2024-10-23T23:00:00.000Z',
        },
        {
          name: 'ambient_temperature',
          unit: '°C',
          description: expect.any(String),
          first: '2024-10-01T00:00:00.000Z',
          last: '2024-10-23T23:00:00.000Z',
        },
      ]);
    });

    it('GET /health checks the database', async () => {
      expect(await json('/health')).toEqual({ status: 'ok', checks: { source: { status: 'up' } } });
    });

    it('GET /docs serves the OpenAPI UI and document', async () => {
      const ui = await get('/docs');
      expect(ui.status).toBe(200);
      expect(await ui.text()).toContain('swagger');
      const document = await json<{ paths: Record<string, unknown> }>('/docs/openapi.json');
      expect(Object.keys(document.paths).sort()).toEqual(['/health', '/v1/readings', '/v1/variables']);
    });

    it('documents limit as an integer with its bounds', async () => {
      const document = await json<{
        paths: Record<string, { get: { parameters: { name: string; schema: Record<string, unknown> }[] } }>;
      }>('/docs/openapi.json');
      const limit = document.paths['/v1/readings']!.get.parameters.find((p) => p.name === 'limit');
      expect(limit?.schema).toMatchObject({ type: 'integer', minimum: 1, maximum: 10080, default: 1440 });
    });

    it('documents /health answering 200 or 503', async () => {
      const document = await json<{ paths: Record<string, { get: { responses: Record<string, unknown> } }> }>(
        '/docs/openapi.json',
      );
      expect(Object.keys(document.paths['/health']!.get.responses).sort()).toEqual(['200', '503']);
    });
  });

  describe('values JSON cannot hold', () => {
    it('answers NaN and infinities as null in JSON and NDJSON, empty in CSV', async () => {
      await source
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
      await source.pgPool().query(`DELETE FROM source.data WHERE "timestamp" < '1000-01-01T00:00:00Z'`);
    });

    it('reads them as the years given (not 1900-1999), and pages and streams their readings', async () => {
      await source
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
      await source
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
      await source.pgPool().query('ALTER TABLE IF EXISTS source.data_moved RENAME TO data');
    });

    it('answers a generic 500 with the request id, without leaking the SQL error', async () => {
      await source.pgPool().query('ALTER TABLE source.data RENAME TO data_moved');
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
