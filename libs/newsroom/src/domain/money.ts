import { isCurrencyCode } from './currency-codes';
import { FieldErrorCollector, InvalidValueError, joinPath } from './domain.error';
import { isRecord, requireOneOf } from './value-parsing.util';

/**
 * An amount as reported (DESIGN 2.2): a decimal string, never a float.
 * `{ "value": "715000000", "currency": "USD", "qualifier": "exact" }`.
 */
export const MONEY_QUALIFIERS = ['exact', 'approximate', 'at_least', 'at_most'] as const;
export type MoneyQualifier = (typeof MONEY_QUALIFIERS)[number];

export interface Money {
  readonly value: string;
  readonly currency: string;
  readonly qualifier: MoneyQualifier;
}

/** What clients send: the qualifier may be left out (it then means `exact`). */
export interface MoneyInput {
  readonly value: string;
  readonly currency: string;
  readonly qualifier?: MoneyQualifier;
}

export const MAX_INTEGER_DIGITS = 30;
export const MAX_FRACTION_DIGITS = 18;

/** Two amounts more than this many percent apart conflict (DESIGN 2.3(6)b). */
export const EXACT_TOLERANCE_PERCENT = 1n;
/**
 * Decision: when either side is `approximate` ("about $4B"), the tolerance is
 * widened to 10 %: "about $4B" and "$4.2B" are one story told twice, not a
 * contradiction, while "about $1B" and "$715M" still conflict.
 */
export const APPROXIMATE_TOLERANCE_PERCENT = 10n;

const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
/** Module alias: global lookups are slow inside jest's sandbox, and this is hot. */
const toBigInt = BigInt;

/**
 * Parses and normalises an amount: leading zeros of the integer part and
 * trailing zeros of the fraction are dropped (`"0715.50"` → `"715.5"`,
 * `"1.000"` → `"1"`), the currency is upper-cased, the qualifier defaults
 * to `exact`. Throws {@link InvalidValueError} listing every bad field.
 */
export function parseMoney(input: unknown, field = 'amount'): Money {
  if (!isRecord(input)) throw new InvalidValueError(field, 'must be an object with value, currency and qualifier');
  const errors = new FieldErrorCollector();
  const value = errors.attempt(() => parseDecimal(input['value'], joinPath(field, 'value')));
  const currency = errors.attempt(() => parseCurrency(input['currency'], joinPath(field, 'currency')));
  const qualifier = errors.attempt(() =>
    input['qualifier'] === undefined || input['qualifier'] === null
      ? 'exact'
      : requireOneOf(input['qualifier'], joinPath(field, 'qualifier'), MONEY_QUALIFIERS),
  );
  errors.throwIfAny();
  return { value: value as string, currency: currency as string, qualifier: qualifier as MoneyQualifier };
}

function parseDecimal(input: unknown, field: string): string {
  const message = 'must be a non-negative decimal string such as "715000000" or "4.5"';
  if (typeof input !== 'string') throw new InvalidValueError(field, message);
  const match = DECIMAL.exec(input);
  if (!match) throw new InvalidValueError(field, message);
  const integer = (match[1] as string).replace(/^0+(?=\d)/, '');
  const fraction = (match[2] ?? '').replace(/0+$/, '');
  if (integer.length > MAX_INTEGER_DIGITS) {
    throw new InvalidValueError(field, `must have at most ${MAX_INTEGER_DIGITS} digits before the decimal point`);
  }
  if (fraction.length > MAX_FRACTION_DIGITS) {
    throw new InvalidValueError(field, `must have at most ${MAX_FRACTION_DIGITS} decimal places`);
  }
  return fraction === '' ? integer : `${integer}.${fraction}`;
}

function parseCurrency(input: unknown, field: string): string {
  if (typeof input !== 'string' || !/^[A-Za-z]{3}$/.test(input)) {
    throw new InvalidValueError(field, 'must be an ISO 4217 currency code such as USD or EUR');
  }
  const code = input.toUpperCase();
  if (!isCurrencyCode(code)) throw new InvalidValueError(field, `is not an ISO 4217 currency code: ${input}`);
  return code;
}

/**
 * The value as an integer count of 10^-18 units, so that every comparison is
 * exact (BigInt), never through floating point.
 */
export function scaledValue(value: string): bigint {
  const dot = value.indexOf('.');
  const integer = dot < 0 ? value : value.slice(0, dot);
  const fraction = dot < 0 ? '' : value.slice(dot + 1);
  return toBigInt(integer + fraction.padEnd(MAX_FRACTION_DIGITS, '0').slice(0, MAX_FRACTION_DIGITS));
}

export function compareMoneyValues(a: string, b: string): -1 | 0 | 1 {
  const x = scaledValue(a);
  const y = scaledValue(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function moneyEquals(a: Money, b: Money): boolean {
  return a.currency === b.currency && a.qualifier === b.qualifier && compareMoneyValues(a.value, b.value) === 0;
}

/** An amount prepared for repeated comparisons (value scaled once). */
export interface ComparableMoney {
  readonly currency: string;
  readonly qualifier: MoneyQualifier;
  readonly scaled: bigint;
}

export function toComparable(money: Money): ComparableMoney {
  return { currency: money.currency, qualifier: money.qualifier, scaled: scaledValue(money.value) };
}

/**
 * The conflict rule of DESIGN 2.3(6)b. Each amount stands for an interval:
 * `exact` and `approximate` v for [v, v], `at_least` v for [v, ∞), `at_most`
 * v for [0, v]. Two amounts conflict when their currencies differ, or when
 * their intervals are apart by more than the tolerance (1 %, or 10 % when
 * either is approximate) of the larger bound. So `at_least 30M` and `35M`
 * agree, `at_least 30M` and `25M` conflict, two `at_least` never conflict,
 * and `at_least 5` conflicts with `at_most 4`.
 */
export function amountsConflict(a: Money | ComparableMoney, b: Money | ComparableMoney): boolean {
  const x = 'scaled' in a ? a : toComparable(a);
  const y = 'scaled' in b ? b : toComparable(b);
  if (x.currency !== y.currency) return true;
  const low = maxBig(lowerBound(x), lowerBound(y));
  const highX = upperBound(x);
  const highY = upperBound(y);
  const high = highX === null ? highY : highY === null ? highX : minBig(highX, highY);
  if (high === null || low <= high) return false;
  const tolerance =
    x.qualifier === 'approximate' || y.qualifier === 'approximate'
      ? APPROXIMATE_TOLERANCE_PERCENT
      : EXACT_TOLERANCE_PERCENT;
  return (low - high) * 100n > low * tolerance;
}

function lowerBound(m: ComparableMoney): bigint {
  return m.qualifier === 'at_most' ? 0n : m.scaled;
}

function upperBound(m: ComparableMoney): bigint | null {
  return m.qualifier === 'at_least' ? null : m.scaled;
}

function maxBig(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}

function minBig(a: bigint, b: bigint): bigint {
  return a < b ? a : b;
}
