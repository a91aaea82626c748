import { ValidationFailedError } from '@provisio/service-kit';

/** An opaque keyset cursor: the sort key of the last row of a page, as base64url JSON. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor holds; a cursor this API did not return is a 400 on `cursor`. */
export function decodeCursor(value: string | undefined, length: number): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    if (Array.isArray(key) && key.length === length && key.every((part) => typeof part === 'string')) return key as string[];
  } catch {
    // fall through to the error below
  }
  throw new ValidationFailedError([{ path: 'cursor', message: 'is not a cursor this API returned', location: 'query' }]);
}
