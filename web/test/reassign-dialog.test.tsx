import { afterEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { AccountActionMenu } from '../src/accounts/AccountActionMenu';
import { ReassignDialog } from '../src/accounts/ReassignDialog';
import { AnnouncerProvider } from '../src/components/announcer';

const admins = [
  { id: 'a1', name: 'Ada Admin', accessLevel: 'admin', status: 'active' },
  { id: 'a2', name: 'Bob Admin', accessLevel: 'admin', status: 'active' },
];

/** Answers the admins list and a reassignment (or a 409 for it); records what was sent. */
function stubApi(reassignStatus = 200) {
  const sent: { method: string; url: string; body: unknown; ifMatch?: string }[] = [];
  vi.stubGlobal(
    'fetch',
    vi.fn(async (url: string, init: RequestInit) => {
      const ifMatch = (init.headers as Record<string, string> | undefined)?.['If-Match'];
      sent.push({ method: init.method ?? 'GET', url, body: init.body ? JSON.parse(String(init.body)) : undefined, ...(ifMatch ? { ifMatch } : {}) });
      if (url.endsWith('/reassign') && reassignStatus === 409) {
        const error = { error: { code: 'CONFLICT', message: 'The account is at version 4, not 3; reload it and retry.', details: { version: 4 } } };
        return new Response(JSON.stringify(error), { status: 409, headers: { 'content-type': 'application/json' } });
      }
      const body = url.endsWith('/reassign')
        ? { providerId: 'p1', employeeId: 'e1', status: 'provisioning_requested', assigneeId: 'a2', version: 2 }
        : { items: admins, nextCursor: null };
      return new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': 'application/json' } });
    }),
  );
  return sent;
}

afterEach(() => vi.unstubAllGlobals());

/** The dialog for Jane Doe's Slack request, as the checklist opens it. */
function renderDialog(assigneeId: string, version: number, onClose: () => void = () => undefined) {
  render(
    <QueryClientProvider client={new QueryClient()}>
      <AnnouncerProvider>
        <ReassignDialog target={{ providerId: 'p1', providerName: 'Slack', employeeId: 'e1', employeeName: 'Jane Doe', assigneeId, version }} onClose={onClose} />
      </AnnouncerProvider>
    </QueryClientProvider>,
  );
}

describe('reassigning a request from the console', () => {
  // Only an open request has an assignee to change, and only where the page offers it.
  it('offers "Reassign…" for open requests only', async () => {
    const user = userEvent.setup();
    const onReassign = vi.fn();
    const { rerender } = render(<AccountActionMenu employeeName="Jane Doe" status="provisioning_requested" onAction={() => undefined} onReassign={onReassign} />);
    await user.click(screen.getByRole('button', { name: 'Actions for Jane Doe' }));
    await user.click(screen.getByRole('menuitem', { name: 'Reassign…' }));
    expect(onReassign).toHaveBeenCalledOnce();
    rerender(<AccountActionMenu employeeName="Jane Doe" status="provisioned" onAction={() => undefined} onReassign={onReassign} />);
    await user.click(screen.getByRole('button', { name: 'Actions for Jane Doe' }));
    expect(screen.queryByRole('menuitem', { name: 'Reassign…' })).toBeNull();
  });

  // A request whose assignee is no longer an admin: nobody is chosen at first, and the only admin can be picked.
  it('lets an admin be chosen when the current assignee is no admin any more', async () => {
    const sent = stubApi();
    const user = userEvent.setup();
    renderDialog('gone', 1);
    await screen.findByRole('option', { name: 'Ada Admin' });
    const select = screen.getByRole('combobox', { name: /Assignee/ }) as HTMLSelectElement;
    expect(select.value).toBe('');
    const submit = screen.getByRole('button', { name: 'Reassign' }) as HTMLButtonElement;
    expect(submit.disabled).toBe(true);
    await user.selectOptions(select, 'a1');
    expect(submit.disabled).toBe(false);
    await user.click(submit);
    await waitFor(() => expect(sent.find((request) => request.method === 'POST')?.body).toEqual({ assigneeId: 'a1' }));
  });

  // The dialog starts at the current assignee, sends the chosen admin and closes.
  it('sends the chosen admin and closes', async () => {
    const sent = stubApi();
    const user = userEvent.setup();
    const onClose = vi.fn();
    renderDialog('a1', 3, onClose);
    const select = await screen.findByRole('combobox', { name: /Assignee/ });
    await waitFor(() => expect(screen.getByRole('option', { name: 'Bob Admin' })).toBeTruthy());
    expect((select as HTMLSelectElement).value).toBe('a1');
    const submit = screen.getByRole('button', { name: 'Reassign' });
    expect((submit as HTMLButtonElement).disabled).toBe(true);
    await user.selectOptions(select, 'a2');
    await user.click(submit);
    await waitFor(() => expect(onClose).toHaveBeenCalledOnce());
    // Decided on version 3 of the account: a request changed meanwhile is refused, not reassigned blindly.
    expect(sent.find((request) => request.method === 'POST')).toEqual({ method: 'POST', url: '/v1/providers/p1/accounts/e1/reassign', body: { assigneeId: 'a2' }, ifMatch: '"3"' });
  });
  // Changed since the admin opened the dialog: refused, and the dialog closes (it holds the old version) with
  // a message, the rows behind it refreshed.
  it('closes with a message when the request changed meanwhile', async () => {
    stubApi(409);
    const user = userEvent.setup();
    const onClose = vi.fn();
    renderDialog('a1', 3, onClose);
    await screen.findByRole('option', { name: 'Bob Admin' });
    await user.selectOptions(screen.getByRole('combobox', { name: /Assignee/ }), 'a2');
    await user.click(screen.getByRole('button', { name: 'Reassign' }));
    await waitFor(() => expect(onClose).toHaveBeenCalledOnce());
    expect(await screen.findByText(/changed meanwhile; the row has been refreshed/)).toBeTruthy();
  });
});
