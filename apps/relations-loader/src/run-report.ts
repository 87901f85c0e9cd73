import type { PartitionResult } from '@caudal/pipelines';
import type { CellReject, LoadRecord } from '@caudal/relations';

const SHOWN_REJECTS = 20;

function n(value: unknown): string {
  return Number(value ?? 0).toLocaleString('en-US');
}

/** What `relations run` prints for one run: the counts, each reject (up to 20) and any notes. */
export function describeRun(result: PartitionResult): string[] {
  const seconds = (result.durationMs / 1000).toFixed(2);
  if (result.interrupted && result.status === 'skipped')
    return ['interrupted before the load started; nothing done'];
  if (result.status === 'skipped') return ['another relations load is running; nothing done'];
  if (result.status === 'failed') {
    return [`relations load failed after ${result.attempts} attempt(s): ${result.error}`];
  }
  const m = (result.outcome?.metadata ?? {}) as Record<string, unknown>;
  if (m['outcome'] === 'unchanged') {
    const sha = String(m['sha256']).slice(0, 12);
    return [`${m['file']}: same file as load #${m['same_as_load']} (sha256 ${sha}...): nothing changed`];
  }
  const lines = [
    `${m['file']} -> load #${m['load_id']}: ${n(m['cells_read'])} cells read; ${n(m['added'])} added, ` +
      `${n(m['changed'])} changed, ${n(m['unchanged'])} unchanged, ${n(m['cleared'])} cleared, ` +
      `${n(m['rejected'])} rejected; people: ${n(m['people_added'])} added, ${n(m['people_updated'])} updated ` +
      `(${seconds} s)`,
  ];
  const rejects = (m['rejects'] ?? []) as CellReject[];
  for (const reject of rejects.slice(0, SHOWN_REJECTS)) {
    lines.push(
      `  rejected "${reject.sheet}"!${reject.cell} = ${JSON.stringify(reject.value)}: ${reject.reason}`,
    );
  }
  const more = Number(m['rejected'] ?? 0) - Math.min(rejects.length, SHOWN_REJECTS);
  if (more > 0) {
    lines.push(
      `  ... and ${n(more)} more rejects (table load_rejects, load_id ${m['load_id']}; it keeps the first 10,000)`,
    );
  }
  for (const note of (m['notes'] ?? []) as string[]) lines.push(`  note: ${note}`);
  return lines;
}

/** The latest loads as a text table (newest first). */
export function renderLoads(loads: readonly LoadRecord[]): string {
  if (loads.length === 0) return 'no loads yet\n';
  const header = ['load', 'finished (UTC)', 'file', 'sha256', 'cells', 'added', 'changed', 'unchanged'];
  header.push('cleared', 'rejected');
  const rows = loads.map((l) => [
    String(l.id),
    l.finishedAt ? l.finishedAt.toISOString().replace('.000Z', 'Z') : '-',
    l.fileName,
    l.sha256.slice(0, 12),
    ...[l.cellsRead, l.added, l.changed, l.unchanged, l.cleared, l.rejected].map((v) => n(v)),
  ]);
  const all = [header, ...rows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  return (
    all
      .map((r) =>
        r
          .map((c, i) => c.padEnd(widths[i]!))
          .join('  ')
          .trimEnd(),
      )
      .join('\n') + '\n'
  );
}
