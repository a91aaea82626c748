import { z } from 'zod';
import { ValidationFailedError } from '@provisio/service-kit';

/**
 * Keyset cursors: the sort key of the last item of a page, as base64url JSON. Opaque to clients; a cursor
 * that does not decode to the expected tuple is a 400 on `cursor`, never a 500.
 */
export function encodeCursor(values: readonly (string | number | null)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor<T extends z.ZodTuple>(schema: T, value: string | undefined): z.output<T> | undefined {
  if (value === undefined) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(value, 'base64url').toString('utf8'));
  } catch {
    parsed = undefined;
  }
  const result = schema.safeParse(parsed);
  if (!result.success) {
    throw new ValidationFailedError([{ path: 'cursor', message: 'is not a cursor this API returned for this list', location: 'query' }]);
  }
  return result.data;
}

/** A page of `limit` rows from a query that fetched `limit + 1`: the rows and the cursor of the next page. */
export function pageOf<Row, Item>(
  rows: Row[],
  limit: number,
  toItem: (row: Row) => Item,
  cursorOf: (row: Row) => readonly (string | number | null)[],
): { items: Item[]; nextCursor: string | null } {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  return { items: page.map(toItem), nextCursor: rows.length > limit && last !== undefined ? encodeCursor(cursorOf(last)) : null };
}

/** `?limit=&cursor=` of every list (contract section 5: default 50, at most 500). */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('Items per page (1–500).'),
  cursor: z.string().max(1_000).optional().describe('The `nextCursor` of the previous page.'),
};

