import { BadRequestException, UsePipes, ValidationError, ValidationPipe } from '@nestjs/common';

function messages(errors: ValidationError[], path = ''): string[] {
  return errors.flatMap((error) => {
    const property = path ? `${path}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {});
    return [...own, ...messages(error.children ?? [], property)];
  });
}

/** Params, query strings and bodies are validated against their DTO classes; unknown fields are a 400. */
function validationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    whitelist: true,
    forbidNonWhitelisted: true,
    exceptionFactory: (errors) => new BadRequestException({ error: 'invalid_request', message: messages(errors) }),
  });
}

/**
 * For the controllers whose routes take DTOs (read and admin API). Not global: the webhook route
 * reads its raw body and has nothing to validate.
 */
export const ValidatedInput = () => UsePipes(validationPipe());
