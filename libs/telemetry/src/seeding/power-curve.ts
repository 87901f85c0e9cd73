/**
 * A generic 2 MW onshore turbine curve:
 *   below cut-in (3 m/s) and from cut-out (25 m/s) on: 0 kW
 *   cut-in .. rated (12 m/s): rated * (v^3 - vin^3) / (vr^3 - vin^3)   (power grows with the cube of speed)
 *   rated .. cut-out: 2,000 kW
 */
export interface PowerCurve {
  cutInMs: number;
  ratedMs: number;
  cutOutMs: number;
  ratedKw: number;
}

export const DEMO_TURBINE: PowerCurve = { cutInMs: 3, ratedMs: 12, cutOutMs: 25, ratedKw: 2000 };

export function powerKw(windSpeedMs: number, curve: PowerCurve = DEMO_TURBINE): number {
  const { cutInMs, ratedMs, cutOutMs, ratedKw } = curve;
  if (!(windSpeedMs >= cutInMs) || windSpeedMs >= cutOutMs) return 0;
  if (windSpeedMs >= ratedMs) return ratedKw;
  return (ratedKw * (windSpeedMs ** 3 - cutInMs ** 3)) / (ratedMs ** 3 - cutInMs ** 3);
}

export function kmhToMs(kmh: number): number {
  return kmh / 3.6;
}
