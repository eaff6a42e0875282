import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from './domain-error';

function collect(errors: ValidationError[], prefix = ''): Record<string, string[]> {
  const fields: Record<string, string[]> = {};
  for (const error of errors) {
    const path = prefix ? `${prefix}.${error.property}` : error.property;
    if (error.constraints) fields[path] = Object.values(error.constraints);
    if (error.children?.length) Object.assign(fields, collect(error.children, path));
  }
  return fields;
}

/** Rejects unknown fields and reports every invalid field, keyed by its path, in one error. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    exceptionFactory: (errors) =>
      new DomainError('REQUEST.VALIDATION_FAILED', 'Dữ liệu gửi lên không hợp lệ, xem chi tiết từng trường.', 'validation', { fields: collect(errors) }),
  });
}
