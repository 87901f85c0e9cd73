import { BLANK, INVALID } from '../workbook/cell-values';
import type { MatrixHeader, MatrixRow } from '../workbook/matrix-sheet';

/** "Unknown" in the value columns below (no stored row, or cleared). */
export const UNKNOWN = -1;

function grow<T extends Int32Array | Int8Array>(array: T, length: number): T {
  if (length < array.length) return array;
  const next = new (array.constructor as new (n: number) => T)(Math.max(16, array.length * 2));
  next.set(array);
  return next;
}

/**
 * Stored relations of some people, as columns of typed arrays (a batch holds hundreds of thousands
 * of pairs: columns keep them compact and out of the garbage collector's way).
 */
export class StoredRelations {
  length = 0;
  persons = new Int32Array(1024);
  related = new Int32Array(1024);
  values = new Int8Array(1024);

  push(person: number, related: number, value: number): void {
    this.persons = grow(this.persons, this.length);
    this.related = grow(this.related, this.length);
    this.values = grow(this.values, this.length);
    this.persons[this.length] = person;
    this.related[this.length] = related;
    this.values[this.length] = value;
    this.length++;
  }

  /**
   * Adds one person's pairs packed as text, `related * 2 + value` comma-separated (how both stores
   * aggregate them: one short string per person instead of one row per pair).
   */
  pushPacked(person: number, packed: string): void {
    let n = 0;
    let digits = 0;
    for (let i = 0; i <= packed.length; i++) {
      const code = i < packed.length ? packed.charCodeAt(i) : 44;
      if (code === 44) {
        if (digits > 0) this.push(person, Math.floor(n / 2), n % 2);
        n = 0;
        digits = 0;
      } else if (code >= 48 && code <= 57) {
        n = n * 10 + (code - 48);
        digits++;
      } else {
        throw new Error(`bad packed relation list for person ${person}`);
      }
    }
  }
}

/** Pair changes as columns (bulk statements take columns): UNKNOWN before = added, after = cleared. */
export class PairChanges {
  length = 0;
  persons = new Int32Array(1024);
  related = new Int32Array(1024);
  before = new Int8Array(1024);
  after = new Int8Array(1024);

  push(person: number, related: number, before: number, after: number): void {
    this.persons = grow(this.persons, this.length);
    this.related = grow(this.related, this.length);
    this.before = grow(this.before, this.length);
    this.after = grow(this.after, this.length);
    this.persons[this.length] = person;
    this.related[this.length] = related;
    this.before[this.length] = before;
    this.after[this.length] = after;
    this.length++;
  }
}

export interface DiffCounts {
  /** Known in the file, unknown before: inserted. */
  added: number;
  /** Known in the file with another value than stored: updated. */
  changed: number;
  /** Known in the file with the stored value: not written. */
  unchanged: number;
  /** Stored, but blank or absent in the file (and not rejected): deleted from the current state. */
  cleared: number;
}

export function emptyCounts(): DiffCounts {
  return { added: 0, changed: 0, unchanged: 0, cleared: 0 };
}

export function addCounts(total: DiffCounts, part: DiffCounts): void {
  total.added += part.added;
  total.changed += part.changed;
  total.unchanged += part.unchanged;
  total.cleared += part.cleared;
}

/**
 * The difference between some rows of the file and what is stored for their people (pure).
 * Direction is kept: (row person, column person). A rejected cell keeps its stored value; a blank
 * cell clears a stored value; a stored pair whose related person is not a column of the file is
 * cleared too, unless `keepAbsentColumns` (set when some column id was rejected: that column may be
 * the absent person).
 */
export function diffRows(
  rows: readonly MatrixRow[],
  header: MatrixHeader,
  stored: StoredRelations,
  { keepAbsentColumns = false }: { keepAbsentColumns?: boolean } = {},
): { changes: PairChanges; counts: DiffCounts } {
  const width = header.ids.length;
  const changes = new PairChanges();
  const counts = emptyCounts();
  const rowIndex = new Map<number, number>();
  rows.forEach((row, i) => rowIndex.set(row.person, i));
  const before = new Int8Array(rows.length * width).fill(UNKNOWN);
  for (let i = 0; i < stored.length; i++) {
    const person = stored.persons[i]!;
    const related = stored.related[i]!;
    const index = rowIndex.get(person);
    if (index === undefined) continue;
    const position = header.positionOf.get(related);
    if (position !== undefined) {
      before[index * width + position] = stored.values[i]!;
    } else if (!keepAbsentColumns) {
      changes.push(person, related, stored.values[i]!, UNKNOWN);
      counts.cleared++;
    }
  }
  rows.forEach((row, index) => {
    const offset = index * width;
    for (let position = 0; position < width; position++) {
      const related = header.ids[position]!;
      if (related === 0) continue;
      const now = row.codes[position]!;
      if (now === INVALID) continue;
      const old = before[offset + position]!;
      if (now === BLANK) {
        if (old !== UNKNOWN) {
          changes.push(row.person, related, old, UNKNOWN);
          counts.cleared++;
        }
      } else if (old === UNKNOWN) {
        changes.push(row.person, related, UNKNOWN, now);
        counts.added++;
      } else if (old !== now) {
        changes.push(row.person, related, old, now);
        counts.changed++;
      } else {
        counts.unchanged++;
      }
    }
  });
  return { changes, counts };
}
