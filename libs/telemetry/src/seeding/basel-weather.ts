import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One hourly observation of the Basel export (meteoblue), in UTC. */
export interface HourlyWeather {
  epochMs: number;
  temperatureC: number;
  windSpeedKmh: number;
}

/** The Basel export shipped with the repo: 2024-10-01T00:00Z .. 2024-10-23T23:00Z, hourly. */
export const BASEL_WEATHER_CSV = join(__dirname, '../../data/dataexport_basileia.csv');

const TIMESTAMP = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})$/;

/**
 * Parses the meteoblue CSV export: metadata lines up to the `timestamp,...` header, then
 * `YYYYMMDDTHHMM,temperature,wind speed,wind direction`. Timestamps are read as UTC.
 */
export function parseBaselWeather(text: string): HourlyWeather[] {
  const lines = text.split(/\r?\n/);
  const header = lines.findIndex((line) => line.startsWith('timestamp,'));
  if (header < 0) throw new Error('weather CSV has no "timestamp," header line');
  const rows: HourlyWeather[] = [];
  for (let i = header + 1; i < lines.length; i++) {
    const line = lines[i]?.trim();
    if (!line) continue;
    const [stamp, temperature, wind] = line.split(',');
    const match = TIMESTAMP.exec(stamp ?? '');
    const temperatureC = Number(temperature);
    const windSpeedKmh = Number(wind);
    if (!match || !Number.isFinite(temperatureC) || !Number.isFinite(windSpeedKmh)) {
      throw new Error(`weather CSV line ${i + 1} is malformed: ${line}`);
    }
    const [, y, mo, d, h, mi] = match.map(Number) as [number, number, number, number, number, number];
    rows.push({ epochMs: Date.UTC(y, mo - 1, d, h, mi), temperatureC, windSpeedKmh });
  }
  for (let i = 1; i < rows.length; i++) {
    if (rows[i]!.epochMs <= rows[i - 1]!.epochMs)
      throw new Error('weather CSV timestamps are not increasing');
  }
  return rows;
}

export function readBaselWeather(path: string = BASEL_WEATHER_CSV): HourlyWeather[] {
  return parseBaselWeather(readFileSync(path, 'utf8'));
}
