import { ValidationFailedError } from '@provisio/service-kit';

/** `If-Match: "3"` (or `3`, or a weak `W/"3"`) → 3; absent → undefined. */
export function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new ValidationFailedError([{ path: 'if-match', message: 'must be the workflow version, e.g. "3"', location: 'headers' }]);
  return Number(match[1]);
}
