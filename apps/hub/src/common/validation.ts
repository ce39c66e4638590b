import { ValidationError, ValidationPipe } from '@nestjs/common';
import { FieldError, InvalidInputException } from '@kessetsu/schema';

/** Flattens class-validator errors into dotted field paths, e.g. `trafficDrop.dropPercent`. */
export function fieldErrorsOf(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message }));
    return [...own, ...fieldErrorsOf(error.children ?? [], field)];
  });
}

/** Validates every decorated argument class; failures become BAD_USER_INPUT naming each field. */
export function hubValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    forbidUnknownValues: false,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidInputException(fieldErrorsOf(errors)),
  });
}
