import {
  isVariableName,
  READINGS_FORMATS,
  READINGS_PAGE_LIMIT,
  splitVariables,
  unknownVariables,
  VARIABLE_NAMES,
  type ReadingsFormat,
} from '@caudal/telemetry';
import { ApiPropertyOptional, ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Max,
  Min,
  Validate,
  ValidatorConstraint,
  type ValidationArguments,
  type ValidatorConstraintInterface,
} from 'class-validator';
import { DecimalIntegerParameter } from '@caudal/platform';
import { IsIsoTimestamp } from './is-iso-timestamp';

@ValidatorConstraint({ name: 'knownVariables' })
class KnownVariables implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return Array.isArray(value) && value.every((name) => typeof name === 'string' && isVariableName(name));
  }
  defaultMessage(args: ValidationArguments): string {
    const unknown = unknownVariables((args.value as string[]).map(String));
    return `unknown variable(s): ${unknown.join(', ')}; valid variables are ${VARIABLE_NAMES.join(', ')}`;
  }
}

/** Query of GET /v1/readings, as sent. Cross-field rules (start < end, cursor in range) are checked after. */
export class ReadingsQueryDto {
  @ApiProperty({
    description: 'Start, inclusive (ISO 8601; no offset means UTC)',
    example: '2024-10-01T00:00:00Z',
  })
  @IsIsoTimestamp()
  start!: string;

  @ApiProperty({
    description: 'End, exclusive (ISO 8601; no offset means UTC)',
    example: '2024-10-02T00:00:00Z',
  })
  @IsIsoTimestamp()
  end!: string;

  @ApiPropertyOptional({
    description: `Comma list or repeated parameter; default all (${VARIABLE_NAMES.join(', ')})`,
    example: 'wind_speed,power',
    type: String,
  })
  @Transform(({ value }) => splitVariables(value))
  @ArrayNotEmpty({ message: 'variables must name at least one variable' })
  @Validate(KnownVariables)
  variables: string[] = [...VARIABLE_NAMES];

  @ApiPropertyOptional({ enum: READINGS_FORMATS, description: 'Overrides the Accept header; default json' })
  @IsOptional()
  @IsIn(READINGS_FORMATS, { message: `format must be one of ${READINGS_FORMATS.join(', ')}` })
  format?: ReadingsFormat;

  @ApiPropertyOptional({
    description: `Page size of the JSON format (1..${READINGS_PAGE_LIMIT.max}, decimal digits only)`,
    type: 'integer',
    minimum: 1,
    maximum: READINGS_PAGE_LIMIT.max,
    default: READINGS_PAGE_LIMIT.default,
  })
  @DecimalIntegerParameter()
  @IsInt({ message: `limit must be an integer between 1 and ${READINGS_PAGE_LIMIT.max}` })
  @Min(1, { message: `limit must be an integer between 1 and ${READINGS_PAGE_LIMIT.max}` })
  @Max(READINGS_PAGE_LIMIT.max, {
    message: `limit must be an integer between 1 and ${READINGS_PAGE_LIMIT.max}`,
  })
  limit: number = READINGS_PAGE_LIMIT.default;

  @ApiPropertyOptional({ description: 'next_cursor of the previous page' })
  @IsOptional()
  @IsString()
  cursor?: string;
}
