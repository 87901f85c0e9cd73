import { parseIsoTimestamp } from '@caudal/telemetry';
import { ValidateBy, type ValidationArguments, type ValidationOptions } from 'class-validator';

/** An ISO 8601 date or date-time that names a real instant of the UTC years 0001-9999 (no offset means UTC). */
export function IsIsoTimestamp(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isIsoTimestamp',
      validator: {
        validate: (value) => typeof value === 'string' && parseIsoTimestamp(value) !== undefined,
        defaultMessage: (args?: ValidationArguments) =>
          !args
            ? 'must be an ISO 8601 timestamp'
            : args?.value === undefined
              ? `${args.property} is required (ISO 8601, e.g. 2024-10-01T00:00:00Z)`
              : `${args.property} must be an ISO 8601 timestamp such as 2024-10-01T00:00:00Z (no offset means UTC), in the years 0001-9999`,
      },
    },
    options,
  );
}
