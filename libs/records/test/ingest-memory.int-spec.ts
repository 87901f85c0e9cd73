import { findWorkspaceRoot } from '@caudal/platform';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { HEADER, ingestTestBed } from './ingest-test-bed';

// The loader runs with a 128 MB heap (npm run records-loader): a file of long rows must fit in it.
describe('contacts ingestion memory (real PostgreSQL only: the child process needs its own session)', () => {
  const bed = ingestTestBed('records_ingest_memory');

  (process.env['TEST_POSTGRES_URL'] ? it : it.skip)(
    'loads 6,000 rows of 10 KB (60 MB) in a process limited to a 128 MB heap',
    async () => {
      const long = 'x'.repeat(10_000);
      const lines = [HEADER];
      // Rows with a 10 KB address (rejects: over the field limit) and, every 100th row, a valid one.
      for (let i = 0; i < 6000; i++)
        lines.push(`Mem,Row${i},Co,${long},Reno,NV,89501,,,long${i}@memory.com,Sales`);
      for (let i = 0; i < 60; i++) lines.push(`Mem,Ok${i},Co,1 St,Reno,NV,89501,,,ok${i}@memory.com,Sales`);
      const path = bed.write('long-rows.csv', lines.join('\n'));
      const root = findWorkspaceRoot(__dirname);
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--max-old-space-size=128',
          '--conditions=@caudal/source',
          '-r',
          join(root, 'tools/register.js'),
          join(__dirname, 'ingest-child.ts'),
          bed.url,
          path,
        ],
        { cwd: root, maxBuffer: 1024 * 1024 },
      );
      expect(JSON.parse(stdout)).toMatchObject({
        status: 'loaded',
        rowsRead: 6060,
        inserted: 60,
        rejected: 6000,
      });
      const { rows } = await bed.db.pgPool().query(
        `SELECT count(*)::int AS n, min(length(raw_line))::int AS len, min(reasons[1]) AS reason
         FROM records.rejects r JOIN records.ingestions i ON i.id = r.ingestion_id WHERE i.file_name = 'long-rows.csv'`,
      );
      expect(rows).toEqual([
        { n: 6000, len: lines[1]!.length, reason: 'address must be at most 200 characters, found 10000' },
      ]);
      expect(await bed.count('people')).toBe(60);
    },
  );
});
