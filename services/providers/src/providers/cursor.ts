import { ValidationFailedError } from '@provisio/service-kit';
import type { ProviderCursor } from './repository.js';

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function encodeCursor(cursor: ProviderCursor): string {
  return Buffer.from(JSON.stringify([cursor.name, cursor.id])).toString('base64url');
}

export function decodeCursor(value: string | undefined): ProviderCursor | undefined {
  if (value === undefined) return undefined;
  try {
    const [name, id] = JSON.parse(Buffer.from(value, 'base64url').toString('utf8')) as unknown[];
    if (typeof name === 'string' && typeof id === 'string' && uuidPattern.test(id)) return { name, id };
  } catch {
    // fall through to the error below
  }
  throw new ValidationFailedError([{ path: 'cursor', message: 'is not a cursor this API returned', location: 'query' }]);
}
