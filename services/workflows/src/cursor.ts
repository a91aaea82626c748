import { ValidationFailedError } from '@provisio/service-kit';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const timestampPattern = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(\.\d{1,6})?(Z|[+-]\d{2}(:?\d{2})?)$/;

/** A timestamp PostgreSQL will cast: the shape of `timestamptz::text` (or ISO) with real calendar values. */
export function isTimestamp(value: string): boolean {
  const match = timestampPattern.exec(value);
  if (!match) return false;
  const [, year, month, day, hour, minute, second] = match.map(Number) as number[];
  const date = new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second));
  return date.getUTCMonth() === month! - 1 && date.getUTCDate() === day! && hour! < 24 && minute! < 60 && second! < 60;
}

/** An opaque keyset cursor: the sort key of the last row of a page, as base64url JSON. */
export function encodeCursor(key: readonly string[]): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

/** The sort key a cursor holds; a cursor this API did not return is a 400 on `cursor`. */
export function decodeCursor(value: string | undefined, length: number): string[] | undefined {
  if (value === undefined) return undefined;
  try {
    const key = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown;
    // Every key ends with a row id (a UUID), and nothing a cast could choke on reaches SQL.
    if (Array.isArray(key) && key.length === length && key.every((part) => typeof part === 'string' && part.length <= 300) && uuidPattern.test(key.at(-1) as string)) {
      return key as string[];
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationFailedError([{ path: 'cursor', message: 'is not a cursor this API returned', location: 'query' }]);
}
