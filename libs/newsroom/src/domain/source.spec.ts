import { InvalidValueError } from './domain.error';
import { earliestPublishedAt, independentSources, parseSource, parseSources } from './source';

function rejectedFields(run: () => unknown): string[] {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidValueError);
    return (error as InvalidValueError).errors.map((e) => e.field);
  }
  throw new Error('expected a rejection');
}

describe('Source', () => {
  describe('valid forms', () => {
    it('keeps the seed Clubhouse source: Bloomberg relayed by The Verge and a French site', () => {
      const source = parseSource({
        outlet: 'Bloomberg',
        publishedAt: '2021-04-11',
        title: 'Twitter held talks to buy Clubhouse for $4 billion',
        language: 'en',
        via: [
          { outlet: 'Presse-citron', url: 'https://www.presse-citron.net/twitter-clubhouse', publishedAt: '2021-04-08T14:05:00+02:00' },
          { outlet: 'The Verge', url: 'https://www.theverge.com/2021/4/7/clubhouse-twitter' },
        ],
      });
      expect(source).toEqual({
        outlet: 'Bloomberg',
        publishedAt: '2021-04-11',
        title: 'Twitter held talks to buy Clubhouse for $4 billion',
        language: 'en',
        via: [
          { outlet: 'Presse-citron', url: 'https://www.presse-citron.net/twitter-clubhouse', publishedAt: '2021-04-08T14:05:00+02:00' },
          { outlet: 'The Verge', url: 'https://www.theverge.com/2021/4/7/clubhouse-twitter' },
        ],
      });
    });

    it('accepts a timestamp, trims texts and drops unknown fields', () => {
      const source = parseSource({
        outlet: '  The New York Times ',
        publishedAt: '2012-08-20T18:00:00Z',
        author: 'Somini Sengupta',
        quote: 'Mr. Systrom verbally agreed',
        url: 'http://www.nytimes.com/x',
        language: 'en-US',
        extra: 'dropped',
      });
      expect(source).toEqual({
        outlet: 'The New York Times',
        publishedAt: '2012-08-20T18:00:00Z',
        author: 'Somini Sengupta',
        quote: 'Mr. Systrom verbally agreed',
        url: 'http://www.nytimes.com/x',
        language: 'en-US',
      });
    });

    it('accepts null optional fields as absent', () => {
      expect(parseSource({ outlet: 'TechCrunch', publishedAt: '2021-10-20', url: null, via: null })).toEqual({
        outlet: 'TechCrunch',
        publishedAt: '2021-10-20',
      });
    });
  });

  describe('invalid forms', () => {
    it.each([
      [{ publishedAt: '2021-04-11' }, ['source.outlet']],
      [{ outlet: '   ', publishedAt: '2021-04-11' }, ['source.outlet']],
      [{ outlet: 'x'.repeat(201), publishedAt: '2021-04-11' }, ['source.outlet']],
      [{ outlet: 'Bloomberg' }, ['source.publishedAt']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04' }, ['source.publishedAt']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-02-30' }, ['source.publishedAt']],
      [{ outlet: 'Bloomberg', publishedAt: 'yesterday' }, ['source.publishedAt']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11T25:00:00Z' }, ['source.publishedAt']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', url: 'ftp://bloomberg.com/x' }, ['source.url']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', url: 'javascript:alert(1)' }, ['source.url']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', url: 'bloomberg.com' }, ['source.url']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', language: 'English' }, ['source.language']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', language: 'f' }, ['source.language']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', via: 'The Verge' }, ['source.via']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', via: [{}] }, ['source.via[0].outlet']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', via: [{ outlet: 'V', publishedAt: 'soon' }] }, ['source.via[0].publishedAt']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', via: [{ outlet: 'V', url: 'nope' }] }, ['source.via[0].url']],
      [{ outlet: 'Bloomberg', publishedAt: '2021-04-11', title: 7 }, ['source.title']],
      [{ outlet: '', publishedAt: '', url: 'x' }, ['source.outlet', 'source.url', 'source.publishedAt']],
    ])('%j is refused on %j', (input, fields) => {
      expect(rejectedFields(() => parseSource(input))).toEqual(fields);
    });

    it('refuses more than 20 relays', () => {
      const via = Array.from({ length: 21 }, (_, i) => ({ outlet: `Relay ${i}` }));
      expect(rejectedFields(() => parseSource({ outlet: 'B', publishedAt: '2021-04-11', via }))).toEqual(['source.via']);
      expect(parseSource({ outlet: 'B', publishedAt: '2021-04-11', via: via.slice(0, 20) }).via).toHaveLength(20);
    });

    it('refuses a non-object', () => {
      expect(rejectedFields(() => parseSource('Bloomberg'))).toEqual(['source']);
    });

    it('parses lists with indexed paths, and requires one source at least', () => {
      expect(rejectedFields(() => parseSources([{ outlet: 'A', publishedAt: '2021-01-01' }, { outlet: 'B' }]))).toEqual([
        'sources[1].publishedAt',
      ]);
      expect(rejectedFields(() => parseSources([]))).toEqual(['sources']);
      expect(rejectedFields(() => parseSources('A'))).toEqual(['sources']);
    });
  });

  describe('independentSources', () => {
    it('counts distinct first-reporting outlets, ignoring case and spaces', () => {
      const sources = [
        { outlet: 'Bloomberg', via: [{ outlet: 'The Verge' }] },
        { outlet: 'bloomberg ', via: [{ outlet: 'Presse-citron' }] },
        { outlet: 'BLOOM  BERG' },
        { outlet: 'The New York Times' },
        { outlet: 'the new york times' },
        { outlet: 'TechCrunch' },
      ];
      expect(independentSources(sources)).toBe(3);
    });

    it('counts three relays of one story as one source', () => {
      const relays = ['The Verge', 'Presse-citron', 'Les Echos'].map((relay) => ({ outlet: 'Bloomberg', via: [{ outlet: relay }] }));
      expect(independentSources(relays)).toBe(1);
    });

    it('is zero for no source', () => {
      expect(independentSources([])).toBe(0);
    });
  });

  describe('earliestPublishedAt', () => {
    it('compares dates and timestamps as UTC instants', () => {
      expect(
        earliestPublishedAt([
          { publishedAt: '2021-04-08' },
          { publishedAt: '2021-04-07T23:30:00-02:00' },
          { publishedAt: '2021-04-08T00:30:00+02:00' },
        ]),
      ).toBe('2021-04-07T22:30:00.000000000Z');
      expect(earliestPublishedAt([])).toBeNull();
    });
  });
});
