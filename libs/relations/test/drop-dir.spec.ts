import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isWorkbookName, newestWorkbook } from '../src';

describe('the drop folder', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'caudal-drop-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const file = (name: string, secondsAgo: number) => {
    const path = join(dir, name);
    writeFileSync(path, name);
    const at = new Date(Date.UTC(2026, 0, 1) - secondsAgo * 1000);
    utimesSync(path, at, at);
    return path;
  };

  it('takes the newest .xlsx, ignoring lock files, hidden files and other types', async () => {
    expect(await newestWorkbook(join(dir, 'missing'))).toBeUndefined();
    expect(await newestWorkbook(dir)).toBeUndefined();
    file('relaciones-v1.xlsx', 300);
    const newest = file('relaciones-v2.XLSX', 200);
    file('~$relaciones-v2.xlsx', 10);
    file('.hidden.xlsx', 10);
    file('notes.csv', 5);
    mkdirSync(join(dir, 'folder.xlsx'));
    expect(await newestWorkbook(dir)).toBe(newest);
    expect(isWorkbookName('a.xlsx')).toBe(true);
    expect(isWorkbookName('~$a.xlsx')).toBe(false);
  });
});
