import { parseBaselWeather, readBaselWeather } from './basel-weather';
import { interpolateToMinutes } from './interpolate';
import { hashNoise } from './noise';
import { DEMO_TURBINE, kmhToMs, powerKw } from './power-curve';
import { randomReadings, readingsFromWeather } from './synthesize';

const H = 3_600_000;
const T0 = Date.UTC(2024, 9, 1);

describe('interpolateToMinutes', () => {
  it('fills every minute linearly between hourly points, both ends included', () => {
    const out = interpolateToMinutes([
      { epochMs: T0, value: 10 },
      { epochMs: T0 + H, value: 16 },
    ]);
    expect(out).toHaveLength(61);
    expect(out[0]).toEqual({ epochMs: T0, value: 10 });
    expect(out[1]).toEqual({ epochMs: T0 + 60_000, value: 10.1 });
    expect(out[30]!.value).toBeCloseTo(13, 12);
    expect(out[60]).toEqual({ epochMs: T0 + H, value: 16 });
  });

  it('keeps the series continuous across several segments', () => {
    const out = interpolateToMinutes([
      { epochMs: T0, value: 0 },
      { epochMs: T0 + H, value: 60 },
      { epochMs: T0 + 2 * H, value: 0 },
    ]);
    expect(out).toHaveLength(121);
    expect(out.map((p) => p.value).slice(58, 63)).toEqual([58, 59, 60, 59, 58]);
    expect(new Set(out.map((p) => p.epochMs)).size).toBe(121);
  });

  it('returns nothing for an empty series and the point itself for one point', () => {
    expect(interpolateToMinutes([])).toEqual([]);
    expect(interpolateToMinutes([{ epochMs: T0, value: 3 }])).toEqual([{ epochMs: T0, value: 3 }]);
  });
});

describe('power curve', () => {
  it('is zero below cut-in and from cut-out on, rated between rated speed and cut-out', () => {
    expect(powerKw(0)).toBe(0);
    expect(powerKw(2.99)).toBe(0);
    expect(powerKw(DEMO_TURBINE.cutInMs)).toBe(0);
    expect(powerKw(12)).toBe(2000);
    expect(powerKw(24.9)).toBe(2000);
    expect(powerKw(25)).toBe(0);
    expect(powerKw(Number.NaN)).toBe(0);
  });

  it('grows with the cube of wind speed between cut-in and rated', () => {
    // 2000 * (8^3 - 3^3) / (12^3 - 3^3) = 2000 * 485 / 1701
    expect(powerKw(8)).toBeCloseTo((2000 * 485) / 1701, 9);
    expect(powerKw(6)).toBeLessThan(powerKw(7));
  });

  it('converts km/h to m/s', () => {
    expect(kmhToMs(36)).toBe(10);
  });
});

describe('Basel weather export', () => {
  it('parses the metadata header and UTC timestamps', () => {
    const rows = parseBaselWeather(
      'location,Basileia\nunit,°C,km/h,°\ntimestamp,Temperature,Wind Speed,Wind Direction\n' +
        '20241001T0000,16.49,17.1,255\r\n20241001T0100,15.17,12.8,252\n',
    );
    expect(rows).toEqual([
      { epochMs: T0, temperatureC: 16.49, windSpeedKmh: 17.1 },
      { epochMs: T0 + H, temperatureC: 15.17, windSpeedKmh: 12.8 },
    ]);
  });

  it('rejects malformed lines and a missing header', () => {
    expect(() => parseBaselWeather('nothing here')).toThrow('no "timestamp," header');
    expect(() => parseBaselWeather('timestamp,a,b\n2024-10-01,1,2')).toThrow('line 2 is malformed');
  });

  it('reads the shipped file: 552 hours from 2024-10-01T00:00Z to 2024-10-23T23:00Z', () => {
    const rows = readBaselWeather();
    expect(rows).toHaveLength(552);
    expect(new Date(rows[0]!.epochMs).toISOString()).toBe('2024-10-01T00:00:00.000Z');
    expect(new Date(rows[551]!.epochMs).toISOString()).toBe('2024-10-23T23:00:00.000Z');
  });
});

describe('readingsFromWeather', () => {
  const hourly = [
    { epochMs: T0, temperatureC: 10, windSpeedKmh: 36 },
    { epochMs: T0 + H, temperatureC: 12, windSpeedKmh: 36 },
  ];

  it('derives 1-minute wind in m/s, curve power and temperature, within the noise bounds', () => {
    const columns = readingsFromWeather(hourly, 7);
    expect(columns.epochMs).toHaveLength(61);
    for (let i = 0; i < 61; i++) {
      expect(columns.windSpeed[i]).toBeGreaterThanOrEqual(10 * 0.95 - 0.001);
      expect(columns.windSpeed[i]).toBeLessThanOrEqual(10 * 1.05 + 0.001);
      const expectedPower = powerKw(columns.windSpeed[i]!);
      expect(Math.abs(columns.power[i]! - expectedPower)).toBeLessThanOrEqual(expectedPower * 0.02 + 0.3);
      expect(Math.abs(columns.ambientTemperature[i]! - (10 + (2 * i) / 60))).toBeLessThanOrEqual(0.055);
    }
  });

  it('is deterministic for a seed and differs between seeds', () => {
    expect(readingsFromWeather(hourly, 7)).toEqual(readingsFromWeather(hourly, 7));
    expect(readingsFromWeather(hourly, 8).windSpeed).not.toEqual(readingsFromWeather(hourly, 7).windSpeed);
  });
});

describe('randomReadings', () => {
  it('yields days * 1440 plausible readings, reproducible per seed', () => {
    const a = randomReadings({ seed: 3, fromMs: T0, days: 2 });
    expect(a.epochMs).toHaveLength(2880);
    expect(a.epochMs[1]! - a.epochMs[0]!).toBe(60_000);
    expect(Math.min(...a.windSpeed)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...a.power)).toBeLessThanOrEqual(2000 * 1.02);
    expect(randomReadings({ seed: 3, fromMs: T0, days: 2 })).toEqual(a);
    expect(randomReadings({ seed: 4, fromMs: T0, days: 2 }).windSpeed).not.toEqual(a.windSpeed);
  });
});

describe('hashNoise', () => {
  it('stays in [-1, 1) and spreads around zero', () => {
    const values = Array.from({ length: 10_000 }, (_, i) => hashNoise(42, 28_795_680 + i, 0));
    expect(Math.min(...values)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...values)).toBeLessThan(1);
    expect(Math.abs(values.reduce((a, b) => a + b, 0) / values.length)).toBeLessThan(0.05);
  });
});
