import { ConfigValidationError } from '@caudal/platform';
import { loadRelationsConfig } from './relations-runtime';
import { describeRun, renderLoads } from './run-report';

describe('run report', () => {
  const loaded = {
    partition: 'all',
    status: 'succeeded' as const,
    attempts: 1,
    durationMs: 1234,
    outcome: {
      rowsRead: 1029,
      rowsWritten: 150,
      metadata: {
        outcome: 'loaded',
        file: 'v2.xlsx',
        load_id: 2,
        cells_read: 1029,
        added: 147,
        changed: 2,
        unchanged: 878,
        cleared: 1,
        rejected: 22,
        people_added: 0,
        people_updated: 1,
        rejects: Array.from({ length: 21 }, (_, i) => ({
          sheet: 'Matriz de adyacencia',
          cell: `C${i + 3}`,
          value: 'x',
          reason: 'relation must be 0, 1 or blank',
        })),
        notes: ['no sheet "Lista de actores": names unchanged'],
      },
    },
  };

  it('prints the counts, up to 20 rejects with their address, and the notes', () => {
    const lines = describeRun(loaded);
    expect(lines[0]).toBe(
      'v2.xlsx -> load #2: 1,029 cells read; 147 added, 2 changed, 878 unchanged, 1 cleared, 22 rejected; ' +
        'people: 0 added, 1 updated (1.23 s)',
    );
    expect(lines[1]).toBe('  rejected "Matriz de adyacencia"!C3 = "x": relation must be 0, 1 or blank');
    expect(lines).toHaveLength(1 + 20 + 2);
    expect(lines[21]).toBe(
      '  ... and 2 more rejects (table load_rejects, load_id 2; it keeps the first 10,000)',
    );
    expect(lines[22]).toBe('  note: no sheet "Lista de actores": names unchanged');
  });

  it('prints unchanged, skipped and failed runs in one line', () => {
    const base = { partition: 'all', attempts: 1, durationMs: 5 };
    expect(
      describeRun({
        ...base,
        status: 'succeeded',
        outcome: {
          rowsRead: 0,
          rowsWritten: 0,
          metadata: { outcome: 'unchanged', file: 'a.xlsx', sha256: 'ab'.repeat(32), same_as_load: 3 },
        },
      }),
    ).toEqual(['a.xlsx: same file as load #3 (sha256 abababababab...): nothing changed']);
    expect(describeRun({ ...base, status: 'skipped', attempts: 0 })).toEqual([
      'another relations load is running; nothing done',
    ]);
    expect(describeRun({ ...base, status: 'failed', attempts: 3, error: 'boom' })).toEqual([
      'relations load failed after 3 attempt(s): boom',
    ]);
  });

  it('renders the loads table', () => {
    const text = renderLoads([
      {
        id: 2,
        fileName: 'v2.xlsx',
        sha256: 'f'.repeat(64),
        startedAt: new Date('2026-11-22T02:00:00Z'),
        finishedAt: new Date('2026-11-22T02:00:01.500Z'),
        cellsRead: 1029,
        added: 147,
        changed: 2,
        unchanged: 878,
        cleared: 1,
        rejected: 2,
        peopleAdded: 0,
        peopleUpdated: 1,
      },
    ]);
    expect(text.split('\n')[1]).toBe(
      '2     2026-11-22T02:00:01.500Z  v2.xlsx  ffffffffffff  1,029  147    2        878        1        2',
    );
    expect(renderLoads([])).toBe('no loads yet\n');
  });
});

describe('configuration', () => {
  it('defaults to a daily 02:00 run in America/Bogota on the embedded database', () => {
    const config = loadRelationsConfig({});
    expect(config).toMatchObject({
      RELATIONS_SCHEDULE: '0 2 * * *',
      RELATIONS_TIME_ZONE: 'America/Bogota',
      RELATIONS_RUN_ON_START: 'true',
      RELATIONS_RETRY_ATTEMPTS: 3,
    });
    expect(config.RELATIONS_DATABASE_URL).toBeUndefined();
  });

  it('names every bad variable', () => {
    expect(() =>
      loadRelationsConfig({
        RELATIONS_DATABASE_URL: 'oracle://x',
        RELATIONS_SCHEDULE: 'daily',
        RELATIONS_TIME_ZONE: 'Nowhere/City',
        RELATIONS_RUN_ON_START: 'yes',
      }),
    ).toThrow(ConfigValidationError);
    let error: unknown;
    try {
      loadRelationsConfig({ RELATIONS_SCHEDULE: 'a b c d e', RELATIONS_RUN_ON_START: 'yes' });
    } catch (caught) {
      error = caught;
    }
    expect((error as ConfigValidationError).problems).toEqual([
      'RELATIONS_SCHEDULE: must be a cron expression with 5 or 6 fields, such as "10 0 * * *"',
      'RELATIONS_RUN_ON_START: must be true or false',
    ]);
  });
});
