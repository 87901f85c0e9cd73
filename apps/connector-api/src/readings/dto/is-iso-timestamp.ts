import { parseIsoTimestamp } from '@caudal/telemetry';
import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** A space, then an offset's digits, at the end: a `+02:00` whose `+` a query string decoded as a space. */
const DECODED_PLUS_OFFSET = / (\d{2}(?::?\d{2})?)$/;

/**
 * True when `value` is a timestamp but for its offset's sign, which arrived as a space: in a URL
 * query string `+` means a space, so `...T06:30+02:00` must be sent as `...T06:30%2B02:00`.
 */
export function hasPlusDecodedAsSpace(value: unknown): boolean {
  return (
    typeof value === 'string' &&
    DECODED_PLUS_OFFSET.test(value) &&
    parseIsoTimestamp(value.replace(DECODED_PLUS_OFFSET, '+$1')) !== undefined
  );
}

function message(args?: ValidationArguments): string {
  if (!args) return 'must be an ISO 8601 timestamp';
  if (args.value === undefined) return `${args.property} is required (ISO 8601, e.g. 2024-10-01T00:00:00Z)`;
  const rule = `${args.property} must be an ISO 8601 timestamp such as 2024-10-01T00:00:00Z (no offset means UTC), in the years 0001-9999`;
  if (!hasPlusDecodedAsSpace(args.value)) return rule;
  return `${rule}; its offset reads " ${DECODED_PLUS_OFFSET.exec(String(args.value))![1]}": a "+" in a URL query string means a space, so write it as %2B (e.g. 2024-10-01T06:30%2B02:00)`;
}

/** An ISO 8601 date or date-time that names a real instant of the UTC years 0001-9999 (no offset means UTC). */
export function IsIsoTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoTimestamp',
      validator: {
        validate: (value) => typeof value === 'string' && parseIsoTimestamp(value) !== undefined,
        defaultMessage: message,
      },
    },
    options,
  );
}
