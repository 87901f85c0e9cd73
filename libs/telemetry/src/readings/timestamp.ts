const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(Z|z|[+-]\d{2}(?::?\d{2})?)?)?$/;

/**
 * The UTC instant of a calendar date and time, for any year. Date.UTC is not used: it reads years
 * 0-99 as 1900-1999.
 */
function utcInstant(
  year: number,
  monthIndex: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): Date {
  const date = new Date(0);
  date.setUTCFullYear(year, monthIndex, day);
  date.setUTCHours(hour, minute, second, ms);
  return date;
}

function daysInMonth(year: number, month: number): number {
  return utcInstant(year, month, 0).getUTCDate();
}

function offsetMinutes(zone: string | undefined): number | undefined {
  if (!zone || zone === 'Z' || zone === 'z') return 0;
  const sign = zone.startsWith('-') ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const hours = Number(digits.slice(0, 2));
  const minutes = digits.length > 2 ? Number(digits.slice(2)) : 0;
  if (hours > 23 || minutes > 59) return undefined;
  return sign * (hours * 60 + minutes);
}

/**
 * The instants of the UTC years 0001-9999: the form every timestamp is answered in
 * (YYYY-MM-DDTHH:mm:ss.sssZ) has four digits, and PostgreSQL has no year 0000 (it calls it 1 BC,
 * which its text forms would answer as year 0001). An offset could otherwise reach beyond them.
 */
const EARLIEST = utcInstant(1, 0, 1).getTime();
const END = utcInstant(10_000, 0, 1).getTime();

/**
 * Parses an ISO 8601 date or date-time; a value without an offset is UTC. Returns undefined for
 * anything unparseable or impossible (2024-02-30, 25:00), and for an instant outside the UTC years
 * 0001-9999. Years 0001-0099 are those years, not 1900-1999. Precision is kept to the millisecond.
 */
export function parseIsoTimestamp(text: string): Date | undefined {
  const match = ISO_8601.exec(text.trim());
  if (!match) return undefined;
  const [, y, mo, d, h = '0', mi = '0', s = '0', fraction = '', zone] = match;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  const offset = offsetMinutes(zone);
  if (offset === undefined) return undefined;
  const millis = Number(fraction.padEnd(3, '0').slice(0, 3));
  const instant = utcInstant(year, month - 1, day, hour, minute, second, millis).getTime() - offset * 60_000;
  return instant >= EARLIEST && instant < END ? new Date(instant) : undefined;
}
