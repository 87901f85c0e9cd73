import type { VariableName } from '../variables';
import type { ReadingsRange } from './readings-query';

/** A reading as the repository returns it: [epoch ms, ...values in the requested variables' order]. */
export type ReadingRow = [number, ...(number | null)[]];

const jsonNumber = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value) ? 'null' : String(value);
const csvNumber = (value: number | null | undefined) =>
  value === null || value === undefined || !Number.isFinite(value) ? '' : String(value);

/** Serializers for one set of variables; strings are built directly (no intermediate objects). */
export class ReadingsFormatter {
  private readonly keys: string[];

  constructor(readonly variables: readonly VariableName[]) {
    this.keys = variables.map((name) => `,"${name}":`);
  }

  jsonItem(row: ReadingRow): string {
    let out = `{"timestamp":"${new Date(row[0]).toISOString()}"`;
    for (let i = 0; i < this.keys.length; i++) out += this.keys[i] + jsonNumber(row[i + 1]);
    return out + '}';
  }

  jsonPage(range: ReadingsRange, rows: readonly ReadingRow[], nextCursor: string | null): string {
    const items = rows.map((row) => this.jsonItem(row)).join(',');
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
      out += new Date(row[0]).toISOString();
      for (let i = 1; i <= this.variables.length; i++) out += ',' + csvNumber(row[i]);
      out += '\n';
    }
    return out;
  }
}
