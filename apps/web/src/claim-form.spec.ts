import { claimRequestBody, dealRequestBody, emptyClaimForm, errorsByField, unplacedErrors, type ClaimForm } from './claim-form';
import { formatPartialDate, partialDateRange } from './partial-date';

describe('the claim form mapped to POST /deals/{id}/claims', () => {
  it('sends what the user filled in, with relays nearest first, and leaves empty optional fields out', () => {
    const form: ClaimForm = {
      ...emptyClaimForm(),
      kind: 'offer_made',
      statement: '  Twitter offered about $4B for Clubhouse ',
      date: { precision: 'month', year: '2021', month: '3' },
      amountValue: '4,000,000,000',
      currency: 'usd',
      qualifier: 'approximate',
      party: 'Twitter',
      sources: [
        {
          outlet: 'Bloomberg',
          url: '',
          title: 'Twitter held talks',
          publishedAt: '2021-04-08',
          author: ' ',
          quote: '',
          via: [
            { outlet: 'French site', url: 'https://example.org/a', publishedAt: '' },
            { outlet: 'The Verge', url: '', publishedAt: '2021-04-08' },
          ],
        },
      ],
    };
    expect(claimRequestBody(form)).toEqual({
      kind: 'offer_made',
      statement: 'Twitter offered about $4B for Clubhouse',
      occurredAt: '2021-03',
      amount: { value: '4000000000', currency: 'USD', qualifier: 'approximate' },
      party: 'Twitter',
      sources: [
        {
          outlet: 'Bloomberg',
          title: 'Twitter held talks',
          publishedAt: '2021-04-08',
          via: [
            { outlet: 'French site', url: 'https://example.org/a' },
            { outlet: 'The Verge', publishedAt: '2021-04-08' },
          ],
        },
      ],
    });
  });

  it('sends only the fields that belong to the kind', () => {
    const base = { ...emptyClaimForm(), date: { precision: 'year' as const, year: '2012' }, amountValue: '10' };
    const source = { outlet: 'AFP', url: '', title: '', publishedAt: '2012-01-01', author: '', quote: '', via: [] };
    expect(claimRequestBody({ ...base, kind: 'statement', sources: [source] })).toEqual({
      kind: 'statement',
      statement: '',
      occurredAt: '2012',
      sources: [{ outlet: 'AFP', publishedAt: '2012-01-01' }],
    });
    expect(claimRequestBody({ ...base, kind: 'agreement_reached', agreementLevel: 'term_sheet', sources: [source] })).toMatchObject({
      agreementLevel: 'term_sheet',
      amount: { value: '10' },
    });
    expect(claimRequestBody({ ...base, kind: 'regulatory_action', regulatoryOutcome: 'blocked', sources: [source] })).toMatchObject({ regulatoryOutcome: 'blocked' });
    expect(claimRequestBody({ ...base, kind: 'denial', contradicts: 'c1', sources: [source] })).toMatchObject({ contradicts: 'c1' });
    expect(claimRequestBody({ ...base, kind: 'denial', sources: [source] })).not.toHaveProperty('contradicts');
  });

  it('maps the deal form, dropping parties left without a name', () => {
    expect(
      dealRequestBody({ title: ' Twitter / Clubhouse ', kind: 'acquisition', parties: [{ name: 'Twitter', role: 'bidder' }, { name: ' ', role: 'target' }] }),
    ).toEqual({ title: 'Twitter / Clubhouse', kind: 'acquisition', parties: [{ name: 'Twitter', role: 'bidder' }] });
  });

  it('puts each field error of the API beside its field, and keeps the rest for the summary', () => {
    const byField = errorsByField({
      type: '/problems/validation-failed',
      title: 'Bad Request',
      status: 400,
      errors: [
        { field: 'occurredAt', message: 'occurredAt must be YYYY, YYYY-Hn, YYYY-Qn, YYYY-MM or YYYY-MM-DD' },
        { field: 'sources[0].via[1].outlet', message: 'outlet must be longer than or equal to 1 characters' },
        { field: 'sources[0].via[1].outlet', message: 'outlet must be a string' },
        { field: 'somethingElse', message: 'is odd' },
      ],
    });
    expect(byField.get('sources[0].via[1].outlet')).toEqual(['outlet must be longer than or equal to 1 characters', 'outlet must be a string']);
    expect(unplacedErrors(byField, new Set(['occurredAt', 'sources[0].via[1].outlet']))).toEqual([{ field: 'somethingElse', message: 'is odd' }]);
    expect(errorsByField(null).size).toBe(0);
  });
});

describe('partial dates', () => {
  it('are written in the format of their precision', () => {
    expect(formatPartialDate({ precision: 'year', year: '2012' })).toBe('2012');
    expect(formatPartialDate({ precision: 'half', year: '2012', half: '2' })).toBe('2012-H2');
    expect(formatPartialDate({ precision: 'quarter', year: '2021', quarter: '1' })).toBe('2021-Q1');
    expect(formatPartialDate({ precision: 'month', year: '2012', month: '4' })).toBe('2012-04');
    expect(formatPartialDate({ precision: 'day', year: '2012', month: '9', day: '6' })).toBe('2012-09-06');
  });

  it('cover an interval from their first day', () => {
    const day = (text: string) => Date.parse(`${text}T00:00:00Z`);
    expect(partialDateRange('2012')).toEqual({ start: day('2012-01-01'), end: day('2013-01-01') });
    expect(partialDateRange('2012-H2')).toEqual({ start: day('2012-07-01'), end: day('2013-01-01') });
    expect(partialDateRange('2021-Q4')).toEqual({ start: day('2021-10-01'), end: day('2022-01-01') });
    expect(partialDateRange('2012-02')).toEqual({ start: day('2012-02-01'), end: day('2012-03-01') });
    expect(partialDateRange('2012-02-29')).toEqual({ start: day('2012-02-29'), end: day('2012-03-01') });
    expect(partialDateRange('spring 2012')).toBeNull();
  });
});
