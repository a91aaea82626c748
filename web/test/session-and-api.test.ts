import { describe, expect, it } from 'vitest';
import { decodeClaims, isExpired } from '../src/auth/jwt';
import { ApiError } from '../src/api/http';
import { fieldErrorsFrom } from '../src/components/field-errors';
import { describeActionError } from '../src/accounts/use-account-action';
import { planBulk, failuresOf } from '../src/accounts/bulk-plan';
import { navEntries } from '../src/layout/MainNav';
import { bellLabel } from '../src/notifications/NotificationBell';

function b64url(value: object): string {
  return btoa(JSON.stringify(value)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}
const token = (claims: object) => `${b64url({ alg: 'HS256' })}.${b64url(claims)}.sig`;

describe('decodeClaims', () => {
  it('reads sub, role and companyId from the payload', () => {
    expect(decodeClaims(token({ sub: 'e1', role: 'admin', companyId: 'c1', exp: 10 }))).toEqual({ sub: 'e1', role: 'admin', companyId: 'c1', exp: 10 });
  });
  it('rejects text that is not a Provisio token', () => {
    expect(decodeClaims('nope')).toBeNull();
    expect(decodeClaims(token({ sub: 'e1', role: 'root', companyId: 'c1' }))).toBeNull();
    expect(decodeClaims(token({ role: 'admin', companyId: 'c1' }))).toBeNull();
  });
  it('knows when a token has expired', () => {
    expect(isExpired({ sub: 'e', role: 'admin', companyId: 'c', exp: 100 }, 100_001)).toBe(true);
    expect(isExpired({ sub: 'e', role: 'admin', companyId: 'c', exp: 100 }, 99_000)).toBe(false);
  });
});

describe('API errors next to fields', () => {
  const fields = ['name', 'provisioning.assigneeId', 'deprovisioning.assigneeId'];
  it('places VALIDATION_FAILED details by path, whatever the path notation', () => {
    const error = new ApiError({
      status: 400,
      code: 'VALIDATION_FAILED',
      message: 'Invalid',
      details: [
        { path: '/provisioning/assigneeId', message: 'Required' },
        { path: ['name'], message: 'Too long' },
      ],
    });
    expect(fieldErrorsFrom(error, { fields })).toEqual({
      fields: { 'provisioning.assigneeId': 'Required', name: 'Too long' },
      form: null,
    });
  });
  it('puts a 409 CONFLICT on the name and a 422 INVALID_REFERENCE on the assignees', () => {
    const conflict = new ApiError({ status: 409, code: 'CONFLICT', message: 'A provider named Slack exists' });
    expect(fieldErrorsFrom(conflict, { fields, conflictField: 'name' }).fields).toEqual({ name: 'A provider named Slack exists' });
    const ref = new ApiError({ status: 422, code: 'INVALID_REFERENCE', message: 'Not an active admin', details: [{ path: 'deprovisioning.assigneeId', message: 'x' }] });
    expect(fieldErrorsFrom(ref, { fields, referenceFields: ['provisioning.assigneeId', 'deprovisioning.assigneeId'] }).fields).toEqual({
      'deprovisioning.assigneeId': 'Not an active admin',
    });
  });
  it('keeps other errors for the form', () => {
    const error = new ApiError({ status: 503, code: 'UNAVAILABLE', message: 'Try later', requestId: 'r1' });
    expect(fieldErrorsFrom(error, { fields }).form).toBe(error);
  });
});

describe('INVALID_TRANSITION message', () => {
  it('says what happened and what the account is now', () => {
    const error = new ApiError({
      status: 409,
      code: 'INVALID_TRANSITION',
      message: 'not allowed',
      details: { currentStatus: 'provisioned', allowed: ['request-deprovisioning', 'mark-deprovisioned'] },
    });
    expect(describeActionError(error, { action: 'mark-provisioned', employeeName: 'Jane Doe', providerName: 'Slack' })).toBe(
      'Could not Mark as Provisioned for Jane Doe on Slack: the account changed meanwhile. It is now Provisioned. The row has been refreshed.',
    );
  });
});

describe('bulk actions', () => {
  it('sends only the accounts whose status allows the action and maps failures to names', () => {
    const selected = [
      { employeeId: 'a', name: 'Ann', status: 'no_account' as const },
      { employeeId: 'b', name: 'Bob', status: 'provisioned' as const },
    ];
    const plan = planBulk(selected, 'request-provisioning');
    expect(plan.eligible.map((s) => s.employeeId)).toEqual(['a']);
    expect(plan.skipped.map((s) => s.employeeId)).toEqual(['b']);
    const actions = [
      { providerId: 'p', employeeId: 'a', action: 'request-provisioning' as const },
      { providerId: 'p', employeeId: 'b', action: 'request-provisioning' as const },
    ];
    const failures = failuresOf(actions, [{ ok: true }, { ok: false, error: { code: 'INVALID_TRANSITION', message: 'No', requestId: 'r' } }], (id) =>
      id === 'b' ? 'Bob' : id,
    );
    expect(failures).toEqual([{ name: 'Bob', message: 'No', requestId: 'r' }]);
  });
});

describe('role-aware navigation', () => {
  it('hides admin screens from managers and employees', () => {
    expect(navEntries('admin', 'e1').map((e) => e.label)).toEqual(['Providers', 'People', 'Workflows', 'Runs', 'Access', 'My accounts']);
    expect(navEntries('manager', 'e1').map((e) => e.label)).toEqual(['My team', 'My accounts']);
    expect(navEntries('employee', 'e1')).toEqual([{ to: '/people/e1', label: 'My accounts' }]);
  });
});

describe('bell label', () => {
  it('says the unread count', () => {
    expect(bellLabel(3)).toBe('Notifications, 3 unread');
    expect(bellLabel(0)).toBe('Notifications, none unread');
  });
});
