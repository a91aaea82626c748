// The console's first step, evaluated before react-dom, the router and the shell (main.tsx imports it first,
// and it imports none of them): opened signed in (a reload, a link), it starts the screen's first queries and
// fetches the screen's code, so both are under way while the rest of the bundle is still being evaluated.
import { storedSession } from './auth/session';
import { queryClient } from './query-client';
import { preloadScreen, preloadScreensOf } from './screens';

const session = storedSession();

/**
 * Settles when the code of the screen at the address is loaded (at once when signed out). main.tsx renders
 * then, so that screen appears with the shell. A failed fetch is asked again, and reported, when it renders.
 */
export const screenCodeLoaded: Promise<void> = session
  ? preloadScreen(window.location, queryClient, session.claims.role).catch(() => undefined)
  : Promise.resolve();

/**
 * After the first render, once the browser is idle: the code of the other screens this person can open (a
 * failed fetch is asked again when the screen renders).
 */
export function preloadOtherScreens(): void {
  if (!session) return;
  const role = session.claims.role;
  const whenIdle = window.requestIdleCallback ?? ((callback: () => void) => window.setTimeout(callback, 1_000));
  whenIdle(() => void preloadScreensOf(role).catch(() => undefined));
}
