import {
  CONTACT_LIST_DEFAULT_LIMIT,
  CONTACT_LIST_MAX_LIMIT,
  CONTACT_SORT_FIELDS,
  parseContactSort,
} from '@caudal/records';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateBy } from 'class-validator';
import { DecimalIntegerParameter } from '@caudal/platform';
import { NoNul } from './contact-field.decorators';

/** The largest offset PostgreSQL takes as an integer (records.people ids are 32-bit too). */
const MAX_OFFSET = 2_147_483_647;
const SORT_FIELDS = Object.keys(CONTACT_SORT_FIELDS).join(', ');

/**
 * The parameter appears at most once: `?city=a&city=b` is a 422 that says so, rather than whatever the
 * other rules make of the array the query parser gives. Put it last (nearest the property): decorators
 * apply bottom-up, so it is checked first, and stopAtFirstError keeps its message alone.
 */
function SingleValue(): PropertyDecorator {
  return ValidateBy({
    name: 'singleValue',
    validator: {
      validate: (value) => !Array.isArray(value),
      defaultMessage: (args) =>
        `${args!.property} may be given only once (it was given ${(args!.value as unknown[]).length} times)`,
    },
  });
}

/** Query of GET /v1/contacts. */
export class ListContactsQueryDto {
  @ApiPropertyOptional({ description: 'Two letters (any case)', example: 'NJ' })
  @IsOptional()
  @Matches(/^[A-Za-z]{2}$/, { message: 'state must be exactly 2 letters, e.g. NJ' })
  @SingleValue()
  state?: string;

  @ApiPropertyOptional({ description: 'City, exact but case-insensitive', example: 'Bridgeport' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNul()
  @SingleValue()
  city?: string;

  @ApiPropertyOptional({ description: 'Company name, exact but case-insensitive' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNul()
  @SingleValue()
  company?: string;

  @ApiPropertyOptional({ description: 'Has this department (case-insensitive)', example: 'Sales' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNul()
  @SingleValue()
  department?: string;

  @ApiPropertyOptional({ description: 'Free text within first name, last name or email', example: 'butt' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @NoNul()
  @SingleValue()
  q?: string;

  @ApiPropertyOptional({
    description: `Comma list of ${SORT_FIELDS}; prefix - for descending. Ties are broken by id.`,
    example: 'last_name,-created_at',
  })
  @IsOptional()
  @ValidateBy({
    name: 'contactSort',
    validator: {
      validate: (value) => typeof value === 'string' && Array.isArray(parseContactSort(value)),
      defaultMessage: () => `sort must be a comma list of ${SORT_FIELDS}, each optionally prefixed by -`,
    },
  })
  @SingleValue()
  sort?: string;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    maximum: CONTACT_LIST_MAX_LIMIT,
    default: CONTACT_LIST_DEFAULT_LIMIT,
    description: 'Decimal digits only',
  })
  @DecimalIntegerParameter()
  @IsInt({ message: `limit must be an integer between 1 and ${CONTACT_LIST_MAX_LIMIT}` })
  @Min(1, { message: `limit must be an integer between 1 and ${CONTACT_LIST_MAX_LIMIT}` })
  @Max(CONTACT_LIST_MAX_LIMIT, {
    message: `limit must be an integer between 1 and ${CONTACT_LIST_MAX_LIMIT}`,
  })
  @SingleValue()
  limit: number = CONTACT_LIST_DEFAULT_LIMIT;

  @ApiPropertyOptional({
    type: 'integer',
    minimum: 0,
    maximum: MAX_OFFSET,
    default: 0,
    description: 'Decimal digits only',
  })
  @DecimalIntegerParameter()
  @IsInt({ message: `offset must be an integer between 0 and ${MAX_OFFSET}` })
  @Min(0, { message: `offset must be an integer between 0 and ${MAX_OFFSET}` })
  @Max(MAX_OFFSET, { message: `offset must be an integer between 0 and ${MAX_OFFSET}` })
  @SingleValue()
  offset: number = 0;
}
