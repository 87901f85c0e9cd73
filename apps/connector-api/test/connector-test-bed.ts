import { createLogger, type Database } from '@caudal/platform';
import { createTestPostgres, type TestPostgres } from '@caudal/testing';
import { readBaselWeather, readingsFromWeather, upsertReadings } from '@caudal/telemetry';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createConnectorApp, openSource } from '../src/connector';

// The connector API over real HTTP on a seeded source database (a new database on the server named
// by TEST_POSTGRES_URL, or PGlite when it is unset), shared by the API suites.

export interface Page {
  start: string;
  end: string;
  variables: string[];
  items: Record<string, string | number | null>[];
  next_cursor: string | null;
}

/** What the API suites share: the source database, and requests to the live API. */
export interface ConnectorTestBed {
  source: Database;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  /** A 200 answer's JSON body (the status is asserted). */
  json<T = Page>(path: string): Promise<T>;
  /** Every item of a JSON range, following next_cursor. */
  allPages(path: string): Promise<Page['items']>;
}

/** Starts the bed before the suite's tests and stops it after; `label` names the suite's database. */
export function connectorTestBed(label: string): ConnectorTestBed {
  let pg: TestPostgres;
  let app: NestFastifyApplication;
  let base: string;
  const bed = {
    get: (path: string, headers: Record<string, string> = {}) => fetch(`${base}${path}`, { headers }),
    async json<T = Page>(path: string): Promise<T> {
      const response = await bed.get(path);
      expect(response.status).toBe(200);
      return (await response.json()) as T;
    },
    async allPages(path: string): Promise<Page['items']> {
      const items: Page['items'] = [];
      let next: string | null = null;
      do {
        const page: Page = await bed.json(`${path}${next ? `&cursor=${encodeURIComponent(next)}` : ''}`);
        items.push(...page.items);
        next = page.next_cursor;
      } while (next);
      return items;
    },
  } as ConnectorTestBed;

  beforeAll(async () => {
    pg = await createTestPostgres(label);
    bed.source = await openSource(pg.url);
    await upsertReadings(bed.source.pgPool(), readingsFromWeather(readBaselWeather()));
    app = await createConnectorApp(bed.source, createLogger('connector-api-test', 'silent'));
    await app.listen({ port: 0, host: '127.0.0.1' });
    base = (await app.getUrl()).replace('[::1]', '127.0.0.1');
  });

  afterAll(async () => {
    await app?.close();
    await bed.source?.close();
    await pg?.close();
  });
  return bed;
}
