import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { AccountActionMenu } from '../src/accounts/AccountActionMenu';
import type { AccountStatus } from '../src/api/accounts';

function menuItemNames(): string[] {
  return screen.queryAllByRole('menuitem').map((el) => el.textContent ?? '');
}

// The menu offers exactly the moves of the contract's transition table, so no click can be a 409 by design.
describe('AccountActionMenu: allowed actions per status', () => {
  const cases: [AccountStatus, string[]][] = [
    ['no_account', ['Request Provisioning', 'Mark as Provisioned']],
    ['provisioning_requested', ['Mark as Provisioned', 'Cancel Request']],
    ['provisioned', ['Request Deprovisioning', 'Mark as Deprovisioned']],
    ['deprovisioning_requested', ['Mark as Deprovisioned', 'Cancel Request']],
    ['deprovisioned', ['Request Provisioning', 'Mark as Provisioned']],
  ];

  it.each(cases)('from %s offers %j', async (status, expected) => {
    const user = userEvent.setup();
    render(<AccountActionMenu employeeName="Jane Doe" status={status} onAction={() => undefined} />);
    await user.click(screen.getByRole('button', { name: 'Actions for Jane Doe' }));
    expect(menuItemNames()).toEqual(expected);
  });

  // Choosing an item reports the contract's action path segment, closes the menu and returns focus.
  it('reports the chosen action and closes', async () => {
    const user = userEvent.setup();
    const onAction = vi.fn();
    render(<AccountActionMenu employeeName="Jane Doe" status="provisioned" onAction={onAction} />);
    const button = screen.getByRole('button', { name: 'Actions for Jane Doe' });
    await user.click(button);
    await user.click(screen.getByRole('menuitem', { name: 'Request Deprovisioning' }));
    expect(onAction).toHaveBeenCalledWith('request-deprovisioning');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
  });

  // Keyboard: ArrowDown opens on the first item, arrows move, Escape closes and focus returns to the button.
  it('works from the keyboard', async () => {
    const user = userEvent.setup();
    const onAction = vi.fn();
    render(<AccountActionMenu employeeName="Jane Doe" status="no_account" onAction={onAction} />);
    const button = screen.getByRole('button', { name: 'Actions for Jane Doe' });
    button.focus();
    await user.keyboard('{ArrowDown}');
    expect(button.getAttribute('aria-expanded')).toBe('true');
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Request Provisioning' }));
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Mark as Provisioned' }));
    await user.keyboard('{ArrowDown}');
    expect(document.activeElement).toBe(screen.getByRole('menuitem', { name: 'Request Provisioning' }));
    await user.keyboard('{Escape}');
    expect(screen.queryByRole('menu')).toBeNull();
    expect(document.activeElement).toBe(button);
    expect(onAction).not.toHaveBeenCalled();

    await user.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(onAction).toHaveBeenCalledWith('mark-provisioned');
  });

  it('names the provider too where one page lists several', async () => {
    render(<AccountActionMenu employeeName="Jane Doe" providerName="Slack" status="no_account" onAction={() => undefined} />);
    expect(screen.getByRole('button', { name: 'Actions for Jane Doe on Slack' })).toBeTruthy();
  });
});
