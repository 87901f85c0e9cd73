import { RELATIONS_SAMPLE_XLSX } from '@caudal/relations';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seedDropFolder } from './drop-folder';

describe('launcher: the relations drop folder', () => {
  let home: string;
  beforeEach(async () => {
    home = await mkdtemp(join(tmpdir(), 'caudal-drop-'));
  });
  afterEach(async () => {
    await rm(home, { recursive: true, force: true });
  });

  it("creates the folder and puts the seed's workbook in it, byte for byte", async () => {
    const folder = join(home, 'relations', 'drop');
    expect(await seedDropFolder(folder, RELATIONS_SAMPLE_XLSX)).toBe(join(folder, 'relaciones.xlsx'));
    expect(await readFile(join(folder, 'relaciones.xlsx'))).toEqual(await readFile(RELATIONS_SAMPLE_XLSX));
  });

  it('leaves a folder that already holds a workbook as it is (other files do not count)', async () => {
    await writeFile(join(home, 'notes.txt'), 'not a workbook');
    expect(await seedDropFolder(home, RELATIONS_SAMPLE_XLSX)).toBe(join(home, 'relaciones.xlsx'));
    const mine = join(home, 'mine.XLSX');
    await rm(join(home, 'relaciones.xlsx'));
    await writeFile(mine, 'the team dropped this one');
    expect(await seedDropFolder(home, RELATIONS_SAMPLE_XLSX)).toBeUndefined();
    expect((await readdir(home)).sort()).toEqual(['mine.XLSX', 'notes.txt']);
  });
});
