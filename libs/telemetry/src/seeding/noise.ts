/**
 * Deterministic noise: a value in [-1, 1) that depends only on (seed, key, stream), so a reading's
 * noise is the same however the period is chunked and however often it is seeded.
 */
export function hashNoise(seed: number, key: number, stream: number): number {
  // 32-bit mix of the three inputs (murmur3 finalizer over a combined word).
  let h = (seed ^ Math.imul(key | 0, 0x9e3779b1) ^ Math.imul((key / 4294967296) | 0, 0x85ebca6b)) >>> 0;
  h = (h ^ Math.imul(stream + 1, 0xc2b2ae35)) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 2147483648 - 1;
}

/** A small sequential PRNG (mulberry32) for the random mode, where readings follow a random walk. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
