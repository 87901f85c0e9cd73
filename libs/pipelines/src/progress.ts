import type { PartitionResult } from './executor';

export interface ProgressState {
  done: number;
  total: number;
  failed: number;
  elapsedMs: number;
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)}s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60
    ? `${minutes}m${String(Math.ceil(seconds % 60)).padStart(2, '0')}s`
    : `${Math.floor(minutes / 60)}h${String(minutes % 60).padStart(2, '0')}m`;
}

/** One progress line: bar, done/total, percent, rate, ETA and failures. */
export function renderProgress({ done, total, failed, elapsedMs }: ProgressState, width = 24): string {
  const fraction = total === 0 ? 1 : done / total;
  const filled = Math.round(fraction * width);
  const rate = elapsedMs > 0 ? done / (elapsedMs / 1000) : 0;
  const eta = done === total ? 0 : rate > 0 ? (total - done) / rate : Number.POSITIVE_INFINITY;
  return (
    `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${String(Math.round(fraction * 100)).padStart(3)}%` +
    `  ${rate.toFixed(1)}/s  ETA ${duration(eta)}${failed ? `  ${failed} failed` : ''}`
  );
}

/**
 * A progress bar on a terminal (one line redrawn in place), plain lines elsewhere (CI, pipes): one
 * per partition with its outcome.
 */
export class ProgressReporter {
  private done = 0;
  private failed = 0;
  private readonly started = performance.now();

  constructor(
    private readonly total: number,
    private readonly out: NodeJS.WriteStream = process.stderr,
  ) {
    if (this.out.isTTY && total > 0) this.out.write(renderProgress(this.state()));
  }

  private state(): ProgressState {
    return {
      done: this.done,
      total: this.total,
      failed: this.failed,
      elapsedMs: performance.now() - this.started,
    };
  }

  /** Ends the bar's line when the run stopped before every partition was done (an interrupt). */
  finish(): void {
    if (this.out.isTTY && this.total > 0 && this.done < this.total) this.out.write('\n');
  }

  result(result: PartitionResult): void {
    this.done++;
    if (result.status === 'failed') this.failed++;
    if (this.out.isTTY) {
      if (result.status === 'failed') this.out.write(`\r\x1b[K${result.partition} failed: ${result.error}\n`);
      this.out.write(`\r\x1b[K${renderProgress(this.state())}`);
      if (this.done === this.total) this.out.write('\n');
      return;
    }
    const rows = result.outcome ? ` ${result.outcome.rowsWritten} rows` : '';
    const detail = result.status === 'failed' ? `: ${result.error}` : rows;
    this.out.write(
      `[${this.done}/${this.total}] ${result.partition} ${result.status}${detail} (${(result.durationMs / 1000).toFixed(2)} s)  ` +
        `${renderProgress(this.state(), 0).replace(/^\[\] /, '')}\n`,
    );
  }
}
