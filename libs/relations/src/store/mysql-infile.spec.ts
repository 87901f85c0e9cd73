import { PairChanges, UNKNOWN } from '../diff/relation-diff';
import { additionLines } from './mysql-relations-store';

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
});
