import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '@provisio/contracts';
import { planItem } from '../src/workflow-tasks/task-plan.js';

const cases: { direction: 'provision' | 'deprovision'; status: AccountStatus; requestedFrom?: AccountStatus; employee?: 'terminated'; action?: string; state: string }[] = [
  { direction: 'provision', status: 'no_account', action: 'request-provisioning', state: 'pending' },
  { direction: 'provision', status: 'deprovisioned', action: 'request-provisioning', state: 'pending' },
  { direction: 'provision', status: 'provisioning_requested', requestedFrom: 'no_account', state: 'pending' },
  { direction: 'provision', status: 'provisioned', state: 'done' },
  { direction: 'provision', status: 'deprovisioning_requested', requestedFrom: 'provisioned', action: 'cancel-request', state: 'done' },
  { direction: 'provision', status: 'no_account', employee: 'terminated', state: 'skipped' },
  { direction: 'provision', status: 'provisioned', employee: 'terminated', state: 'skipped' },
  { direction: 'deprovision', status: 'no_account', state: 'skipped' },
  { direction: 'deprovision', status: 'deprovisioned', state: 'done' },
  { direction: 'deprovision', status: 'provisioned', action: 'request-deprovisioning', state: 'pending' },
  { direction: 'deprovision', status: 'deprovisioning_requested', requestedFrom: 'provisioned', state: 'pending' },
  { direction: 'deprovision', status: 'provisioning_requested', requestedFrom: 'no_account', action: 'cancel-request', state: 'skipped' },
  { direction: 'deprovision', status: 'provisioning_requested', requestedFrom: 'deprovisioned', action: 'cancel-request', state: 'done' },
  { direction: 'deprovision', status: 'provisioned', employee: 'terminated', action: 'request-deprovisioning', state: 'pending' },
];

describe('planItem()', () => {
  // Each account status gives a workflow item its action and starting state (pending / done / skipped).
  it.each(cases)('$direction from $status ($employee) → $action, $state', ({ direction, status, requestedFrom, employee, action, state }) => {
    const plan = planItem(direction, { status, requestedFrom: requestedFrom ?? null }, employee ?? 'active');
    expect(plan).toEqual({ state, ...(action ? { action } : {}) });
  });
});
