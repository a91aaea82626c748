import { createContext, useCallback, useContext, useEffect, useMemo, useState } from 'react';
import type { ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { setUnauthenticatedHandler } from '../api/http';
import { decodeClaims, isExpired } from './jwt';
import type { Claims } from './jwt';
import { clearToken, readToken, writeToken } from './token-storage';

export interface Session {
  token: string;
  claims: Claims;
}

interface SessionContextValue {
  session: Session | null;
  /** Why the last session ended, shown on the sign-in screen. */
  endedBecause: string | null;
  signIn: (token: string) => { ok: true } | { ok: false; reason: string };
  signOut: (reason?: string) => void;
}

const SessionContext = createContext<SessionContextValue | null>(null);

/** The session a stored token still makes (a reload, a link); clears a token that is unreadable or expired. */
export function storedSession(): Session | null {
  const token = readToken();
  if (!token) return null;
  const claims = decodeClaims(token);
  if (!claims || isExpired(claims)) {
    clearToken();
    return null;
  }
  return { token, claims };
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient();
  const [session, setSession] = useState<Session | null>(storedSession);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);

  const signOut = useCallback(
    (reason?: string) => {
      clearToken();
      queryClient.cancelQueries().catch(() => undefined);
      queryClient.clear();
      setSession(null);
      setEndedBecause(reason ?? null);
    },
    [queryClient],
  );

  const signIn = useCallback(
    (raw: string): { ok: true } | { ok: false; reason: string } => {
      const token = raw.trim().replace(/^Bearer\s+/i, '');
      const claims = decodeClaims(token);
      if (!claims) return { ok: false, reason: 'This is not a Provisio token: it needs sub, role and companyId claims.' };
      if (isExpired(claims)) return { ok: false, reason: 'This token has expired. Get a new one from your identity provider.' };
      if (claims.role === 'integration') {
        return { ok: false, reason: 'Integration tokens are for HR systems and cannot use the console.' };
      }
      queryClient.clear();
      writeToken(token);
      setEndedBecause(null);
      setSession({ token, claims });
      return { ok: true };
    },
    [queryClient],
  );

  useEffect(() => {
    setUnauthenticatedHandler(() => signOut('Your session has ended. Please sign in again.'));
    return () => setUnauthenticatedHandler(null);
  }, [signOut]);

  // End the session when the token expires while the tab is open.
  useEffect(() => {
    const exp = session?.claims.exp;
    if (exp === undefined) return;
    const ms = exp * 1000 - Date.now();
    if (ms > 2 ** 31 - 1) return;
    const timer = setTimeout(() => signOut('Your session has expired. Please sign in again.'), Math.max(0, ms));
    return () => clearTimeout(timer);
  }, [session, signOut]);

  const value = useMemo(() => ({ session, endedBecause, signIn, signOut }), [session, endedBecause, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionContext(): SessionContextValue {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSessionContext outside SessionProvider');
  return value;
}

/** The signed-in session; only for components rendered behind the sign-in gate. */
export function useSession(): Session & { signOut: (reason?: string) => void; isAdmin: boolean } {
  const { session, signOut } = useSessionContext();
  if (!session) throw new Error('useSession without a session');
  return { ...session, signOut, isAdmin: session.claims.role === 'admin' };
}
