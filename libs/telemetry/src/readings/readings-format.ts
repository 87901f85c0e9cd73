import type { VariableName } from '../variables';
import type { ReadingsRange } from './readings-query';

/**
 * A reading as the repository returns it, in PostgreSQL's own text: [ISO timestamp, ...values in the
 * requested variables' order]. float8 text (shortest exact form, e.g. "4.971" or "1e-05") is already
 * a valid JSON and CSV number, so values are passed through without a parse and re-format.
 */
export type ReadingRow = [string, ...(string | null)[]];

// NaN and ±Infinity are valid float8 values but not JSON numbers: they are written as null / empty.
const finite = (value: string | null | undefined): value is string =>
  value !== null && value !== undefined && value !== 'NaN' && value !== 'Infinity' && value !== '-Infinity';
const jsonNumber = (value: string | null | undefined) => (finite(value) ? value : 'null');
const csvNumber = (value: string | null | undefined) => (finite(value) ? value : '');

/** Serializers for one set of variables; strings are built directly (no intermediate objects). */
export class ReadingsFormatter {
  private readonly keys: string[];

  constructor(readonly variables: readonly VariableName[]) {
    this.keys = variables.map((name) => `,"${name}":`);
  }

  jsonItem(row: ReadingRow): string {
    let out = `{"timestamp":"${row[0]}"`;
    for (let i = 0; i < this.keys.length; i++) out += this.keys[i] + jsonNumber(row[i + 1]);
    return out + '}';
  }

  jsonPage(range: ReadingsRange, rows: readonly ReadingRow[], nextCursor: string | null): string {
    return this.jsonPageOfItems(range, rows.map((row) => this.jsonItem(row)).join(','), nextCursor);
  }

  /** A JSON page around items already serialized (comma-joined jsonItem texts). */
  jsonPageOfItems(range: ReadingsRange, items: string, nextCursor: string | null): string {
    return (
      `{"start":"${range.start.toISOString()}","end":"${range.end.toISOString()}",` +
      `"variables":${JSON.stringify(this.variables)},"items":[${items}],` +
      `"next_cursor":${nextCursor === null ? 'null' : JSON.stringify(nextCursor)}}`
    );
  }

  ndjsonLines(rows: readonly ReadingRow[]): string {
    let out = '';
    for (const row of rows) out += this.jsonItem(row) + '\n';
    return out;
  }

  csvHeader(): string {
    return ['timestamp', ...this.variables].join(',') + '\n';
  }

  csvLines(rows: readonly ReadingRow[]): string {
    let out = '';
    for (const row of rows) {
      out += row[0];
      for (let i = 1; i <= this.variables.length; i++) out += ',' + csvNumber(row[i]);
      out += '\n';
    }
    return out;
  }
}
