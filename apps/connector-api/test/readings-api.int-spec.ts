import { connectorTestBed } from './connector-test-bed';

// The routes as they answer good requests: JSON pages, streams, variables, health, docs.
describe('connector API over HTTP (real PostgreSQL, or PGlite when TEST_POSTGRES_URL is unset)', () => {
  const bed = connectorTestBed('connector_api');
  const { get, json, allPages } = bed;

  describe('GET /v1/readings (JSON)', () => {
    it('returns one day of every variable, equal to the rows in the database', async () => {
      const page = await json('/v1/readings?start=2024-10-01T00:00:00Z&end=2024-10-02T00:00:00Z');
      expect(page.start).toBe('2024-10-01T00:00:00.000Z');
      expect(page.end).toBe('2024-10-02T00:00:00.000Z');
      expect(page.variables).toEqual(['wind_speed', 'power', 'ambient_temperature']);
      expect(page.items).toHaveLength(1440);
      expect(page.next_cursor).toBeNull();

      const { rows } = await bed.source.pgPool().query(
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
});
