import { useEffect } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { NOTIFICATION_STREAM_PATH } from '../api/notifications';
import { queryKeys } from '../api/query-keys';
import { useSession } from '../auth/session';
import { readToken } from '../auth/token-storage';
import { connectSse } from '../sse/sse-client';

/** Keeps the bell and panel live: every event (and every reconnect) refetches the notifications queries. */
export function useNotificationStream(): void {
  const queryClient = useQueryClient();
  const { token, signOut } = useSession();
  useEffect(() => {
    const refresh = () => void queryClient.invalidateQueries({ queryKey: queryKeys.notifications });
    const connection = connectSse({
      url: NOTIFICATION_STREAM_PATH,
      getToken: readToken,
      onEvent: refresh,
      onOpen: refresh,
      onUnauthorized: () => signOut('Your session has ended. Please sign in again.'),
    });
    return () => connection.close();
  }, [queryClient, token, signOut]);
}
