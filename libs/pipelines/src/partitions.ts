import type { Partitioning } from './definition';

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HOUR_KEY = /^(\d{4})-(\d{2})-(\d{2})T(\d{2})$/;
export const UNPARTITIONED = 'all';

/** One formatter per time zone: building an Intl.DateTimeFormat costs far more than using one. */
const formatters = new Map<string, Intl.DateTimeFormat>();

function wallClockFormatter(timeZone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timeZone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      era: 'short',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(timeZone, formatter);
  }
  return formatter;
}

/**
 * Milliseconds since the epoch of a UTC wall-clock time, for any year (Date.UTC takes years 0-99 for
 * 1900-1999). Fields out of range carry over (month 12 is January of the next year, hour 24 the next day).
 */
function utcMs(year: number, monthIndex: number, day: number, hour = 0, minute = 0, second = 0): number {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute, second, 0);
  return date.getTime();
}

/** The offset of `timeZone` from UTC at an instant, in minutes (east positive). */
export function zoneOffsetMinutes(instant: Date, timeZone: string): number {
  const parts = wallClockFormatter(timeZone).formatToParts(instant);
  const text = (type: string) => parts.find((p) => p.type === type)?.value;
  const get = (type: string) => Number(text(type));
  // Intl counts years before 1 AD as 1 BC, 2 BC, ...: astronomical years 0, -1, ...
  const year = text('era') === 'BC' ? 1 - get('year') : get('year');
  const asUtc = utcMs(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(instant.getTime() / 1000) * 1000) / 60_000);
}

/**
 * The instant of a wall-clock time in a time zone. A time that occurs twice (clocks set back) is its
 * first occurrence; a time that never occurs (clocks set forward over it, as at midnight in
 * America/Santiago or America/Havana) is the instant of the switch, where the skipped span begins.
 */
export function zonedTime(y: number, m: number, d: number, h: number, timeZone: string): Date {
  const wall = utcMs(y, m - 1, d, h);
  // The offsets in force half a day before and after: a switch between them is at most a few hours.
  const before = wall - zoneOffsetMinutes(new Date(wall - 43_200_000), timeZone) * 60_000;
  const after = wall - zoneOffsetMinutes(new Date(wall + 43_200_000), timeZone) * 60_000;
  const shows = (instant: number) =>
    instant + zoneOffsetMinutes(new Date(instant), timeZone) * 60_000 === wall;
  const valid = [before, after].filter(shows);
  if (valid.length > 0) return new Date(Math.min(...valid));
  return new Date(before);
}

export function isValidTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** A date of the calendar, years 0001-9999 (there is no year 0000: PostgreSQL would take it for 1 BC). */
function realDate(y: number, m: number, d: number): boolean {
  const date = new Date(utcMs(y, m - 1, d));
  return y >= 1 && date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d;
}

/** Whether `key` names a partition of this partitioning: a real date (YYYY-MM-DD) or hour (YYYY-MM-DDTHH). */
export function isPartitionKey(key: string, partitioning: Partitioning): boolean {
  if (partitioning === 'none') return key === UNPARTITIONED;
  const match = (partitioning === 'daily' ? DAY_KEY : HOUR_KEY).exec(key);
  if (!match) return false;
  const [, y, m, d, h] = match.map(Number) as [number, number, number, number, number | undefined];
  return realDate(y, m, d) && (h === undefined || h <= 23);
}

/** The half-open window [start, end) of a partition in the pipeline's time zone. */
export function partitionWindow(
  key: string,
  partitioning: Partitioning,
  timeZone = 'UTC',
): { start: Date; end: Date } {
  if (!isPartitionKey(key, partitioning) || partitioning === 'none') {
    throw new Error(`"${key}" is not a ${partitioning} partition`);
  }
  const [y, m, d, h] = key.split(/[-T]/).map(Number) as [number, number, number, number | undefined];
  if (partitioning === 'daily') {
    const next = new Date(utcMs(y, m - 1, d + 1));
    return {
      start: zonedTime(y, m, d, 0, timeZone),
      end: zonedTime(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate(), 0, timeZone),
    };
  }
  // The next hour's start, not start + 1 h: an hour that occurs twice spans both, one skipped is empty.
  const next = new Date(utcMs(y, m - 1, d, h! + 1));
  return {
    start: zonedTime(y, m, d, h!, timeZone),
    end: zonedTime(
      next.getUTCFullYear(),
      next.getUTCMonth() + 1,
      next.getUTCDate(),
      next.getUTCHours(),
      timeZone,
    ),
  };
}

function keyOf(date: Date, partitioning: Partitioning): string {
  const iso = date.toISOString();
  return partitioning === 'daily' ? iso.slice(0, 10) : iso.slice(0, 13);
}

/** Every partition key from `from` to `to`, both included. */
export function partitionRange(from: string, to: string, partitioning: Partitioning): string[] {
  if (partitioning === 'none') return [UNPARTITIONED];
  for (const key of [from, to]) {
    if (!isPartitionKey(key, partitioning)) throw new Error(`"${key}" is not a ${partitioning} partition`);
  }
  const step = partitioning === 'daily' ? 86_400_000 : 3_600_000;
  const parse = (key: string) => Date.parse(partitioning === 'daily' ? `${key}T00:00:00Z` : `${key}:00:00Z`);
  const keys: string[] = [];
  for (let t = parse(from); t <= parse(to); t += step) keys.push(keyOf(new Date(t), partitioning));
  return keys;
}

/** The latest complete partition at `now` in the time zone: yesterday for daily, the previous hour for hourly. */
export function latestCompletePartition(now: Date, partitioning: Partitioning, timeZone = 'UTC'): string {
  if (partitioning === 'none') return UNPARTITIONED;
  const local = new Date(now.getTime() + zoneOffsetMinutes(now, timeZone) * 60_000);
  const step = partitioning === 'daily' ? 86_400_000 : 3_600_000;
  return keyOf(new Date(local.getTime() - step), partitioning);
}
