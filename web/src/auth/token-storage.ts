// The bearer token lives in sessionStorage only: it is gone when the tab closes, and sign-out clears it.
const KEY = 'provisio.token';

export function readToken(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

export function writeToken(token: string): void {
  sessionStorage.setItem(KEY, token);
}

export function clearToken(): void {
  try {
    sessionStorage.removeItem(KEY);
  } catch {
    // storage unavailable (private mode): nothing to clear
  }
}
