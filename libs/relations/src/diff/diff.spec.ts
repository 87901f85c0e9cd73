import { BLANK, INVALID } from '../workbook/cell-values';
import type { MatrixHeader, MatrixRow } from '../workbook/matrix-sheet';
import { labelDisagreements, mergePeople, type PersonRecord } from './people-merge';
import { diffRows, StoredRelations, UNKNOWN, type PairChanges } from './relation-diff';

function header(ids: number[]): MatrixHeader {
  return {
    ids: Int32Array.from(ids),
    labels: ids.map(() => undefined),
    positionOf: new Map(ids.flatMap((id, i) => (id === 0 ? [] : [[id, i] as [number, number]]))),
  };
}

function matrixRow(person: number, codes: number[]): MatrixRow {
  return { rowNumber: person + 2, person, label: undefined, codes: Int8Array.from(codes) };
}

function stored(...pairs: [number, number, number][]): StoredRelations {
  const relations = new StoredRelations();
  for (const [person, related, value] of pairs) relations.push(person, related, value);
  return relations;
}

function list(changes: PairChanges): string[] {
  const show = (v: number) => (v === UNKNOWN ? '-' : String(v));
  return Array.from(
    { length: changes.length },
    (_, i) =>
      `${changes.persons[i]}->${changes.related[i]} ${show(changes.before[i]!)}=>${show(changes.after[i]!)}`,
  );
}

describe('diffRows', () => {
  it('adds, changes, keeps and clears by direction (row person -> column person)', () => {
    const { changes, counts } = diffRows(
      [matrixRow(1, [0, 1, BLANK, 1]), matrixRow(2, [1, 0, BLANK, BLANK])],
      header([1, 2, 3, 4]),
      stored([1, 1, 0], [1, 2, 0], [1, 3, 1], [2, 1, 0], [2, 4, 1]),
    );
    expect(list(changes)).toEqual([
      '1->2 0=>1',
      '1->3 1=>-',
      '1->4 -=>1',
      '2->1 0=>1',
      '2->2 -=>0',
      '2->4 1=>-',
    ]);
    expect(counts).toEqual({ added: 2, changed: 2, unchanged: 1, cleared: 2 });
  });

  it('keeps the stored value of a rejected cell', () => {
    const { changes, counts } = diffRows(
      [matrixRow(1, [INVALID, INVALID])],
      header([1, 2]),
      stored([1, 1, 1]),
    );
    expect(changes.length).toBe(0);
    expect(counts).toEqual({ added: 0, changed: 0, unchanged: 0, cleared: 0 });
  });

  it('clears pairs whose related person has no column, unless a column id was rejected', () => {
    const rows = [matrixRow(1, [1, BLANK])];
    const before = stored([1, 1, 1], [1, 9, 1]);
    expect(list(diffRows(rows, header([1, 0]), before).changes)).toEqual(['1->9 1=>-']);
    const kept = diffRows(rows, header([1, 0]), before, { keepAbsentColumns: true });
    expect(kept.changes.length).toBe(0);
    expect(kept.counts.unchanged).toBe(1);
  });

  it('unpacks stored pairs aggregated as related * 2 + value', () => {
    const relations = new StoredRelations();
    relations.pushPacked(7, '2,5,4000000001');
    relations.pushPacked(8, '');
    expect([...relations.persons.subarray(0, relations.length)]).toEqual([7, 7, 7]);
    expect([...relations.related.subarray(0, relations.length)]).toEqual([1, 2, 2000000000]);
    expect([...relations.values.subarray(0, relations.length)]).toEqual([0, 1, 1]);
    expect(() => relations.pushPacked(9, '3;4')).toThrow('bad packed relation list');
  });

  it('grows its columns past the initial capacity', () => {
    const width = 1500;
    const { changes, counts } = diffRows(
      [matrixRow(1, new Array<number>(width).fill(1))],
      header(Array.from({ length: width }, (_, i) => i + 1)),
      new StoredRelations(),
    );
    expect(changes.length).toBe(width);
    expect(counts.added).toBe(width);
    expect(changes.related[width - 1]).toBe(width);
  });
});

describe('mergePeople', () => {
  const stored = new Map<number, PersonRecord>([
    [2, { id: 2, rowLabel: 'B', columnLabel: 'B', listLabel: 'B', name: 'Jorge Iván Palacio' }],
    [3, { id: 3, rowLabel: 'C', columnLabel: 'C', listLabel: 'C', name: 'Rosa Peña' }],
    [4, { id: 4, rowLabel: 'D', columnLabel: 'D', listLabel: 'D', name: 'Viviana Tacha' }],
  ]);

  it('adds new ids, updates the fields the file gives and keeps the others', () => {
    const result = mergePeople(
      stored,
      new Map([
        [1, { rowLabel: 'A', listLabel: 'A', name: 'Helena' }],
        [2, { name: 'Jorge I. Palacio' }],
        [3, { rowLabel: 'C', columnLabel: 'C' }],
      ]),
    );
    expect(result.added).toEqual([
      { id: 1, rowLabel: 'A', columnLabel: null, listLabel: 'A', name: 'Helena' },
    ]);
    expect(result.updated).toEqual([
      { id: 2, rowLabel: 'B', columnLabel: 'B', listLabel: 'B', name: 'Jorge I. Palacio' },
    ]);
    expect(result.unchanged).toBe(1);
  });

  it('lists ids whose labels disagree', () => {
    expect(
      labelDisagreements(
        new Map([
          [14, { rowLabel: 'N', columnLabel: 'N', listLabel: 'N' }],
          [41, { rowLabel: 'AÑ', columnLabel: 'AN', listLabel: 'AÑ' }],
          [48, { rowLabel: 'AW', listLabel: 'AV' }],
        ]),
      ),
    ).toEqual([41, 48]);
  });
});
