import { validateSync } from 'class-validator';
import { hasPlusDecodedAsSpace, IsIsoTimestamp } from './is-iso-timestamp';

class Window {
  @IsIsoTimestamp()
  start!: string;
}

function problem(start: string | undefined): string | undefined {
  const window = Object.assign(new Window(), { start });
  return Object.values(validateSync(window)[0]?.constraints ?? {})[0];
}

describe('IsIsoTimestamp', () => {
  it('accepts ISO 8601 dates and date-times, with or without an offset', () => {
    for (const value of [
      '2024-10-01',
      '2024-10-01T06:30',
      '2024-10-01T06:30:00.5+02:00',
      '2024-10-01T06:30Z',
    ])
      expect(problem(value)).toBeUndefined();
  });

  it('says an offset whose "+" a query string decoded as a space should be written %2B', () => {
    for (const value of ['2024-10-01T06:30:00.5 02:00', '2024-10-01T06:30 0200', '2024-10-01 06:30 02']) {
      expect(hasPlusDecodedAsSpace(value)).toBe(true);
      expect(problem(value)).toMatch(/a "\+" in a URL query string means a space, so write it as %2B/);
    }
  });

  it('gives no such hint when the value is wrong anyway', () => {
    for (const value of ['yesterday', '2024-02-30 02:00', '2024-10-01T06:30 2', '2024-10-01T06:30 25:00']) {
      expect(hasPlusDecodedAsSpace(value)).toBe(false);
      expect(problem(value)).toBe(
        'start must be an ISO 8601 timestamp such as 2024-10-01T00:00:00Z (no offset means UTC), in the years 0001-9999',
      );
    }
    expect(problem(undefined)).toBe('start is required (ISO 8601, e.g. 2024-10-01T00:00:00Z)');
  });
});
