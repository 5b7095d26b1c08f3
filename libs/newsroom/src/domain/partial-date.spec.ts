import { InvalidValueError } from './domain.error';
import {
  comparePartialDates,
  compareStart,
  isPartialDate,
  isStartOnOrBefore,
  PARTIAL_DATE_MESSAGE,
  PartialDate,
  parsePartialDate,
  validAtCutoff,
} from './partial-date';

describe('PartialDate', () => {
  describe('valid forms', () => {
    it.each([
      ['2012', 'year', '2012-01-01', '2012-12-31'],
      ['2012-H1', 'half', '2012-01-01', '2012-06-30'],
      ['2012-H2', 'half', '2012-07-01', '2012-12-31'],
      ['2012-Q1', 'quarter', '2012-01-01', '2012-03-31'],
      ['2012-Q2', 'quarter', '2012-04-01', '2012-06-30'],
      ['2012-Q3', 'quarter', '2012-07-01', '2012-09-30'],
      ['2012-Q4', 'quarter', '2012-10-01', '2012-12-31'],
      ['2012-02', 'month', '2012-02-01', '2012-02-29'],
      ['2011-02', 'month', '2011-02-01', '2011-02-28'],
      ['2012-04', 'month', '2012-04-01', '2012-04-30'],
      ['2012-03-25', 'day', '2012-03-25', '2012-03-25'],
      ['2012-02-29', 'day', '2012-02-29', '2012-02-29'],
      ['2000-02-29', 'day', '2000-02-29', '2000-02-29'],
    ])('%s is a %s from %s to %s', (text, precision, start, end) => {
      const date = parsePartialDate(text);
      expect(date.precision).toBe(precision);
      expect(date.start).toBe(start);
      expect(date.end).toBe(end);
      expect(date.toString()).toBe(text);
      expect(JSON.stringify({ at: date })).toBe(`{"at":"${text}"}`);
    });

    it('normalises lower-case half and quarter markers', () => {
      expect(parsePartialDate('2012-h2').value).toBe('2012-H2');
      expect(parsePartialDate('2012-q3').value).toBe('2012-Q3');
    });
  });

  describe('invalid forms', () => {
    it.each([
      ['2012-13'],
      ['2012-00'],
      ['2012-04-31'],
      ['2011-02-29'],
      ['1900-02-29'],
      ['2012-02-30'],
      ['2012-00-10'],
      ['2012-H3'],
      ['2012-H0'],
      ['2012-Q5'],
      ['2012-Q0'],
      ['0000'],
      ['12'],
      ['20120'],
      ['2012-3'],
      ['2012-03-5'],
      ['March 2012'],
      ['courant mars'],
      [' 2012'],
      ['2012-03-25T10:00:00Z'],
      [''],
    ])('%j is refused', (text) => {
      expect(() => parsePartialDate(text)).toThrow(InvalidValueError);
      expect(isPartialDate(text)).toBe(false);
    });

    it('names the field and the accepted formats', () => {
      try {
        PartialDate.parse('mars 2012', 'changes.occurredAt');
        throw new Error('should have thrown');
      } catch (error) {
        expect(error).toBeInstanceOf(InvalidValueError);
        const invalid = error as InvalidValueError;
        expect(invalid.field).toBe('changes.occurredAt');
        expect(invalid.errors).toEqual([{ field: 'changes.occurredAt', message: PARTIAL_DATE_MESSAGE }]);
        expect(invalid.kind).toBe('invalid');
      }
    });

    it.each([[2012], [null], [undefined], [{}]])('refuses the non-string %j', (value) => {
      expect(() => parsePartialDate(value)).toThrow(InvalidValueError);
    });
  });

  describe('ordering', () => {
    it('puts 2012 before 2012-03 before 2012-03-25', () => {
      const dates = ['2012-03-25', '2012', '2012-03'].map((text) => parsePartialDate(text));
      expect(dates.sort(comparePartialDates).map(String)).toEqual(['2012', '2012-03', '2012-03-25']);
    });

    it('puts the coarser first when starts are equal', () => {
      const dates = ['2012-01-01', '2012-01', '2012-Q1', '2012', '2012-H1'].map((text) => parsePartialDate(text));
      expect(dates.every((date) => compareStart(date, dates[0]!) === 0)).toBe(true);
      expect(dates.sort(comparePartialDates).map(String)).toEqual(['2012', '2012-H1', '2012-Q1', '2012-01', '2012-01-01']);
    });

    it('orders by start across precisions', () => {
      const dates = ['2012-Q2', '2012-03-31', '2012-H2', '2011'].map((text) => parsePartialDate(text));
      expect(dates.sort(comparePartialDates).map(String)).toEqual(['2011', '2012-03-31', '2012-Q2', '2012-H2']);
    });
  });

  describe('the validAt cut', () => {
    it('uses the END of a partial validAt', () => {
      expect(validAtCutoff('2012-05')).toBe('2012-05-31');
      expect(validAtCutoff('2012')).toBe('2012-12-31');
      expect(validAtCutoff('2012-Q1')).toBe('2012-03-31');
      expect(isStartOnOrBefore('2012-05-31', '2012-05')).toBe(true);
      expect(isStartOnOrBefore('2012-06-01', '2012-05')).toBe(false);
      expect(isStartOnOrBefore('2012-05', '2012-05-01')).toBe(true);
      expect(isStartOnOrBefore('2012-Q2', '2012-05-01')).toBe(true);
      expect(isStartOnOrBefore('2012-H2', '2012-05')).toBe(false);
    });

    it('keeps that very day for a full date, and the written day of a timestamp', () => {
      expect(isStartOnOrBefore('2012-05-01', '2012-05-01')).toBe(true);
      expect(isStartOnOrBefore('2012-05-02', '2012-05-01')).toBe(false);
      expect(validAtCutoff('2012-05-01T23:30:00+02:00')).toBe('2012-05-01');
    });

    it('refuses a malformed validAt', () => {
      expect(() => validAtCutoff('May 2012')).toThrow(InvalidValueError);
      expect(() => validAtCutoff('2012-02-30T10:00:00Z')).toThrow(InvalidValueError);
    });
  });
});
