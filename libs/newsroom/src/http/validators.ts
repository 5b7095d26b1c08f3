import { registerDecorator, ValidationOptions } from 'class-validator';
import { isCurrencyCode } from '../domain/currency-codes';
import { isPartialDate, PARTIAL_DATE_MESSAGE } from '../domain/partial-date';

function rule(name: string, test: (value: unknown) => boolean, message: string, options?: ValidationOptions) {
  return (target: object, propertyName: string) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName,
      options: { message: `${propertyName} ${message}`, ...options },
      validator: { validate: test },
    });
}

/** `YYYY`, `YYYY-Hn`, `YYYY-Qn`, `YYYY-MM` or `YYYY-MM-DD`, a real calendar date. */
export const IsPartialDate = (options?: ValidationOptions) => rule('isPartialDate', isPartialDate, PARTIAL_DATE_MESSAGE, options);

/** A non-negative decimal string: digits, an optional fraction; no sign, exponent or float. */
export const IsDecimalString = (options?: ValidationOptions) =>
  rule('isDecimalString', (v) => typeof v === 'string' && /^\d{1,30}(\.\d{1,18})?$/.test(v), 'must be a non-negative decimal string such as "715000000" or "4.5"', options);

/** An active ISO 4217 currency code. */
export const IsCurrencyCode = (options?: ValidationOptions) =>
  rule('isCurrencyCode', (v) => typeof v === 'string' && isCurrencyCode(v), 'must be an ISO 4217 currency code such as USD or EUR', options);

/** A full date `YYYY-MM-DD` or an ISO 8601 timestamp. */
export const IsFullDateOrTimestamp = (options?: ValidationOptions) =>
  rule(
    'isFullDateOrTimestamp',
    (v) =>
      typeof v === 'string' &&
      /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(v) &&
      !Number.isNaN(Date.parse(v.length === 10 ? `${v}T00:00:00Z` : v)),
    'must be a full date YYYY-MM-DD or an ISO 8601 timestamp',
    options,
  );

/** An object with at least one field set (fields left undefined do not count). */
export const HasSomeField = (options?: ValidationOptions) =>
  rule(
    'hasSomeField',
    (v) => typeof v === 'object' && v !== null && Object.values(v).some((field) => field !== undefined),
    'must name at least one field to change',
    options,
  );
