import type { VariableName } from '../variables';
import { STATISTICS, signalName } from '../target/target-schema';

export const BUCKET_MS = 10 * 60_000;

/** One reading as the ETL receives it: epoch ms and the values of the extracted variables. */
export interface EtlReading {
  epochMs: number;
  values: Record<string, number | null>;
}

/** Running statistics of one variable in one bucket (Welford's algorithm: one pass, numerically stable). */
class RunningStats {
  count = 0;
  mean = 0;
  m2 = 0;
  min = Number.POSITIVE_INFINITY;
  max = Number.NEGATIVE_INFINITY;

  add(value: number): void {
    this.count++;
    const delta = value - this.mean;
    this.mean += delta / this.count;
    this.m2 += delta * (value - this.mean);
    if (value < this.min) this.min = value;
    if (value > this.max) this.max = value;
  }

  /** Sample standard deviation (ddof = 1, as pandas); null with fewer than 2 values. */
  std(): number | null {
    return this.count < 2 ? null : Math.sqrt(this.m2 / (this.count - 1));
  }
}

/** A computed value for the target table. */
export interface SignalValue {
  epochMs: number;
  signal: string;
  value: number | null;
}

/**
 * Aggregates a window's readings into 10-minute buckets aligned to the window's start (midnight of
 * the partition's day): mean, min, max and sample std per variable. Buckets without readings, and
 * variables without a value in a bucket, produce no rows.
 */
export class BucketAggregator {
  private readonly buckets = new Map<number, Map<string, RunningStats>>();
  private readonly points = new Map<number, number>();
  readings = 0;

  constructor(
    private readonly windowStartMs: number,
    private readonly windowEndMs: number,
    private readonly variables: readonly VariableName[],
  ) {}

  add(reading: EtlReading): void {
    if (reading.epochMs < this.windowStartMs || reading.epochMs >= this.windowEndMs) {
      throw new RangeError(`reading at ${new Date(reading.epochMs).toISOString()} is outside the window`);
    }
    const bucket =
      this.windowStartMs + Math.floor((reading.epochMs - this.windowStartMs) / BUCKET_MS) * BUCKET_MS;
    let stats = this.buckets.get(bucket);
    if (!stats) {
      stats = new Map(this.variables.map((v) => [v, new RunningStats()]));
      this.buckets.set(bucket, stats);
    }
    for (const variable of this.variables) {
      const value = reading.values[variable];
      if (value !== null && value !== undefined) stats.get(variable)!.add(value);
    }
    this.points.set(bucket, (this.points.get(bucket) ?? 0) + 1);
    this.readings++;
  }

  /** Rows in (timestamp, signal) order. */
  values(): SignalValue[] {
    const rows: SignalValue[] = [];
    for (const bucket of [...this.buckets.keys()].sort((a, b) => a - b)) {
      const stats = this.buckets.get(bucket)!;
      for (const variable of this.variables) {
        const s = stats.get(variable)!;
        if (s.count === 0) continue;
        const byStatistic = { mean: s.mean, min: s.min, max: s.max, std: s.std() };
        for (const statistic of STATISTICS) {
          rows.push({
            epochMs: bucket,
            signal: signalName(variable, statistic),
            value: byStatistic[statistic],
          });
        }
      }
    }
    return rows;
  }

  /** Readings per bucket, keyed by the bucket's ISO start (for the run metadata). */
  pointsPerBucket(): Record<string, number> {
    return Object.fromEntries(
      [...this.points.entries()]
        .sort(([a], [b]) => a - b)
        .map(([bucket, n]) => [new Date(bucket).toISOString(), n]),
    );
  }
}

/** The same aggregation for readings already in memory. */
export function aggregateReadings(
  readings: Iterable<EtlReading>,
  window: { start: Date; end: Date },
  variables: readonly VariableName[],
): SignalValue[] {
  const aggregator = new BucketAggregator(window.start.getTime(), window.end.getTime(), variables);
  for (const reading of readings) aggregator.add(reading);
  return aggregator.values();
}
