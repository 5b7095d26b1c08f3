/** The precisions a partial date may have (DESIGN.md 2.2); the format is the precision. */
export type Precision = 'year' | 'half' | 'quarter' | 'month' | 'day';

export const PRECISIONS: Precision[] = ['year', 'half', 'quarter', 'month', 'day'];

/** The parts of a partial date as the form holds them: the year and, by precision, its half, quarter, month or day. */
export interface DateParts {
  precision: Precision;
  year: string;
  half?: string;
  quarter?: string;
  month?: string;
  day?: string;
}

/** Writes the parts as the API's text (`2012`, `2012-H1`, `2012-Q2`, `2012-03`, `2012-03-25`); the API judges whether it is valid. */
export function formatPartialDate(parts: DateParts): string {
  const year = parts.year.trim();
  const pad = (value: string | undefined) => (value ?? '').trim().padStart(2, '0');
  switch (parts.precision) {
    case 'year':
      return year;
    case 'half':
      return `${year}-H${(parts.half ?? '').trim()}`;
    case 'quarter':
      return `${year}-Q${(parts.quarter ?? '').trim()}`;
    case 'month':
      return `${year}-${pad(parts.month)}`;
    case 'day':
      return `${year}-${pad(parts.month)}-${pad(parts.day)}`;
  }
}

/** The interval a partial date covers, in UTC milliseconds: from its first day to the start of the next period. */
export function partialDateRange(text: string): { start: number; end: number } | null {
  let match = /^(\d{4})$/.exec(text);
  if (match) return span(+match[1], 0, 12);
  match = /^(\d{4})-H([12])$/.exec(text);
  if (match) return span(+match[1], (+match[2] - 1) * 6, 6);
  match = /^(\d{4})-Q([1-4])$/.exec(text);
  if (match) return span(+match[1], (+match[2] - 1) * 3, 3);
  match = /^(\d{4})-(\d{2})$/.exec(text);
  if (match) return span(+match[1], +match[2] - 1, 1);
  match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
  if (match) {
    const start = Date.UTC(+match[1], +match[2] - 1, +match[3]);
    return { start, end: start + 86_400_000 };
  }
  return null;
}

function span(year: number, month: number, months: number): { start: number; end: number } {
  return { start: Date.UTC(year, month, 1), end: Date.UTC(year, month + months, 1) };
}
