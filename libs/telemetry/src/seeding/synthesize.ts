import type { HourlyWeather } from './basel-weather';
import { interpolateToMinutes, MINUTE_MS } from './interpolate';
import { hashNoise, mulberry32 } from './noise';
import { DEMO_TURBINE, kmhToMs, powerKw, type PowerCurve } from './power-curve';

/** Readings in columns (one array per field), the shape bulk inserts take. */
export interface ReadingColumns {
  epochMs: number[];
  windSpeed: number[];
  power: number[];
  ambientTemperature: number[];
}

const round = (value: number, digits: number) => Math.round(value * 10 ** digits) / 10 ** digits;

/** Turbulence on wind (±5 %), measurement noise on power (±2 %) and temperature (±0.05 °C). */
const NOISE = { wind: 0.05, power: 0.02, temperature: 0.05 } as const;

/**
 * 1-minute readings derived from hourly weather: wind and temperature interpolated linearly,
 * wind converted from km/h to m/s, power from the turbine curve, each with deterministic noise.
 */
export function readingsFromWeather(
  hourly: readonly HourlyWeather[],
  seed = 42,
  curve: PowerCurve = DEMO_TURBINE,
): ReadingColumns {
  const wind = interpolateToMinutes(
    hourly.map((h) => ({ epochMs: h.epochMs, value: kmhToMs(h.windSpeedKmh) })),
  );
  const temperature = interpolateToMinutes(
    hourly.map((h) => ({ epochMs: h.epochMs, value: h.temperatureC })),
  );
  const columns: ReadingColumns = { epochMs: [], windSpeed: [], power: [], ambientTemperature: [] };
  wind.forEach((point, i) => {
    const minute = point.epochMs / MINUTE_MS;
    const windSpeed = Math.max(0, point.value * (1 + NOISE.wind * hashNoise(seed, minute, 0)));
    const power = powerKw(windSpeed, curve) * (1 + NOISE.power * hashNoise(seed, minute, 1));
    const ambient = temperature[i]!.value + NOISE.temperature * hashNoise(seed, minute, 2);
    columns.epochMs.push(point.epochMs);
    columns.windSpeed.push(round(windSpeed, 3));
    columns.power.push(round(Math.max(0, power), 2));
    columns.ambientTemperature.push(round(ambient, 2));
  });
  return columns;
}

export interface RandomReadingsOptions {
  seed: number;
  fromMs: number;
  days: number;
  curve?: PowerCurve;
}

/**
 * Random 1-minute readings (the seed text's "dados aleatórios"), reproducible for a given seed:
 * wind follows a mean-reverting random walk around a daily cycle, temperature a daily sine wave.
 */
export function randomReadings({
  seed,
  fromMs,
  days,
  curve = DEMO_TURBINE,
}: RandomReadingsOptions): ReadingColumns {
  const random = mulberry32(seed);
  const gaussian = () => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  const columns: ReadingColumns = { epochMs: [], windSpeed: [], power: [], ambientTemperature: [] };
  let wind = 6;
  const minutes = Math.round(days * 1440);
  for (let i = 0; i < minutes; i++) {
    const epochMs = fromMs + i * MINUTE_MS;
    const dayPhase = (2 * Math.PI * ((epochMs / 3_600_000) % 24)) / 24;
    const meanWind = 7 + 1.5 * Math.sin(dayPhase - Math.PI / 2);
    wind = Math.min(30, Math.max(0, wind + 0.02 * (meanWind - wind) + 0.15 * gaussian()));
    const power = powerKw(wind, curve) * (1 + NOISE.power * (2 * random() - 1));
    const temperature = 12 + 6 * Math.sin(dayPhase - (9 / 24) * 2 * Math.PI) + 0.1 * gaussian();
    columns.epochMs.push(epochMs);
    columns.windSpeed.push(round(wind, 3));
    columns.power.push(round(Math.max(0, power), 2));
    columns.ambientTemperature.push(round(temperature, 2));
  }
  return columns;
}
