import { describe, expect, it, vi } from 'vitest';
import { render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import type { Employee } from '../src/api/employees';
import type { Provider } from '../src/api/providers';
import { WorkflowBuilder } from '../src/workflows/WorkflowBuilder';
import { emptyDraft, newTask, newTrigger, toWorkflowInput, validateDraft } from '../src/workflows/workflow-draft';
import type { WorkflowDraft } from '../src/workflows/workflow-draft';

const providers: Provider[] = [
  { id: 'p-slack', name: 'Slack', website: null, logoUrl: null, provisioning: { assigneeId: 'a1' }, deprovisioning: { assigneeId: 'a1' } },
  { id: 'p-gh', name: 'GitHub', website: null, logoUrl: null, provisioning: { assigneeId: 'a1' }, deprovisioning: { assigneeId: 'a1' } },
];
const admins = [{ id: 'a1', name: 'Ada Admin', accessLevel: 'admin' } as Employee];

function draft(patch: Partial<WorkflowDraft> = {}): WorkflowDraft {
  return { ...emptyDraft(), name: 'Provisioning', ...patch };
}

describe('validateDraft', () => {
  // A task without providers would request nothing: the contract needs at least one.
  it('requires at least one provider per task', () => {
    const errors = validateDraft(draft());
    expect(errors['tasks.0.providerIds']).toBe('Choose at least one provider.');
  });

  // "all_with_access" is defined only for deprovisioning (a new hire has no apps yet).
  it('allows "Every app the person has" only for deprovisioning', () => {
    const task = { ...newTask(), allWithAccess: true };
    expect(validateDraft(draft({ kind: 'provisioning', tasks: [task] }))['tasks.0.providerIds']).toMatch(/only for deprovisioning/);
    expect(validateDraft(draft({ kind: 'deprovisioning', tasks: [task] }))).toEqual({});
  });

  // Due days are an integer and may be negative (before the date).
  it.each([
    ['3', true],
    ['-2', true],
    ['0', true],
    ['1.5', false],
    ['', false],
    ['abc', false],
    ['1e3', false],
  ])('due days %j valid: %s', (days, ok) => {
    const task = { ...newTask(), providerIds: ['p-slack'], dueEnabled: true, dueDays: days };
    const errors = validateDraft(draft({ tasks: [task] }));
    expect(errors['tasks.0.due.days'] === undefined).toBe(ok);
  });

  it('does not count from a termination date in a provisioning workflow', () => {
    const task = { ...newTask(), providerIds: ['p-slack'], dueEnabled: true, dueDays: '1', dueFrom: 'termination_date' as const };
    expect(validateDraft(draft({ tasks: [task] }))['tasks.0.due.from']).toBeDefined();
    expect(validateDraft(draft({ kind: 'deprovisioning', tasks: [task] }))['tasks.0.due.from']).toBeUndefined();
  });

  // A trigger of the other direction would never start this workflow.
  it('matches the trigger to the kind', () => {
    const task = { ...newTask(), providerIds: ['p-slack'] };
    const trigger = { ...newTrigger('provisioning'), on: 'termination' as const };
    expect(validateDraft(draft({ tasks: [task], triggers: [trigger] }))['triggers.0.on']).toBeDefined();
  });

  it('builds the contract body', () => {
    const input = toWorkflowInput(
      draft({
        kind: 'deprovisioning',
        name: '  Offboarding ',
        tasks: [{ ...newTask(), allWithAccess: true, dueEnabled: true, dueDays: '-1', dueFrom: 'termination_date', assigneeId: 'a1' }],
        triggers: [{ ...newTrigger('deprovisioning'), department: ['Sales', ' Sales', ''], location: [] }],
      }),
    );
    expect(input).toEqual({
      name: 'Offboarding',
      kind: 'deprovisioning',
      tasks: [{ providerIds: 'all_with_access', assigneeId: 'a1', due: { days: -1, from: 'termination_date' } }],
      triggers: [{ on: 'termination', match: { department: ['Sales'] } }],
    });
  });
});

describe('WorkflowBuilder', () => {
  // Saving an incomplete workflow shows what to fix next to the fields and sends nothing.
  it('shows validation errors instead of saving', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn();
    render(<WorkflowBuilder initial={emptyDraft()} providers={providers} admins={admins} saving={false} error={null} onSave={onSave} />);
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByRole('alert').textContent).toMatch(/2 things need fixing/);
    expect(screen.getByText('Give the workflow a name.')).toBeTruthy();
    expect(screen.getByText('Choose at least one provider.')).toBeTruthy();
    expect(screen.getByLabelText('Name').getAttribute('aria-invalid')).toBe('true');
  });

  it('saves a valid draft with providers, due rule and a trigger', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn();
    render(<WorkflowBuilder initial={emptyDraft()} providers={providers} admins={admins} saving={false} error={null} onSave={onSave} />);
    await user.type(screen.getByLabelText('Name'), 'Engineering onboarding');
    const picker = screen.getByRole('group', { name: 'Providers for task 1' });
    await user.click(within(picker).getByLabelText('GitHub'));
    await user.click(within(picker).getByLabelText('Slack'));
    expect(within(picker).queryByLabelText('Every app the person has')).toBeNull();
    await user.selectOptions(screen.getByLabelText(/Task 1 assignee/), 'a1');
    await user.click(screen.getByLabelText('Set a due date for task 1'));
    const days = screen.getByLabelText('Task 1 due days');
    await user.clear(days);
    await user.type(days, '2');
    await user.selectOptions(screen.getByLabelText('Task 1 due counted from'), 'start_date');
    await user.click(screen.getByRole('button', { name: 'Add trigger' }));
    await user.type(screen.getByLabelText('Trigger 1 departments'), 'Engineering, Design,');
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(onSave).toHaveBeenCalledWith({
      name: 'Engineering onboarding',
      kind: 'provisioning',
      tasks: [{ providerIds: ['p-gh', 'p-slack'], assigneeId: 'a1', due: { days: 2, from: 'start_date' } }],
      triggers: [{ on: 'hire', match: { department: ['Engineering', 'Design'] } }],
    });
  });

  it('offers "Every app the person has" for deprovisioning and rejects non-integer days', async () => {
    const user = userEvent.setup();
    const onSave = vi.fn();
    render(<WorkflowBuilder initial={emptyDraft()} providers={providers} admins={admins} saving={false} error={null} onSave={onSave} />);
    await user.type(screen.getByLabelText('Name'), 'Offboarding');
    await user.click(screen.getByLabelText('Deprovisioning (on termination)'));
    await user.click(screen.getByLabelText('Every app the person has'));
    await user.click(screen.getByLabelText('Set a due date for task 1'));
    const days = screen.getByLabelText('Task 1 due days');
    await user.clear(days);
    await user.type(days, '1.5');
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(onSave).not.toHaveBeenCalled();
    expect(screen.getByText(/whole number of days/)).toBeTruthy();
    await user.clear(days);
    await user.type(days, '0');
    await user.click(screen.getByRole('button', { name: 'Save draft' }));
    expect(onSave).toHaveBeenCalledWith(
      expect.objectContaining({ kind: 'deprovisioning', tasks: [{ providerIds: 'all_with_access', due: { days: 0, from: 'trigger' } }] }),
    );
  });
});
