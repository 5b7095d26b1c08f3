/**
 * Proleptic Gregorian calendar arithmetic on plain integers.
 *
 * The domain never asks the clock for the time and never lets the host time
 * zone leak in, so dates and instants are handled as strings and integers
 * here instead of through `Date`.
 */

// Module-level aliases: inside jest's vm sandbox every global lookup (Math,
// Number...) goes through an interceptor and is slow; these are hot paths.
const floor = Math.floor;
const toNumber = Number;

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

export function daysInMonth(year: number, month: number): number {
  switch (month) {
    case 2:
      return isLeapYear(year) ? 29 : 28;
    case 4:
    case 6:
    case 9:
    case 11:
      return 30;
    default:
      return 31;
  }
}

export function isValidCalendarDate(year: number, month: number, day: number): boolean {
  return year >= 1 && month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

export function pad(value: number, width: number): string {
  return String(value).padStart(width, '0');
}

export function formatIsoDate(year: number, month: number, day: number): string {
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}

/** Days since 1970-01-01 (Howard Hinnant's days_from_civil). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + floor(yoe / 4) - floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** Inverse of {@link daysFromCivil}. */
export function civilFromDays(days: number): { year: number; month: number; day: number } {
  const z = days + 719468;
  const era = floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = floor((doe - floor(doe / 1460) + floor(doe / 36524) - floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + floor(yoe / 4) - floor(yoe / 100));
  const mp = floor((5 * doy + 2) / 153);
  const day = doy - floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  return { year, month, day };
}

const FULL_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UTC_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?[Zz]$/;
const TIMESTAMP =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?(?:([Zz])|([+-])(\d{2}):?(\d{2}))?$/;

export interface ParsedFullDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** `YYYY-MM-DD` with a real calendar day, or null. */
export function parseFullDate(input: string): ParsedFullDate | null {
  const match = FULL_DATE.exec(input);
  if (!match) return null;
  const year = toNumber(match[1]);
  const month = toNumber(match[2]);
  const day = toNumber(match[3]);
  return isValidCalendarDate(year, month, day) ? { year, month, day } : null;
}

export function isTimestamp(input: string): boolean {
  return TIMESTAMP.test(input);
}

/**
 * Canonical UTC form of a full date (`YYYY-MM-DD`, taken as midnight UTC) or
 * an ISO 8601 timestamp (an offset-less timestamp is taken as UTC):
 * `YYYY-MM-DDTHH:MM:SS.fffffffffZ`, fixed width, so canonical instants
 * compare correctly as strings. Returns null for anything else.
 */
export function canonicalInstant(input: string): string | null {
  const utc = UTC_TIMESTAMP.exec(input);
  if (utc !== null) {
    // Already UTC (the store's format): validate, then pad the fraction.
    const hour = toNumber(utc[4]);
    const minute = toNumber(utc[5]);
    const second = toNumber(utc[6]);
    if (!isValidCalendarDate(toNumber(utc[1]), toNumber(utc[2]), toNumber(utc[3])) || hour > 23 || minute > 59 || second > 59) {
      return null;
    }
    return `${input.slice(0, 10)}T${input.slice(11, 19)}.${(utc[7] ?? '').padEnd(9, '0')}Z`;
  }
  const date = parseFullDate(input);
  if (date) return `${formatIsoDate(date.year, date.month, date.day)}T00:00:00.000000000Z`;
  const match = TIMESTAMP.exec(input);
  if (!match) return null;
  const year = toNumber(match[1]);
  const month = toNumber(match[2]);
  const day = toNumber(match[3]);
  const hour = toNumber(match[4]);
  const minute = toNumber(match[5]);
  const second = match[6] === undefined ? 0 : toNumber(match[6]);
  const fraction = (match[7] ?? '').padEnd(9, '0');
  if (!isValidCalendarDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return null;
  let offsetMinutes = 0;
  if (match[9] !== undefined) {
    const offsetHours = toNumber(match[10]);
    const offsetMins = toNumber(match[11]);
    if (offsetHours > 23 || offsetMins > 59) return null;
    offsetMinutes = (match[9] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMins);
  }
  let totalMinutes = daysFromCivil(year, month, day) * 1440 + hour * 60 + minute - offsetMinutes;
  const days = floor(totalMinutes / 1440);
  totalMinutes -= days * 1440;
  const civil = civilFromDays(days);
  if (civil.year < 1 || civil.year > 9999) return null;
  const hh = floor(totalMinutes / 60);
  const mm = totalMinutes % 60;
  return `${formatIsoDate(civil.year, civil.month, civil.day)}T${pad(hh, 2)}:${pad(mm, 2)}:${pad(second, 2)}.${fraction}Z`;
}

/** Canonical instant of the last nanosecond of a calendar day. */
export function endOfDayInstant(isoDate: string): string {
  return `${isoDate}T23:59:59.999999999Z`;
}
