/**
 * How the HTTP layer should answer a domain error:
 * `not_found` → 404, `conflict` → 409, `invalid` → 400.
 */
export type DomainErrorKind = 'not_found' | 'conflict' | 'invalid';

/** Base of every error the domain throws on purpose. */
export abstract class DomainError extends Error {
  abstract readonly code: string;
  abstract readonly kind: DomainErrorKind;

  protected constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export interface FieldError {
  /** Path of the offending field, e.g. `occurredAt`, `sources[0].url`. */
  readonly field: string;
  readonly message: string;
}

/**
 * A value that does not parse (partial date, money, source, text field...).
 * Carries every invalid field found, for the problem+json `errors` list;
 * `field` and `message` describe the first one.
 */
export class InvalidValueError extends DomainError {
  readonly code = 'invalid-value';
  readonly kind = 'invalid';
  readonly field: string;
  readonly errors: readonly FieldError[];

  constructor(field: string, message: string);
  constructor(errors: readonly FieldError[]);
  constructor(fieldOrErrors: string | readonly FieldError[], message?: string) {
    const errors: readonly FieldError[] =
      typeof fieldOrErrors === 'string' ? [{ field: fieldOrErrors, message: message ?? 'is invalid' }] : fieldOrErrors;
    const first = errors[0] ?? { field: '', message: 'is invalid' };
    super(errors.length === 1 ? `${first.field} ${first.message}` : errors.map((e) => `${e.field} ${e.message}`).join('; '));
    this.field = first.field;
    this.errors = errors;
  }

  /** The same errors with their field paths placed under `prefix`. */
  under(prefix: string): InvalidValueError {
    return new InvalidValueError(this.errors.map((e) => ({ field: joinPath(prefix, e.field), message: e.message })));
  }
}

export function joinPath(prefix: string, field: string): string {
  if (prefix === '') return field;
  if (field === '') return prefix;
  return field.startsWith('[') ? `${prefix}${field}` : `${prefix}.${field}`;
}

/**
 * Runs several parses and throws one {@link InvalidValueError} listing every
 * failure, so a client learns about all its bad fields at once.
 */
export class FieldErrorCollector {
  private readonly errors: FieldError[] = [];

  /** The parsed value, or undefined after recording the failure. */
  attempt<T>(parse: () => T): T | undefined {
    try {
      return parse();
    } catch (error) {
      if (error instanceof InvalidValueError) {
        this.errors.push(...error.errors);
        return undefined;
      }
      throw error;
    }
  }

  add(field: string, message: string): void {
    this.errors.push({ field, message });
  }

  get hasErrors(): boolean {
    return this.errors.length > 0;
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw new InvalidValueError(this.errors);
  }
}
