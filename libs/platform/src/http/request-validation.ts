import {
  HttpException,
  HttpStatus,
  ValidationPipe,
  type ArgumentMetadata,
  type Type,
  type ValidationError,
} from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';

/** One bad input field: its name (dotted for nested fields) and what is wrong with it. */
export interface FieldError {
  field: string;
  message: string;
}

/** A request that failed validation: answered as 422 with one entry per bad field. */
export class RequestValidationException extends HttpException {
  constructor(readonly details: FieldError[]) {
    super({ details }, HttpStatus.UNPROCESSABLE_ENTITY);
  }
}

export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** The fields a DTO declares: the properties it has validation rules for. */
export function declaredFields(dto: Type<object>): ReadonlySet<string> {
  const rules = getMetadataStorage().getTargetValidationMetadatas(dto, '', false, false);
  return new Set(rules.map((rule) => rule.propertyName));
}

/**
 * The own names of a query or body object that are not declared fields, in order. Names of
 * Object.prototype members (toString, constructor, __proto__, ...) count like any other.
 */
export function undeclaredFields(input: unknown, declared: ReadonlySet<string>): string[] {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return [];
  return Object.keys(input).filter((name) => !declared.has(name));
}

/**
 * ValidationPipe, plus the check its whitelist misses: a name of an Object.prototype member
 * (`?toString=1`, a body's `"constructor"` or `"__proto__"` key) is dropped silently by
 * class-transformer and found on the prototype by class-validator, where any other unknown name is
 * a 422. Here every undeclared own name of a DTO's input is one, named, alongside whatever is wrong
 * with the declared fields.
 */
class PlatformValidationPipe extends ValidationPipe {
  private readonly declaredByDto = new Map<Type<object>, ReadonlySet<string>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = metadata.metatype as Type<object> | undefined;
    if (!dto || !this.toValidate(metadata)) return super.transform(value, metadata);
    let declared = this.declaredByDto.get(dto);
    if (!declared) this.declaredByDto.set(dto, (declared = declaredFields(dto)));
    const undeclared = undeclaredFields(value, declared);
    if (undeclared.length === 0) return super.transform(value, metadata);
    const errors = undeclared.map((field) => ({ field, message: `property ${field} should not exist` }));
    const declaredOnly = Object.fromEntries(
      Object.entries(value as object).filter(([name]) => declared.has(name)),
    );
    try {
      await super.transform(declaredOnly, metadata);
    } catch (error) {
      if (!(error instanceof RequestValidationException)) throw error;
      errors.push(...error.details);
    }
    throw new RequestValidationException(errors);
  }
}

/** The platform's validation pipe: transforms DTOs, rejects unknown fields, answers 422. */
export function createValidationPipe(): ValidationPipe {
  return new PlatformValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new RequestValidationException(flattenValidationErrors(errors)),
  });
}
