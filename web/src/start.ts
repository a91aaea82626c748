// The console's first step, evaluated before react-dom, the router and the shell (main.tsx imports it first,
// and it imports none of them): opened signed in (a reload, a link), it starts the screen's first queries and
// fetches the screen's code, so both are under way while the rest of the bundle is still being evaluated.
import { storedSession } from './auth/session';
import { queryClient } from './query-client';
import { preloadScreen } from './screens';

const session = storedSession();

/**
 * Settles when the code of the screen at the address is loaded (at once when signed out). main.tsx renders
 * then, so that screen appears with the shell. A failed fetch is asked again, and reported, when it renders.
 */
export const screenCodeLoaded: Promise<void> = session
  ? preloadScreen(window.location, queryClient, session.claims.role).catch(() => undefined)
  : Promise.resolve();
