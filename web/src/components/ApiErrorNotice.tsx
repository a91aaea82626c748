import { ApiError } from '../api/http';

/** Shows an API error's message and request id (for support), with an optional retry. */
export function ApiErrorNotice({ error, onRetry, title }: { error: unknown; onRetry?: () => void; title?: string }) {
  const apiError = error instanceof ApiError ? error : null;
  const message =
    apiError?.status === 403
      ? "You don't have access to this. Ask a Full Access Admin if you need it."
      : (apiError?.message ?? (error instanceof Error ? error.message : 'Something went wrong.'));
  return (
    <div className="notice notice--error" role="alert">
      {title && <p className="notice__title">{title}</p>}
      <p>{message}</p>
      {apiError?.requestId && (
        <p className="notice__meta">
          Request ID: <code>{apiError.requestId}</code>
        </p>
      )}
      {apiError?.retryAfterSeconds !== undefined && (
        <p className="notice__meta">You can try again in {apiError.retryAfterSeconds} seconds.</p>
      )}
      {onRetry && (
        <button type="button" className="button button--small" onClick={onRetry}>
          Try again
        </button>
      )}
    </div>
  );
}
