import type { PartitionStatus } from './ledger/run-ledger';

function cell(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (value instanceof Date) return value.toISOString().replace('.000Z', 'Z');
  return String(value);
}

/**
 * The partition grid as a text table: one line per partition with its latest state. With `keys`,
 * partitions that never ran are listed as "missing".
 */
export function renderStatusTable(statuses: readonly PartitionStatus[], keys?: readonly string[]): string {
  const byKey = new Map(statuses.map((s) => [s.partition, s]));
  const partitions = keys ?? statuses.map((s) => s.partition);
  const header = [
    'partition',
    'status',
    'attempt',
    'trigger',
    'rows read',
    'rows written',
    'finished',
    'note',
  ];
  const lines = partitions.map((partition) => {
    const s = byKey.get(partition);
    if (!s) return [partition, 'missing', '-', '-', '-', '-', '-', ''];
    const note = s.error ?? (typeof s.metadata['note'] === 'string' ? s.metadata['note'] : '');
    return [partition, s.status, s.attempt, s.trigger, s.rowsRead, s.rowsWritten, s.finishedAt, note].map(
      cell,
    );
  });
  const rows = [header, ...lines];
  const widths = header.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(line[1]!, (counts.get(line[1]!) ?? 0) + 1);
  const summary = [...counts.entries()].map(([status, n]) => `${n} ${status}`).join(', ');
  return (
    rows
      .map((r) =>
        r
          .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + `\n${partitions.length} partitions${summary ? `: ${summary}` : ''}\n`
  );
}
