import { afterEach, describe, expect, it, vi } from 'vitest';
import { Suspense } from 'react';
import { render, screen } from '@testing-library/react';
import { QueryClientProvider } from '@tanstack/react-query';
import { MemoryRouter } from 'react-router';
import { AccountsChecklist } from '../src/accounts/AccountsChecklist';
import { checklistFiltersFrom, checklistQuery } from '../src/accounts/checklist-query';
import type { ProviderAccountRow } from '../src/api/accounts';
import { lazyScreen } from '../src/components/lazy-screen';
import { queryClient } from '../src/query-client';
import { providerQuery } from '../src/providers/provider-queries';
import { EmployeePage, ProvidersPage, WorkflowRunPage, preloadScreen, preloadScreensOf, screensOf } from '../src/screens';

const row: ProviderAccountRow = {
  employee: { id: 'e1', name: 'Ada Lovelace', email: 'ada@example.com', department: 'Engineering', jobTitle: 'Engineer', status: 'active' },
  status: 'provisioned',
  assigneeId: null,
  requestedAt: null,
  dueAt: null,
  updatedAt: null,
  version: 1,
};

/** A fetch that answers every GET with one checklist page (or a provider for a provider path) and counts the calls. */
function stubApi() {
  const urls: string[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string) => {
      urls.push(url);
      const body = url.includes('/accounts') ? { items: [row], nextCursor: null } : { id: 'p1', name: 'Slack', website: null, logoUrl: null };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
  return urls;
}

afterEach(() => {
  queryClient.clear();
  vi.unstubAllGlobals();
});

describe('the first screen', () => {
  // The start asks for a provider page's first rows before the page's code has loaded; the checklist has to
  // find that answer under its own first key (filters from the URL), not ask again.
  it('shows the rows the start asked for without asking again', async () => {
    const urls = stubApi();
    const address = '/providers/p1?status=provisioned&q=%20ada%20&department=Engineering';
    await queryClient.prefetchQuery(checklistQuery('p1', checklistFiltersFrom(new URLSearchParams(address.split('?')[1]))));
    expect(urls).toEqual(['/v1/providers/p1/accounts?q=ada&status=provisioned&department=Engineering&limit=50']);

    render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={[address]}>
          <AccountsChecklist provider={{ id: 'p1', name: 'Slack' }} />
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect(await screen.findByRole('link', { name: 'Ada Lovelace' })).toBeTruthy();
    expect(urls).toHaveLength(1);
  });

  // Opened at a provider page, an admin's start asks for the provider and its checklist at once.
  it('starts a provider page’s queries for an admin, and none for others', async () => {
    const urls = stubApi();
    await preloadScreen({ pathname: '/providers/p1', search: '' }, queryClient, 'admin');
    expect(queryClient.getQueryState(providerQuery('p1').queryKey)).toBeDefined();
    expect(queryClient.getQueryState(checklistQuery('p1', checklistFiltersFrom(new URLSearchParams())).queryKey)).toBeDefined();
    expect(urls.sort()).toEqual(['/v1/providers/p1', '/v1/providers/p1/accounts?limit=50']);

    queryClient.clear();
    urls.length = 0;
    await preloadScreen({ pathname: '/providers/p1', search: '' }, queryClient, 'manager');
    expect(urls).toEqual([]);
  });

  // A screen whose code is already loaded renders at once: no fallback, whose replacement React would hold
  // back for 300 ms.
  it('renders a preloaded screen without suspending', async () => {
    const Screen = lazyScreen(async () => ({ default: () => <p>The screen</p> }));
    await Screen.preload();
    render(
      <Suspense fallback={<p>Loading…</p>}>
        <Screen />
      </Suspense>,
    );
    expect(screen.getByText('The screen')).toBeTruthy();
    expect(screen.queryByText('Loading…')).toBeNull();
  });

  // Not preloaded, it suspends until its code is there; a failed load is tried again by the next preload.
  it('loads a screen on demand and retries a failed load', async () => {
    let attempts = 0;
    const Screen = lazyScreen(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('offline');
      return { default: () => <p>The screen</p> };
    });
    await expect(Screen.preload()).rejects.toThrow('offline');
    render(
      <Suspense fallback={<p>Loading…</p>}>
        <Screen />
      </Suspense>,
    );
    expect(screen.getByText('Loading…')).toBeTruthy();
    expect(await screen.findByText('The screen')).toBeTruthy();
    expect(attempts).toBe(2);
  });
  // Once the first screen is up, the code of the other screens the person can open is fetched, so moving to
  // one shows it at once; an employee's browser does not fetch the admin screens.
  it('preloads the screens a role can open', async () => {
    expect(screensOf('employee')).toEqual([EmployeePage, WorkflowRunPage]);
    expect(screensOf('admin')).toContain(ProvidersPage);
    expect(screensOf('admin')).toHaveLength(9);
    expect(screensOf('integration')).toEqual([]);
    await preloadScreensOf('employee');
    // Loaded: it renders without suspending (its queries fail here, there is no API; the screen itself is up).
    stubApi();
    render(
      <QueryClientProvider client={queryClient}>
        <MemoryRouter initialEntries={['/people/e1']}>
          <Suspense fallback={<p>Loading screen code…</p>}>
            <EmployeePage />
          </Suspense>
        </MemoryRouter>
      </QueryClientProvider>,
    );
    expect(screen.queryByText('Loading screen code…')).toBeNull();
  });
});
