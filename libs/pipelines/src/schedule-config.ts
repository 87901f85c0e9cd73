import { validateCronExpression } from 'cron';
import { ValidateBy } from 'class-validator';
import { isValidTimeZone } from './partitions';

/** A cron expression (5 or 6 fields) that the scheduler itself accepts. */
export function IsCronSchedule(): PropertyDecorator {
  return ValidateBy({
    name: 'cronSchedule',
    validator: {
      validate: (value) =>
        typeof value === 'string' &&
        /^(\S+\s+){4,5}\S+$/.test(value.trim()) &&
        validateCronExpression(value.trim()).valid,
      defaultMessage: () => 'must be a cron expression with 5 or 6 fields, such as "10 0 * * *"',
    },
  });
}

/** An IANA time zone name. */
export function IsTimeZone(example: string): PropertyDecorator {
  return ValidateBy({
    name: 'timeZone',
    validator: {
      validate: (value) => typeof value === 'string' && isValidTimeZone(value),
      defaultMessage: () => `must be an IANA time zone such as ${example}`,
    },
  });
}
