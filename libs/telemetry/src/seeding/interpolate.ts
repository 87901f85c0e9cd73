export const MINUTE_MS = 60_000;

export interface TimedValue {
  epochMs: number;
  value: number;
}

/**
 * Linear interpolation of a series (sorted by time) onto every whole minute from the first point
 * to the last, both included. Points themselves are returned unchanged.
 */
export function interpolateToMinutes(points: readonly TimedValue[]): TimedValue[] {
  const out: TimedValue[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const span = b.epochMs - a.epochMs;
    const first = Math.ceil(a.epochMs / MINUTE_MS) * MINUTE_MS;
    for (let t = first; t < b.epochMs; t += MINUTE_MS) {
      out.push({ epochMs: t, value: a.value + ((b.value - a.value) * (t - a.epochMs)) / span });
    }
  }
  const last = points[points.length - 1];
  if (last && last.epochMs % MINUTE_MS === 0) out.push({ ...last });
  return out;
}
