import { NonRetryableError } from '@caudal/pipelines';
import { aggregateReadings, BucketAggregator } from './aggregate';
import { parseReadingLine } from './extract';

const DAY = { start: new Date('2024-10-01T00:00:00Z'), end: new Date('2024-10-02T00:00:00Z') };
const at = (hhmm: string) => Date.parse(`2024-10-01T${hhmm}:00Z`);
const reading = (hhmm: string, wind: number | null, power: number | null) => ({
  epochMs: at(hhmm),
  values: { wind_speed: wind, power },
});

describe('10-minute aggregation', () => {
  const rows = aggregateReadings(
    [
      reading('00:00', 1, 10), // midnight belongs to the first bucket
      reading('00:03', 2, null), // a missing value counts for the other variable only
      reading('00:07', 3, 30),
      reading('00:09', 4, 20),
      // 00:10 .. 00:19: no readings, so no rows
      reading('00:25', 5, 7), // a bucket with one reading: std is undefined (null)
      reading('23:59', 9, 0), // the last minute of the day lands in the 23:50 bucket
    ],
    DAY,
    ['wind_speed', 'power'],
  );
  const value = (time: string, signal: string) =>
    rows.find((r) => r.epochMs === at(time) && r.signal === signal)?.value;

  it('computes mean, min, max and sample std (ddof = 1) per bucket and variable', () => {
    expect(value('00:00', 'wind_speed_mean')).toBe(2.5);
    expect(value('00:00', 'wind_speed_min')).toBe(1);
    expect(value('00:00', 'wind_speed_max')).toBe(4);
    expect(value('00:00', 'wind_speed_std')).toBeCloseTo(Math.sqrt(5 / 3), 14); // 1.2909944487358056
    expect(value('00:00', 'power_mean')).toBe(20);
    expect(value('00:00', 'power_min')).toBe(10);
    expect(value('00:00', 'power_max')).toBe(30);
    expect(value('00:00', 'power_std')).toBeCloseTo(10, 14);
  });

  it('gives a one-reading bucket its value as mean/min/max and a null std', () => {
    expect(['mean', 'min', 'max', 'std'].map((s) => value('00:20', `wind_speed_${s}`))).toEqual([
      5,
      5,
      5,
      null,
    ]);
    expect(value('00:20', 'power_std')).toBeNull();
  });

  it('produces no rows for buckets without readings and aligns buckets to midnight', () => {
    expect(rows.filter((r) => r.epochMs === at('00:10'))).toEqual([]);
    expect([...new Set(rows.map((r) => new Date(r.epochMs).toISOString()))]).toEqual([
      '2024-10-01T00:00:00.000Z',
      '2024-10-01T00:20:00.000Z',
      '2024-10-01T23:50:00.000Z',
    ]);
    expect(rows).toHaveLength(3 * 8);
    expect(value('23:50', 'wind_speed_max')).toBe(9);
  });

  it('refuses readings outside the window (the next midnight belongs to the next day)', () => {
    const aggregator = new BucketAggregator(DAY.start.getTime(), DAY.end.getTime(), ['power']);
    expect(() => aggregator.add({ epochMs: DAY.end.getTime(), values: { power: 1 } })).toThrow(RangeError);
    expect(() => aggregator.add({ epochMs: DAY.start.getTime() - 1, values: { power: 1 } })).toThrow(
      RangeError,
    );
  });

  it('skips a variable with no value in a bucket and counts points per bucket', () => {
    const aggregator = new BucketAggregator(DAY.start.getTime(), DAY.end.getTime(), ['wind_speed', 'power']);
    aggregator.add(reading('01:00', 3, null));
    aggregator.add(reading('01:01', 4, null));
    expect(aggregator.values().map((r) => r.signal)).toEqual([
      'wind_speed_mean',
      'wind_speed_min',
      'wind_speed_max',
      'wind_speed_std',
    ]);
    expect(aggregator.pointsPerBucket()).toEqual({ '2024-10-01T01:00:00.000Z': 2 });
    expect(aggregator.readings).toBe(2);
  });

  it('stays exact for large values (no catastrophic cancellation)', () => {
    const base = 1e9;
    const values = aggregateReadings(
      [
        reading('02:00', base + 4, 0),
        reading('02:01', base + 7, 0),
        reading('02:02', base + 13, 0),
        reading('02:03', base + 16, 0),
      ],
      DAY,
      ['wind_speed'],
    );
    expect(values.find((r) => r.signal === 'wind_speed_std')!.value).toBeCloseTo(Math.sqrt(30), 6);
  });
});

describe('parseReadingLine', () => {
  it('reads a line of the connector stream', () => {
    expect(
      parseReadingLine('{"timestamp":"2024-10-01T00:00:00.000Z","wind_speed":4.5,"power":null}', 1, [
        'wind_speed',
        'power',
      ]),
    ).toEqual({
      epochMs: at('00:00'),
      values: { wind_speed: 4.5, power: null },
    });
  });

  it.each([
    ['not JSON', '{"timestamp":', /line 3 is not JSON/],
    ['no timestamp', '{"wind_speed":1,"power":2}', /no valid timestamp/],
    ['a bad timestamp', '{"timestamp":"soon","wind_speed":1,"power":2}', /no valid timestamp/],
    ['a missing variable', '{"timestamp":"2024-10-01T00:00:00Z","wind_speed":1}', /no numeric power/],
    [
      'a string value',
      '{"timestamp":"2024-10-01T00:00:00Z","wind_speed":"1","power":2}',
      /no numeric wind_speed/,
    ],
    ['JSON null', 'null', /no valid timestamp/],
  ])('rejects %s as non-retryable', (_, line, message) => {
    expect(() => parseReadingLine(line, 3, ['wind_speed', 'power'])).toThrow(message);
    expect(() => parseReadingLine(line, 3, ['wind_speed', 'power'])).toThrow(NonRetryableError);
  });
});
