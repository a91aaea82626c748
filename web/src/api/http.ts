import { readToken } from '../auth/token-storage';

/** One entry of a `VALIDATION_FAILED` answer, with the path normalised to dots (`provisioning.assigneeId`). */
export interface FieldIssue {
  path: string;
  message: string;
}

/** The contract's error body `{ error: { code, message, requestId, details } }` as a value. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly requestId: string | undefined;
  readonly details: unknown;
  readonly retryAfterSeconds: number | undefined;

  constructor(init: {
    status: number;
    code: string;
    message: string;
    requestId?: string | undefined;
    details?: unknown;
    retryAfterSeconds?: number | undefined;
  }) {
    super(init.message);
    this.name = 'ApiError';
    this.status = init.status;
    this.code = init.code;
    this.requestId = init.requestId;
    this.details = init.details;
    this.retryAfterSeconds = init.retryAfterSeconds;
  }

  /** Field issues of a `VALIDATION_FAILED` answer (empty for any other error). */
  fieldIssues(): FieldIssue[] {
    if (!Array.isArray(this.details)) return [];
    return this.details.flatMap((d): FieldIssue[] => {
      if (typeof d !== 'object' || d === null) return [];
      const rec = d as Record<string, unknown>;
      const message = typeof rec.message === 'string' ? rec.message : '';
      return [{ path: normalisePath(rec.path), message }];
    });
  }
}

function normalisePath(path: unknown): string {
  let p: string;
  if (Array.isArray(path)) p = path.map(String).join('.');
  else if (typeof path === 'string') p = path;
  else return '';
  return p
    .replace(/^\//, '')
    .replace(/\//g, '.')
    .replace(/\[(\d+)\]/g, '.$1')
    .replace(/^body\./, '');
}

/** Called when any request answers 401, so the session can end and the sign-in screen show. */
let onUnauthenticated: (() => void) | null = null;
export function setUnauthenticatedHandler(handler: (() => void) | null): void {
  onUnauthenticated = handler;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  query?: Query;
  body?: unknown;
  signal?: AbortSignal | undefined;
  /** Send no Authorization header (dev sign-in endpoints). */
  anonymous?: boolean;
  /** `If-Match` with the version the change was decided on: a stale one is 409 CONFLICT. */
  ifMatch?: number | undefined;
}

export async function request<T>(path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  const token = options.anonymous ? null : readToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (options.body !== undefined) headers['Content-Type'] = 'application/json';
  if (options.ifMatch !== undefined) headers['If-Match'] = `"${options.ifMatch}"`;

  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method: options.method ?? 'GET',
      headers,
      body: options.body === undefined ? null : JSON.stringify(options.body),
      signal: options.signal ?? null,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === 'AbortError') throw err;
    throw new ApiError({
      status: 0,
      code: 'NETWORK',
      message: 'Could not reach the Provisio server. Check your connection and try again.',
    });
  }

  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }

  if (!response.ok) {
    const error = errorFromBody(response, json);
    if (error.status === 401 && !options.anonymous) onUnauthenticated?.();
    throw error;
  }
  return json as T;
}

function errorFromBody(response: Response, json: unknown): ApiError {
  const retryAfter = Number(response.headers.get('Retry-After'));
  const retryAfterSeconds = Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined;
  const body = (json as { error?: Record<string, unknown> } | undefined)?.error;
  if (body && typeof body === 'object') {
    return new ApiError({
      status: response.status,
      code: typeof body.code === 'string' ? body.code : `HTTP_${response.status}`,
      message: typeof body.message === 'string' ? body.message : response.statusText,
      requestId: typeof body.requestId === 'string' ? body.requestId : undefined,
      details: body.details,
      retryAfterSeconds,
    });
  }
  return new ApiError({
    status: response.status,
    code: `HTTP_${response.status}`,
    message: `The server answered ${response.status} ${response.statusText}`.trim(),
    retryAfterSeconds,
  });
}

/** A `{ items, nextCursor }` page, as every list of the contract answers. */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export const enc = encodeURIComponent;
