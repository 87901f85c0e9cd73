import { Transform } from 'class-transformer';

/** Plain decimal digits: no sign, point, exponent, 0x/0b/0o prefix, separator or blank. */
const DECIMAL_DIGITS = /^[0-9]+$/;

export function isDecimalDigits(text: string): boolean {
  return DECIMAL_DIGITS.test(text);
}

/**
 * An integer query parameter as a number when it is plain decimal digits, else left as given so
 * that the integer rules reject it (`Type(() => Number)` would read `1e1`, `0x2`, `2.0`, `+2` and
 * ` 2` as numbers).
 */
export function DecimalIntegerParameter(): PropertyDecorator {
  return Transform(({ value }) =>
    typeof value === 'string' && isDecimalDigits(value) ? Number(value) : value,
  );
}
