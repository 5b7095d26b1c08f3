import { canonicalInstant } from './calendar.util';
import { FieldErrorCollector, InvalidValueError, joinPath } from './domain.error';
import { isRecord, optionalText, requireText } from './value-parsing.util';

/**
 * Where a claim comes from (DESIGN 2.2). `outlet` first reported it; `via`
 * lists the outlets that relayed it to us, nearest first.
 */
export interface SourceRelay {
  readonly outlet: string;
  readonly url?: string;
  readonly publishedAt?: string;
}

export interface Source {
  readonly outlet: string;
  readonly url?: string;
  readonly title?: string;
  /** A full date `YYYY-MM-DD` or an ISO 8601 timestamp. */
  readonly publishedAt: string;
  readonly author?: string;
  readonly quote?: string;
  readonly language?: string;
  readonly via?: readonly SourceRelay[];
}

export const SOURCE_LIMITS = {
  outlet: 200,
  url: 2048,
  title: 500,
  author: 200,
  quote: 5000,
  via: 20,
} as const;

/** At most this many sources in one claim or one verdict's evidence. */
export const MAX_SOURCES = 50;

const LANGUAGE_TAG = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;
const HTTP_URL = /^https?:\/\/[^\s/?#]+[^\s]*$/i;

/**
 * Validates a source and returns a clean copy holding only the known fields
 * (texts trimmed, absent optional fields left out). Throws
 * {@link InvalidValueError} listing every bad field, paths under `field`.
 */
export function parseSource(input: unknown, field = 'source'): Source {
  if (!isRecord(input)) throw new InvalidValueError(field, 'must be an object with at least outlet and publishedAt');
  const errors = new FieldErrorCollector();
  const at = (name: string): string => joinPath(field, name);
  const outlet = errors.attempt(() => requireText(input['outlet'], at('outlet'), SOURCE_LIMITS.outlet));
  const url = errors.attempt(() => parseUrl(input['url'], at('url')));
  const title = errors.attempt(() => optionalText(input['title'], at('title'), SOURCE_LIMITS.title));
  const publishedAt = errors.attempt(() => parsePublishedAt(input['publishedAt'], at('publishedAt'), true));
  const author = errors.attempt(() => optionalText(input['author'], at('author'), SOURCE_LIMITS.author));
  const quote = errors.attempt(() => optionalText(input['quote'], at('quote'), SOURCE_LIMITS.quote));
  const language = errors.attempt(() => parseLanguage(input['language'], at('language')));
  const via = errors.attempt(() => parseVia(input['via'], at('via')));
  errors.throwIfAny();
  const source: { -readonly [K in keyof Source]: Source[K] } = { outlet: outlet as string, publishedAt: publishedAt as string };
  if (url !== undefined) source.url = url;
  if (title !== undefined) source.title = title;
  if (author !== undefined) source.author = author;
  if (quote !== undefined) source.quote = quote;
  if (language !== undefined) source.language = language;
  if (via !== undefined) source.via = via;
  return source;
}

/** A non-empty list of at most `max` sources. */
export function parseSources(input: unknown, field = 'sources', options: { min?: number; max?: number } = {}): Source[] {
  const min = options.min ?? 1;
  const max = options.max ?? MAX_SOURCES;
  if (!Array.isArray(input)) throw new InvalidValueError(field, 'must be a list of sources');
  if (input.length < min) throw new InvalidValueError(field, min === 1 ? 'must hold at least one source' : `must hold at least ${min} sources`);
  if (input.length > max) throw new InvalidValueError(field, `must hold at most ${max} sources`);
  const errors = new FieldErrorCollector();
  const sources = input.map((item, index) => errors.attempt(() => parseSource(item, `${field}[${index}]`)));
  errors.throwIfAny();
  return sources as Source[];
}

function parseUrl(input: unknown, field: string): string | undefined {
  if (input === undefined || input === null) return undefined;
  const text = requireText(input, field, SOURCE_LIMITS.url);
  if (!HTTP_URL.test(text)) throw new InvalidValueError(field, 'must be an http or https URL');
  return text;
}

function parsePublishedAt(input: unknown, field: string, required: boolean): string | undefined {
  if (!required && (input === undefined || input === null)) return undefined;
  if (typeof input !== 'string' || canonicalInstant(input.trim()) === null) {
    throw new InvalidValueError(field, 'must be a full date YYYY-MM-DD or an ISO 8601 timestamp');
  }
  return input.trim();
}

function parseLanguage(input: unknown, field: string): string | undefined {
  if (input === undefined || input === null) return undefined;
  if (typeof input !== 'string' || input.length > 35 || !LANGUAGE_TAG.test(input)) {
    throw new InvalidValueError(field, 'must be a BCP 47 language tag such as fr or en-US');
  }
  return input;
}

function parseVia(input: unknown, field: string): SourceRelay[] | undefined {
  if (input === undefined || input === null) return undefined;
  if (!Array.isArray(input)) throw new InvalidValueError(field, 'must be a list of relays');
  if (input.length > SOURCE_LIMITS.via) throw new InvalidValueError(field, `must hold at most ${SOURCE_LIMITS.via} relays`);
  const errors = new FieldErrorCollector();
  const relays = input.map((item, index) =>
    errors.attempt(() => {
      const at = `${field}[${index}]`;
      if (!isRecord(item)) throw new InvalidValueError(at, 'must be an object with at least outlet');
      const inner = new FieldErrorCollector();
      const outlet = inner.attempt(() => requireText(item['outlet'], joinPath(at, 'outlet'), SOURCE_LIMITS.outlet));
      const url = inner.attempt(() => parseUrl(item['url'], joinPath(at, 'url')));
      const publishedAt = inner.attempt(() => parsePublishedAt(item['publishedAt'], joinPath(at, 'publishedAt'), false));
      inner.throwIfAny();
      const relay: { -readonly [K in keyof SourceRelay]: SourceRelay[K] } = { outlet: outlet as string };
      if (url !== undefined) relay.url = url;
      if (publishedAt !== undefined) relay.publishedAt = publishedAt;
      return relay;
    }),
  );
  errors.throwIfAny();
  return relays as SourceRelay[];
}

/**
 * The key two outlet names are compared by: Unicode-normalised, lower-cased,
 * with every whitespace removed ("The  Verge" = "the verge" = "TheVerge").
 */
export function outletKey(outlet: string): string {
  return outlet.normalize('NFKC').toLowerCase().replace(/\s+/gu, '');
}

/**
 * How many independent sources back a claim: distinct first-reporting
 * outlets. Three relays of one Bloomberg story count once.
 */
export function independentSources(sources: readonly Pick<Source, 'outlet'>[]): number {
  return new Set(sources.map((source) => outletKey(source.outlet))).size;
}

/**
 * The earliest `publishedAt` of the sources as a canonical UTC instant
 * (fixed-width, so it compares as a string), or null when there is none.
 * A date without a time counts as midnight UTC.
 */
export function earliestPublishedAt(
  sources: readonly Pick<Source, 'publishedAt'>[],
  instantOf: (value: string) => string | null = canonicalInstant,
): string | null {
  let earliest: string | null = null;
  for (const source of sources) {
    const instant = instantOf(source.publishedAt);
    if (instant !== null && (earliest === null || instant < earliest)) earliest = instant;
  }
  return earliest;
}
