/**
 * Errors are values with an HTTP status and a stable contract code. Domain code throws these; the error
 * handler (error-handler.ts) is the only place that turns an error into an HTTP answer.
 */

export const errorCodes = [
  'VALIDATION_FAILED',
  'MALFORMED_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'INVALID_TRANSITION',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'INVALID_REFERENCE',
  'RATE_LIMITED',
  'UNAVAILABLE',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** One entry of `details` for VALIDATION_FAILED: the dotted field path and what is wrong with it. */
export interface FieldIssue {
  path: string;
  message: string;
  /** Which part of the request the field is in. */
  location?: 'body' | 'query' | 'params' | 'headers';
}

/** `details` is always an array (field issues, batch results) or an object (e.g. INVALID_TRANSITION). */
export type ErrorDetails = readonly unknown[] | Readonly<Record<string, unknown>>;

export interface AppErrorOptions {
  details?: ErrorDetails;
  cause?: unknown;
  /** Seconds the client should wait before retrying; sent as `Retry-After`. */
  retryAfterSeconds?: number;
}

export class AppError extends Error {
  readonly statusCode: number;
  readonly code: ErrorCode;
  readonly details?: ErrorDetails;
  readonly retryAfterSeconds?: number;

  constructor(statusCode: number, code: ErrorCode, message: string, options: AppErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.statusCode = statusCode;
    this.code = code;
    if (options.details !== undefined) this.details = options.details;
    if (options.retryAfterSeconds !== undefined) this.retryAfterSeconds = options.retryAfterSeconds;
  }
}

export class ValidationFailedError extends AppError {
  constructor(
    details: readonly FieldIssue[],
    message = 'The request does not match the schema; fix the fields listed in details and retry.',
  ) {
    super(400, 'VALIDATION_FAILED', message, { details });
  }
}

export class MalformedRequestError extends AppError {
  constructor(
    message = 'The request body could not be read; send a JSON body with Content-Type: application/json.',
    options: Pick<AppErrorOptions, 'cause'> = {},
  ) {
    super(400, 'MALFORMED_REQUEST', message, options);
  }
}

export class UnauthenticatedError extends AppError {
  constructor(
    message = 'A valid bearer token is required; send Authorization: Bearer <JWT> with a current token.',
    options: Pick<AppErrorOptions, 'cause'> = {},
  ) {
    super(401, 'UNAUTHENTICATED', message, options);
  }
}

export class ForbiddenError extends AppError {
  constructor(message = 'Your role may not do this; ask a Full Access Admin.') {
    super(403, 'FORBIDDEN', message);
  }
}

export class NotFoundError extends AppError {
  /** Say nothing that tells another company's records apart from missing ones: both are simply not found. */
  constructor(message = 'The record was not found; check the id.') {
    super(404, 'NOT_FOUND', message);
  }
}

export interface TransitionState {
  currentStatus: string;
  allowed: readonly string[];
}

export class InvalidTransitionError extends AppError {
  constructor(state: TransitionState, message?: string) {
    const allowed = state.allowed.length > 0 ? state.allowed.join(', ') : 'none';
    super(
      409,
      'INVALID_TRANSITION',
      message ?? `This action is not allowed from status ${state.currentStatus}; allowed actions: ${allowed}.`,
      { details: { currentStatus: state.currentStatus, allowed: [...state.allowed] } },
    );
  }
}

export class ConflictError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super(409, 'CONFLICT', message, details === undefined ? {} : { details });
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes?: number) {
    const limit = limitBytes === undefined ? 'the limit' : `${limitBytes} bytes`;
    super(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limit}; send a smaller body or split it.`);
  }
}

export class InvalidReferenceError extends AppError {
  constructor(message: string, details?: ErrorDetails) {
    super(422, 'INVALID_REFERENCE', message, details === undefined ? {} : { details });
  }
}

export class RateLimitedError extends AppError {
  constructor(retryAfterSeconds: number) {
    super(429, 'RATE_LIMITED', `Too many requests; retry after ${retryAfterSeconds} seconds.`, { retryAfterSeconds });
  }
}

export class UnavailableError extends AppError {
  /** `what` names the dependency in words a client may see (never a host or port), e.g. `the database`. */
  constructor(retryAfterSeconds: number, what = 'A dependency', options: Pick<AppErrorOptions, 'cause'> = {}) {
    super(503, 'UNAVAILABLE', `${what} is unavailable; retry after ${retryAfterSeconds} seconds.`, {
      retryAfterSeconds,
      ...options,
    });
  }
}

/** The contract's error body. */
export interface ErrorBody {
  error: { code: ErrorCode; message: string; requestId: string; details: ErrorDetails };
}

export function errorBody(code: ErrorCode, message: string, requestId: string, details?: ErrorDetails): ErrorBody {
  return { error: { code, message, requestId, details: details ?? [] } };
}
