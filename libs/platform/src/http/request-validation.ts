import { HttpException, HttpStatus, ValidationPipe, type ValidationError } from '@nestjs/common';

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

/** The platform's validation pipe: transforms DTOs, rejects unknown fields, answers 422. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    stopAtFirstError: true,
    exceptionFactory: (errors) => new RequestValidationException(flattenValidationErrors(errors)),
  });
}
