import { CONTACT_FIELD_MAX_LENGTH, EMAIL_PATTERN } from '@caudal/records';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayNotEmpty,
  IsArray,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  ValidateBy,
  ValidateIf,
} from 'class-validator';

// Field rules shared by POST (every required field present) and PATCH (any subset; null clears an
// optional field but never a required one).

export type Presence = 'create' | 'patch';

const trimmed = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));
/** Optional text: blank means "none" (null). */
const blankToNull = Transform(({ value }) =>
  typeof value === 'string' ? (value.trim() === '' ? null : value.trim()) : value,
);

/** Validate when present; for PATCH, `null` is present (and then fails the rules). */
const whenPresent = (presence: Presence) =>
  presence === 'create' ? [] : [ValidateIf((_object: object, value: unknown) => value !== undefined)];

/** The loader's limit too: a value the API refuses is a reject in a file. */
const MAX_TEXT = CONTACT_FIELD_MAX_LENGTH;

/** PostgreSQL text cannot hold U+0000: a NUL is a bad field (422), not a server error. */
export function NoNul(options: { each?: boolean } = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'noNul',
      validator: { validate: (value) => typeof value !== 'string' || !value.includes('\u0000') },
    },
    { each: options.each, message: '$property must not contain a NUL character' },
  );
}

export function RequiredText(presence: Presence, example: string): PropertyDecorator {
  return applyDecorators(
    (presence === 'create' ? ApiProperty : ApiPropertyOptional)({ example, maxLength: MAX_TEXT }),
    trimmed,
    ...whenPresent(presence),
    IsString({ message: '$property must be a string' }),
    IsNotEmpty({ message: '$property must not be empty' }),
    MaxLength(MAX_TEXT, { message: `$property must be at most ${MAX_TEXT} characters` }),
    NoNul(),
  );
}

export function OptionalText(example: string): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example, nullable: true, maxLength: MAX_TEXT }),
    blankToNull,
    IsOptional(),
    IsString({ message: '$property must be a string or null' }),
    MaxLength(MAX_TEXT, { message: `$property must be at most ${MAX_TEXT} characters` }),
    NoNul(),
  );
}

export function StateField(presence: Presence): PropertyDecorator {
  return applyDecorators(
    (presence === 'create' ? ApiProperty : ApiPropertyOptional)({
      example: 'NJ',
      description: 'Exactly 2 letters (stored upper-case)',
    }),
    ...whenPresent(presence),
    IsString({ message: 'state must be exactly 2 letters' }),
    Matches(/^[A-Za-z]{2}$/, { message: 'state must be exactly 2 letters, e.g. NJ' }),
  );
}

export function ZipField(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({ example: '08014', nullable: true, description: 'Exactly 5 digits' }),
    blankToNull,
    IsOptional(),
    IsString({ message: 'zip must be a string of 5 digits' }),
    Matches(/^\d{5}$/, { message: 'zip must be exactly 5 digits (as text, e.g. "08014")' }),
  );
}

export function EmailField(presence: Presence): PropertyDecorator {
  return applyDecorators(
    (presence === 'create' ? ApiProperty : ApiPropertyOptional)({
      example: 'jbutt@gmail.com',
      description: 'Unique (stored lower-case)',
    }),
    trimmed,
    ...whenPresent(presence),
    IsString({ message: 'email must be a valid email address' }),
    Matches(EMAIL_PATTERN, { message: 'email must be a valid email address' }),
    MaxLength(MAX_TEXT, { message: `email must be at most ${MAX_TEXT} characters` }),
    NoNul(),
  );
}

export function DepartmentsField(presence: Presence): PropertyDecorator {
  return applyDecorators(
    (presence === 'create' ? ApiProperty : ApiPropertyOptional)({
      example: ['Sales', 'Support'],
      type: [String],
      description: 'At least one; replaces the whole set on PATCH',
    }),
    Transform(({ value }) =>
      Array.isArray(value) ? value.map((item) => (typeof item === 'string' ? item.trim() : item)) : value,
    ),
    ...whenPresent(presence),
    IsArray({ message: 'departments must be an array of names' }),
    ArrayNotEmpty({ message: 'departments must name at least one department' }),
    ArrayMaxSize(50, { message: 'departments may name at most 50 departments' }),
    IsString({ each: true, message: 'departments must hold only strings' }),
    IsNotEmpty({ each: true, message: 'departments must not hold empty names' }),
    MaxLength(MAX_TEXT, { each: true, message: `each department must be at most ${MAX_TEXT} characters` }),
    NoNul({ each: true }),
  );
}
