import { preloadOtherScreens, screenCodeLoaded } from './start'; // first: see start.ts
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import { SessionProvider } from './auth/session';
import { AnnouncerProvider } from './components/announcer';
import { App } from './App';
import { queryClient } from './query-client';
import './styles/base.css';
import './styles/components.css';

const root = document.getElementById('root');
if (!root) throw new Error('#root is missing from index.html');

// The first render waits for the code of the screen at the address (index.html shows "Loading…" meanwhile):
// rendered before, the screen would suspend, and React 19 holds back content that replaces a fallback until
// 300 ms after the fallback appeared. (Not a top-level await: the screens' chunks import from this one, which
// has to finish evaluating first.)
void screenCodeLoaded.then(() => {
  createRoot(root).render(
    <StrictMode>
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <SessionProvider>
            <AnnouncerProvider>
              <App />
            </AnnouncerProvider>
          </SessionProvider>
        </BrowserRouter>
      </QueryClientProvider>
    </StrictMode>,
  );
  preloadOtherScreens();
});
