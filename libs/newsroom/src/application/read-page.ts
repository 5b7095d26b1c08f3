import { ProblemError } from '@app/platform';

/** A page of a list: DESIGN 2.4's `{ items, nextCursor }`. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** The cursor after an item: its position (or version) in the list's order, opaque to clients. */
export function encodeCursor(after: number): string {
  return Buffer.from(JSON.stringify({ after })).toString('base64url');
}

export function decodeCursor(cursor: string | undefined): number {
  if (cursor === undefined) return 0;
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after?: unknown };
    if (typeof after === 'number' && Number.isSafeInteger(after) && after >= 0) return after;
  } catch {
    /* fall through */
  }
  throw new ProblemError(400, 'invalid-cursor', 'Bad Request', 'cursor is not one this API gave out', [
    { field: 'cursor', message: 'must be a nextCursor value from a previous page' },
  ]);
}

/** The page from `limit + 1` rows read in the list's order, the cursor taken from the last item kept. */
export function pageOf<Row, T>(rows: Row[], limit: number, item: (row: Row) => T, after: (row: Row) => number): Page<T> {
  const kept = rows.slice(0, limit);
  const last = kept[kept.length - 1];
  return { items: kept.map(item), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(after(last)) : null };
}
