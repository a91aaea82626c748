import { lazy, useState } from 'react';
import type { ComponentType } from 'react';

export interface LazyScreen {
  (): React.JSX.Element;
  /** Fetches the screen's code (once); resolves when it is loaded. */
  preload(): Promise<void>;
}

/**
 * A screen whose code is fetched on demand, like `React.lazy`, except that a screen whose code is already
 * loaded renders at once instead of suspending. That matters for the first screen: a suspended screen commits
 * the Suspense fallback, and React 19 then holds back the content that replaces a fallback until 300 ms after
 * that fallback appeared, so the provider page's rows would wait for a timer. The console's start preloads the
 * screen of its address before the first render (start.ts, screens.ts), so that screen never suspends.
 */
export function lazyScreen(load: () => Promise<{ default: ComponentType }>): LazyScreen {
  let loaded: ComponentType | undefined;
  let loading: Promise<{ default: ComponentType }> | undefined;
  const fetchCode = () =>
    (loading ??= load().then(
      (module) => {
        loaded = module.default;
        return module;
      },
      (error: unknown) => {
        loading = undefined; // the next render or preload asks again
        throw error;
      },
    ));
  const Lazy = lazy(fetchCode);
  function Screen() {
    // Chosen once per mount: switching from Lazy to the loaded component later would remount the screen.
    const [Component] = useState(() => loaded ?? Lazy);
    return <Component />;
  }
  Screen.preload = () => fetchCode().then(() => undefined);
  return Screen;
}
