import { FieldError } from './problem';
import { ProblemError } from './problem';

/** How deep and how large a JSON body may be before any validation looks at it. */
export const INPUT_LIMITS = {
  /** Nesting of objects and arrays; the deepest request DTO needs fewer than ten. */
  maxDepth: 32,
  /** Values (objects, arrays, strings, numbers…) in one body; a claim with 50 full sources needs a few thousand. */
  maxValues: 20_000,
  /** Characters of a field name or message echoed back in a problem document. */
  maxEcho: 120,
} as const;

const NUL = '\u0000';

/** ES2024's String.prototype.isWellFormed, which Node 20 has and the ES2023 typings lack. */
type WellFormed = string & { isWellFormed(): boolean };

/** Why PostgreSQL could not store this text (a NUL or a lone UTF-16 surrogate), or undefined when it can. */
export function unstorableText(text: string): string | undefined {
  if (text.includes(NUL)) return 'must not contain a NUL character (\\u0000)';
  if (!(text as WellFormed).isWellFormed()) return 'must not contain a lone UTF-16 surrogate';
  return undefined;
}

/** Shortens text echoed back in an answer, so that no field name or message makes a response large. */
export function echo(text: string, max: number = INPUT_LIMITS.maxEcho): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  return parent ? `${parent}.${key}` : key;
}

/**
 * Walks a parsed JSON value without recursion and returns the first reason it
 * cannot be accepted: too deep, too many values, or text PostgreSQL refuses
 * (in a value or in a key). Field paths read like the validation pipe's.
 */
export function checkJsonValue(value: unknown, root = '', limits = INPUT_LIMITS): FieldError | undefined {
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  let seen = 0;
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (++seen > limits.maxValues) {
      return { field: root, message: `must hold at most ${limits.maxValues} values in all` };
    }
    const current = item.value;
    if (typeof current === 'string') {
      const reason = unstorableText(current);
      if (reason) return { field: item.path, message: reason };
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (item.depth >= limits.maxDepth) {
      return { field: item.path, message: `must not nest objects and arrays more than ${limits.maxDepth} deep` };
    }
    if (Array.isArray(current)) {
      for (let i = current.length - 1; i >= 0; i--) stack.push({ value: current[i], path: fieldPath(item.path, i), depth: item.depth + 1 });
      continue;
    }
    const keys = Object.keys(current);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i];
      const reason = unstorableText(key);
      if (reason) return { field: fieldPath(item.path, key), message: `field name ${reason}` };
      stack.push({ value: (current as Record<string, unknown>)[key], path: fieldPath(item.path, key), depth: item.depth + 1 });
    }
  }
  return undefined;
}

/** A 400 naming the one field at fault, with every echoed string kept short. */
export function invalidInput(where: 'body' | 'query' | 'path', error: FieldError): ProblemError {
  const field = echo(error.field);
  const code = where === 'body' ? 'invalid-body' : where === 'query' ? 'invalid-query' : 'invalid-path';
  return new ProblemError(400, code, 'Bad Request', `${field || `the request ${where}`} ${error.message}`, [{ field, message: error.message }]);
}

/**
 * Checks what the router parsed from the URL (path parameters and the query)
 * and the parsed JSON body; throws the 400 for the first thing that cannot be
 * accepted. The raw URL is checked too, since a malformed percent-encoding
 * may reach the router undecoded.
 */
export function checkRequestInput(request: { url: string; params?: unknown; query?: unknown; body?: unknown }): void {
  const [path, search = ''] = splitUrl(request.url);
  const pathProblem = checkEncoded(path, 'path');
  if (pathProblem) throw invalidInput('path', pathProblem);
  for (const part of search.split('&')) {
    if (part === '') continue;
    const [name, value = ''] = splitOnce(part, '=');
    const nameProblem = checkEncoded(name, 'query parameter name');
    if (nameProblem) throw invalidInput('query', nameProblem);
    const valueProblem = checkEncoded(value, decodeQuiet(name) ?? 'query');
    if (valueProblem) throw invalidInput('query', valueProblem);
  }
  const params = checkJsonValue(request.params ?? null);
  if (params) throw invalidInput('path', params);
  const query = checkJsonValue(request.query ?? null);
  if (query) throw invalidInput('query', query);
  const body = checkJsonValue(request.body ?? null);
  if (body) throw invalidInput('body', body);
}

function splitUrl(url: string): [string, string] {
  const at = url.indexOf('?');
  return at < 0 ? [url, ''] : [url.slice(0, at), url.slice(at + 1)];
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

function decodeQuiet(text: string): string | undefined {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}

/** A percent-encoded part of the URL that is not UTF-8, or decodes to text PostgreSQL refuses. */
function checkEncoded(text: string, field: string): FieldError | undefined {
  if (!text.includes('%')) return undefined;
  const decoded = decodeQuiet(text);
  if (decoded === undefined) return { field, message: 'is not valid percent-encoded UTF-8' };
  const reason = unstorableText(decoded);
  return reason ? { field, message: reason } : undefined;
}
