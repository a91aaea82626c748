import { ValidationFailedError } from '@provisio/service-kit';

/** Keyset position in the newest-first order: (created_at, id), the time in PostgreSQL's
 * full (microsecond) precision, so rows created in the same millisecond are neither skipped nor repeated. */
export interface NotificationCursor {
  createdAt: string;
  id: string;
}

export function encodeCursor(cursor: NotificationCursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string | undefined): NotificationCursor | undefined {
  if (value === undefined) return undefined;
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (
      typeof createdAt === 'string' &&
      typeof id === 'string' &&
      /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(createdAt) &&
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id)
    ) {
      return { createdAt, id };
    }
  } catch {
    // fall through to the error below
  }
  throw new ValidationFailedError([{ path: 'cursor', message: 'is not a cursor this API returned', location: 'query' }]);
}
