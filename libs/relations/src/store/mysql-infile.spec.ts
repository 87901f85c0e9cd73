import { PairChanges, UNKNOWN } from '../diff/relation-diff';
import { additionLines, infileChunks } from './mysql-relations-store';

describe('additionLines (the LOAD DATA stream of a load onto an empty table)', () => {
  it('writes person TAB related TAB value LF per addition, int32 ids in full', () => {
    const changes = new PairChanges();
    changes.push(1, 2, UNKNOWN, 0);
    changes.push(2_147_483_647, 10, UNKNOWN, 1);
    changes.push(40, 2_147_483_647, UNKNOWN, 1);
    expect(additionLines(changes).toString('latin1')).toBe('1\t2\t0\n2147483647\t10\t1\n40\t2147483647\t1\n');
  });

  it('writes nothing for no changes', () => {
    expect(additionLines(new PairChanges()).length).toBe(0);
  });

  it('refuses anything but an addition (a change or a clearing has no place on an empty table)', () => {
    const changed = new PairChanges();
    changed.push(1, 2, 0, 1);
    expect(() => additionLines(changed)).toThrow('can only add pairs');
    const cleared = new PairChanges();
    cleared.push(1, 2, UNKNOWN, UNKNOWN);
    expect(() => additionLines(cleared)).toThrow('can only add pairs');
  });

  it('streams each batch in chunks of at most 1 MB (one protocol packet each), splitting lines anywhere', async () => {
    const big = new PairChanges();
    for (let i = 1; i <= 100_000; i++) big.push(1_000_000 + i, 2_000_000 + i, UNKNOWN, i % 2);
    const small = new PairChanges();
    small.push(7, 8, UNKNOWN, 1);
    async function* batches() {
      yield big;
      yield small;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of infileChunks(batches())) chunks.push(chunk);
    expect(chunks.length).toBe(3);
    expect(Math.max(...chunks.map((chunk) => chunk.length))).toBe(1024 * 1024);
    expect(Buffer.concat(chunks).equals(Buffer.concat([additionLines(big), additionLines(small)]))).toBe(
      true,
    );
  });
});
