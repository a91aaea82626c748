import { QueryClient } from '@tanstack/react-query';
import { ApiError } from './api/http';

/** The console's one query cache: the start fills it before React renders (start.ts), the screens read it. */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      // Retrying a 4xx changes nothing; a network error or a 503 may pass on the next try.
      retry: (failureCount, error) =>
        failureCount < 2 && (!(error instanceof ApiError) || error.status === 0 || error.status >= 500),
    },
  },
});
