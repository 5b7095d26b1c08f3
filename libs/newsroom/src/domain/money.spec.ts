import { isCurrencyCode, ISO_4217_CODES } from './currency-codes';
import { InvalidValueError } from './domain.error';
import { amountsConflict, compareMoneyValues, moneyEquals, parseMoney, type Money, type MoneyQualifier } from './money';

function usd(value: string, qualifier: MoneyQualifier = 'exact'): Money {
  return { value, currency: 'USD', qualifier };
}

function rejectedFields(input: unknown): string[] {
  try {
    parseMoney(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidValueError);
    return (error as InvalidValueError).errors.map((e) => e.field);
  }
  throw new Error('expected parseMoney to throw');
}

describe('Money', () => {
  describe('valid forms', () => {
    it('keeps a decimal string, a known currency and the qualifier', () => {
      expect(parseMoney({ value: '715000000', currency: 'USD', qualifier: 'exact' })).toEqual(usd('715000000'));
      expect(parseMoney({ value: '4000000000', currency: 'USD', qualifier: 'approximate' })).toEqual(
        usd('4000000000', 'approximate'),
      );
      expect(parseMoney({ value: '30000000', currency: 'EUR', qualifier: 'at_least' }).qualifier).toBe('at_least');
      expect(parseMoney({ value: '1.5', currency: 'GBP', qualifier: 'at_most' }).value).toBe('1.5');
    });

    it('defaults the qualifier to exact', () => {
      expect(parseMoney({ value: '525000000', currency: 'USD' })).toEqual(usd('525000000'));
    });

    it('normalises leading and trailing zeros and the case of the currency', () => {
      expect(parseMoney({ value: '000715.500', currency: 'usd' })).toEqual(usd('715.5'));
      expect(parseMoney({ value: '1.000', currency: 'USD' }).value).toBe('1');
      expect(parseMoney({ value: '0', currency: 'USD' }).value).toBe('0');
      expect(parseMoney({ value: '0.0', currency: 'USD' }).value).toBe('0');
    });

    it('embeds the active ISO 4217 codes', () => {
      for (const code of ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CNY', 'XCG', 'ZWG', 'SLE', 'VED', 'XAU', 'XDR']) {
        expect(isCurrencyCode(code)).toBe(true);
      }
      for (const code of ['FRF', 'DEM', 'XXX', 'XTS', 'ABC', 'usd']) expect(isCurrencyCode(code)).toBe(false);
      expect(new Set(ISO_4217_CODES).size).toBe(ISO_4217_CODES.length);
      expect(ISO_4217_CODES.length).toBeGreaterThan(170);
    });
  });

  describe('invalid forms', () => {
    it.each([
      ['-5'],
      ['1e9'],
      ['1E9'],
      ['4 billion'],
      ['1,5'],
      ['.5'],
      ['5.'],
      ['+5'],
      [' 5'],
      ['0x10'],
      [''],
      ['Infinity'],
      ['NaN'],
    ])('refuses the value %j', (value) => {
      expect(rejectedFields({ value, currency: 'USD' })).toEqual(['amount.value']);
    });

    it('refuses numbers: amounts are strings, never floats', () => {
      expect(rejectedFields({ value: 715000000, currency: 'USD' })).toEqual(['amount.value']);
    });

    it('refuses too many digits', () => {
      expect(rejectedFields({ value: '1'.repeat(31), currency: 'USD' })).toEqual(['amount.value']);
      expect(rejectedFields({ value: `1.${'1'.repeat(19)}`, currency: 'USD' })).toEqual(['amount.value']);
    });

    it.each([['XYZ'], ['US'], ['DOLLARS'], ['FRF'], [''], [42]])('refuses the currency %j', (currency) => {
      expect(rejectedFields({ value: '1', currency })).toEqual(['amount.currency']);
    });

    it('refuses an unknown qualifier', () => {
      expect(rejectedFields({ value: '1', currency: 'USD', qualifier: 'roughly' })).toEqual(['amount.qualifier']);
    });

    it('lists every bad field at once', () => {
      expect(rejectedFields({ value: '-1', currency: 'ZZZ', qualifier: 'about' })).toEqual([
        'amount.value',
        'amount.currency',
        'amount.qualifier',
      ]);
    });

    it.each([[null], ['715000000'], [[]], [42]])('refuses the non-object %j', (input) => {
      expect(rejectedFields(input)).toEqual(['amount']);
    });
  });

  describe('comparison', () => {
    it('compares values exactly, without floating point', () => {
      expect(compareMoneyValues('0.1', '0.10')).toBe(0);
      expect(compareMoneyValues('9007199254740993', '9007199254740992')).toBe(1);
      expect(compareMoneyValues('0.000000000000000001', '0')).toBe(1);
      expect(compareMoneyValues('999', '1000')).toBe(-1);
      expect(moneyEquals(usd('1.50'), usd('1.5'))).toBe(true);
      expect(moneyEquals(usd('1.5'), usd('1.5', 'approximate'))).toBe(false);
    });
  });

  describe('the conflict rule (2.3(6)b)', () => {
    it('a different currency conflicts', () => {
      expect(amountsConflict(usd('100'), { value: '100', currency: 'EUR', qualifier: 'exact' })).toBe(true);
    });

    it('exact values conflict when more than 1% apart', () => {
      expect(amountsConflict(usd('100'), usd('101'))).toBe(false);
      expect(amountsConflict(usd('100'), usd('99'))).toBe(false);
      expect(amountsConflict(usd('100'), usd('101.02'))).toBe(true);
      expect(amountsConflict(usd('715000000'), usd('1000000000'))).toBe(true);
      expect(amountsConflict(usd('525000000'), usd('525000000'))).toBe(false);
    });

    it('an approximate value widens the tolerance to 10%', () => {
      expect(amountsConflict(usd('4000000000', 'approximate'), usd('4200000000'))).toBe(false);
      expect(amountsConflict(usd('4000000000', 'approximate'), usd('4500000000'))).toBe(true);
      expect(amountsConflict(usd('1000000000', 'approximate'), usd('715000000'))).toBe(true);
    });

    it('at_least X agrees with any value from X up', () => {
      expect(amountsConflict(usd('30000000', 'at_least'), usd('35000000'))).toBe(false);
      expect(amountsConflict(usd('30000000', 'at_least'), usd('30000000'))).toBe(false);
      expect(amountsConflict(usd('30000000', 'at_least'), usd('29800000'))).toBe(false);
      expect(amountsConflict(usd('30000000', 'at_least'), usd('25000000'))).toBe(true);
      expect(amountsConflict(usd('30000000', 'at_least'), usd('90000000', 'at_least'))).toBe(false);
    });

    it('at_most X agrees with any value up to X', () => {
      expect(amountsConflict(usd('100', 'at_most'), usd('50'))).toBe(false);
      expect(amountsConflict(usd('100', 'at_most'), usd('0'))).toBe(false);
      expect(amountsConflict(usd('100', 'at_most'), usd('150'))).toBe(true);
      expect(amountsConflict(usd('100', 'at_most'), usd('5', 'at_most'))).toBe(false);
    });

    it('at_least and at_most conflict only when they cannot both hold', () => {
      expect(amountsConflict(usd('50', 'at_least'), usd('100', 'at_most'))).toBe(false);
      expect(amountsConflict(usd('100', 'at_least'), usd('50', 'at_most'))).toBe(true);
    });

    it('is symmetric', () => {
      const amounts = [usd('100'), usd('130', 'approximate'), usd('120', 'at_least'), usd('90', 'at_most'), usd('101')];
      for (const a of amounts) for (const b of amounts) expect(amountsConflict(a, b)).toBe(amountsConflict(b, a));
    });
  });
});
