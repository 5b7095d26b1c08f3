import { ArgumentMetadata, BadRequestException, ValidationError, ValidationPipe } from '@nestjs/common';
import { getMetadataStorage } from 'class-validator';
import { echo } from './input-limits';
import { FieldError } from './problem';

/** At most this many field errors in one answer: enough to fix a request, never a large response. */
export const MAX_FIELD_ERRORS = 20;

/** Depth-first, stopping once `max` errors are listed. */
function flatten(errors: ValidationError[], max = MAX_FIELD_ERRORS, parent = '', out: FieldError[] = []): FieldError[] {
  for (const error of errors) {
    if (out.length >= max) break;
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    for (const message of Object.values(error.constraints ?? {})) {
      if (out.length >= max) break;
      out.push({ field: echo(field), message: echo(message, 300) });
    }
    flatten(error.children ?? [], max, field, out);
  }
  return out;
}

function validationFailed(list: FieldError[]): BadRequestException {
  return new BadRequestException({
    code: 'validation-failed',
    message: `invalid request: ${list.map((e) => e.field).join(', ')}`,
    errors: list,
  });
}

/**
 * Arrays longer than their DTO's @ArrayMaxSize, and arrays where one nested
 * object is expected, found before any element is transformed or validated:
 * either costs one check instead of an error per element. Nested DTOs are
 * followed through the declared type of their property.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
function shapeProblems(target: Function, value: unknown, parent = '', depth = 0): FieldError[] {
  if (depth > 8 || value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  const found: FieldError[] = [];
  const record = value as Record<string, unknown>;
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(target, '', true, false)) {
    const field = parent ? `${parent}.${meta.propertyName}` : meta.propertyName;
    const given = record[meta.propertyName];
    if (meta.name === 'arrayMaxSize' && Array.isArray(given) && given.length > Number(meta.constraints?.[0])) {
      found.push({ field, message: `${meta.propertyName} must contain no more than ${meta.constraints[0]} elements` });
    } else if (meta.type === 'nestedValidation' && !meta.each && Array.isArray(given)) {
      found.push({ field, message: `${meta.propertyName} must be an object` });
    } else if (meta.type === 'nestedValidation' && !meta.each && given && typeof given === 'object') {
      const nested: unknown = Reflect.getMetadata('design:type', target.prototype as object, meta.propertyName);
      if (typeof nested === 'function' && nested !== Object && nested !== Array) found.push(...shapeProblems(nested, given, field, depth + 1));
    }
  }
  return found;
}

/** Refuses a body that is not a JSON object, and oversized arrays, before field validation. */
class BoundedValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type === 'body' && metadata.metatype && metadata.metatype !== Object) {
      if (value === null || value === undefined || typeof value !== 'object' || Array.isArray(value)) {
        throw new BadRequestException({
          code: 'validation-failed',
          message: 'the request body must be a JSON object',
          errors: [{ field: '', message: 'the request body must be a JSON object' }],
        });
      }
    }
    if (metadata.metatype && metadata.type !== 'custom') {
      const oversized = shapeProblems(metadata.metatype, value).slice(0, MAX_FIELD_ERRORS);
      if (oversized.length > 0) throw validationFailed(oversized);
    }
    return super.transform(value, metadata);
  }
}

/** Whitelisting validation whose 400 lists the invalid fields, at most MAX_FIELD_ERRORS of them. */
export function createValidationPipe(): ValidationPipe {
  return new BoundedValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validateCustomDecorators: false,
    exceptionFactory: (errors) => validationFailed(flatten(errors)),
  });
}
