import { InvalidValueError } from './domain.error';

export function isRecord(input: unknown): input is Record<string, unknown> {
  return typeof input === 'object' && input !== null && !Array.isArray(input);
}

/** Clients may send null for an absent optional field. */
export function isAbsent(input: unknown): input is null | undefined {
  return input === undefined || input === null;
}

/** A trimmed, non-empty string of at most `max` characters. */
export function requireText(input: unknown, field: string, max: number): string {
  if (typeof input !== 'string') throw new InvalidValueError(field, 'must be a string');
  const text = input.trim();
  if (text === '') throw new InvalidValueError(field, 'must not be empty');
  if (text.length > max) throw new InvalidValueError(field, `must be at most ${max} characters`);
  return text;
}

/** Like {@link requireText}, but undefined (or null) gives undefined. */
export function optionalText(input: unknown, field: string, max: number): string | undefined {
  if (isAbsent(input)) return undefined;
  return requireText(input, field, max);
}

const IDENTIFIER = /^[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}$/;

/**
 * Ids (deal, claim, actor) are made outside the domain (UUIDs in practice).
 * They must start with a letter or digit, so `__proto__` and friends can never
 * become keys of the plain-object maps of the decision state.
 */
export function requireIdentifier(input: unknown, field: string): string {
  if (typeof input !== 'string' || !IDENTIFIER.test(input)) {
    throw new InvalidValueError(field, 'must be an identifier (letters, digits, _ . : -, at most 128 characters)');
  }
  return input;
}

export function requireOneOf<T extends string>(input: unknown, field: string, allowed: readonly T[]): T {
  if (typeof input !== 'string' || !(allowed as readonly string[]).includes(input)) {
    throw new InvalidValueError(field, `must be one of ${allowed.join(', ')}`);
  }
  return input as T;
}

/** Drops the keys whose value is undefined, so events stay plain JSON. */
export function compact<T extends object>(value: T): T {
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[key] = item;
  }
  return out as T;
}

export function hasOwn(record: object, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(record, key);
}
