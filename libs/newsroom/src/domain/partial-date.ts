import { canonicalInstant, daysInMonth, formatIsoDate, isTimestamp, parseFullDate } from './calendar.util';
import { InvalidValueError } from './domain.error';

/**
 * A partial date (DESIGN 2.2): `YYYY`, `YYYY-Hn`, `YYYY-Qn`, `YYYY-MM` or
 * `YYYY-MM-DD`. Its format is its precision, and it covers an interval from
 * `start` (its first day) to `end` (its last day), both ISO dates.
 */
export const DATE_PRECISIONS = ['year', 'half', 'quarter', 'month', 'day'] as const;
export type DatePrecision = (typeof DATE_PRECISIONS)[number];

/** Coarser precisions rank lower: they sort first when two starts are equal. */
export const PRECISION_RANK: Readonly<Record<DatePrecision, number>> = {
  year: 0,
  half: 1,
  quarter: 2,
  month: 3,
  day: 4,
};

export const PARTIAL_DATE_MESSAGE = 'must be YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or YYYY-MM-DD';

const PARTIAL_DATE = /^(\d{4})(?:-(?:[Hh]([12])|[Qq]([1-4])|(\d{2})(?:-(\d{2}))?))?$/;

export class PartialDate {
  private constructor(
    /** Normalised text (`H`/`Q` upper-cased): what events store. */
    readonly value: string,
    readonly precision: DatePrecision,
    /** ISO date of the first day covered. */
    readonly start: string,
    /** ISO date of the last day covered. */
    readonly end: string,
  ) {}

  /** The partial date, or throws {@link InvalidValueError} on `field`. */
  static parse(input: unknown, field = 'occurredAt'): PartialDate {
    const parsed = typeof input === 'string' ? PartialDate.tryParse(input) : null;
    if (!parsed) throw new InvalidValueError(field, PARTIAL_DATE_MESSAGE);
    return parsed;
  }

  static tryParse(input: string): PartialDate | null {
    const match = PARTIAL_DATE.exec(input);
    if (!match) return null;
    const yearText = match[1] as string;
    const year = Number(yearText);
    if (year < 1) return null;
    const [, , half, quarter, monthText, dayText] = match;
    if (half !== undefined) {
      const h = Number(half);
      const firstMonth = h === 1 ? 1 : 7;
      return new PartialDate(
        `${yearText}-H${h}`,
        'half',
        formatIsoDate(year, firstMonth, 1),
        formatIsoDate(year, firstMonth + 5, daysInMonth(year, firstMonth + 5)),
      );
    }
    if (quarter !== undefined) {
      const q = Number(quarter);
      const firstMonth = (q - 1) * 3 + 1;
      return new PartialDate(
        `${yearText}-Q${q}`,
        'quarter',
        formatIsoDate(year, firstMonth, 1),
        formatIsoDate(year, firstMonth + 2, daysInMonth(year, firstMonth + 2)),
      );
    }
    if (monthText !== undefined) {
      const month = Number(monthText);
      if (month < 1 || month > 12) return null;
      if (dayText !== undefined) {
        const full = parseFullDate(input);
        if (!full) return null;
        const iso = formatIsoDate(year, month, full.day);
        return new PartialDate(iso, 'day', iso, iso);
      }
      return new PartialDate(
        `${yearText}-${monthText}`,
        'month',
        formatIsoDate(year, month, 1),
        formatIsoDate(year, month, daysInMonth(year, month)),
      );
    }
    return new PartialDate(yearText, 'year', formatIsoDate(year, 1, 1), formatIsoDate(year, 12, 31));
  }

  equals(other: PartialDate): boolean {
    return this.value === other.value;
  }

  toString(): string {
    return this.value;
  }

  toJSON(): string {
    return this.value;
  }
}

export function parsePartialDate(input: unknown, field = 'occurredAt'): PartialDate {
  return PartialDate.parse(input, field);
}

export function isPartialDate(input: unknown): input is string {
  return typeof input === 'string' && PartialDate.tryParse(input) !== null;
}

function toPartialDate(date: PartialDate | string, field: string): PartialDate {
  return typeof date === 'string' ? PartialDate.parse(date, field) : date;
}

/** Orders by first day only: `2012` and `2012-01-01` compare equal. */
export function compareStart(a: PartialDate, b: PartialDate): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : 0;
}

/** Equal starts: the coarser precision first (`2012` < `2012-H1` < `2012-Q1` < `2012-01` < `2012-01-01`). */
export function comparePrecision(a: PartialDate, b: PartialDate): number {
  return PRECISION_RANK[a.precision] - PRECISION_RANK[b.precision];
}

/** Start, then precision: `2012` before `2012-03` before `2012-03-25`. */
export function comparePartialDates(a: PartialDate, b: PartialDate): number {
  return compareStart(a, b) || comparePrecision(a, b);
}

/**
 * The last day (ISO date) a valid-time cut `validAt=V` keeps.
 *
 * Decision: a partial V stands for its whole period, so the cut is V's END:
 * `validAt=2012-05` keeps claims starting any day of May 2012, `validAt=2012`
 * every claim starting in 2012. A full date keeps that day. A timestamp is
 * accepted too and means the calendar day written in it (its offset is not
 * applied: valid time is calendar dates, not instants).
 */
export function validAtCutoff(validAt: PartialDate | string, field = 'validAt'): string {
  if (typeof validAt === 'string' && isTimestamp(validAt)) {
    if (canonicalInstant(validAt) === null) throw new InvalidValueError(field, PARTIAL_DATE_MESSAGE);
    return validAt.slice(0, 10);
  }
  return toPartialDate(validAt, field).end;
}

/** True when `date` starts on or before the cut `validAt` (see {@link validAtCutoff}). */
export function isStartOnOrBefore(date: PartialDate | string, validAt: PartialDate | string): boolean {
  return toPartialDate(date, 'occurredAt').start <= validAtCutoff(validAt);
}
