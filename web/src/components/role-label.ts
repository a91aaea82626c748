import type { Claims } from '../auth/jwt';

const LABELS: Record<Claims['role'], string> = {
  admin: 'Full Access Admin',
  manager: 'Manager',
  employee: 'Employee',
  integration: 'Integration',
};

export function roleLabel(role: Claims['role']): string {
  return LABELS[role];
}
