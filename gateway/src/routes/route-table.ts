import type { Role } from '@provisio/service-kit';
import type { ServiceName } from '../upstream/services.js';

interface Rule {
  method: string;
  path: RegExp;
  service: ServiceName;
  roles: readonly Role[];
}

const people: readonly Role[] = ['admin', 'manager', 'employee'];
const admins: readonly Role[] = ['admin'];
const adminsAndManagers: readonly Role[] = ['admin', 'manager'];
const id = '[^/]+';

/**
 * Which service answers each `/v1` path and which roles may call it (contract section 2). The gateway
 * refuses a role here; the service checks again, with the finer rules (self, direct reports, assignee).
 */
const rules: Rule[] = [
  { method: 'POST', path: /^\/v1\/providers$/, service: 'providers', roles: admins },
  { method: 'GET', path: new RegExp(`^/v1/providers/${id}$`), service: 'providers', roles: people },
  { method: 'PATCH', path: new RegExp(`^/v1/providers/${id}$`), service: 'providers', roles: admins },
  { method: 'DELETE', path: new RegExp(`^/v1/providers/${id}$`), service: 'providers', roles: admins },
  { method: 'GET', path: new RegExp(`^/v1/providers/${id}/accounts$`), service: 'accounts', roles: admins },
  { method: 'POST', path: new RegExp(`^/v1/providers/${id}/accounts/${id}/${id}$`), service: 'accounts', roles: admins },
  { method: 'POST', path: /^\/v1\/accounts\/batch$/, service: 'accounts', roles: admins },
  { method: 'GET', path: /^\/v1\/access(\/summary|\/risks)?$/, service: 'accounts', roles: admins },
  { method: 'GET', path: /^\/v1\/employees$/, service: 'accounts', roles: adminsAndManagers },
  { method: 'GET', path: new RegExp(`^/v1/employees/${id}(/accounts|/accounts/history)?$`), service: 'accounts', roles: people },
  { method: 'GET', path: /^\/v1\/workflows$/, service: 'workflows', roles: admins },
  { method: 'POST', path: /^\/v1\/workflows$/, service: 'workflows', roles: admins },
  { method: 'GET', path: new RegExp(`^/v1/workflows/${id}$`), service: 'workflows', roles: admins },
  { method: 'PATCH', path: new RegExp(`^/v1/workflows/${id}$`), service: 'workflows', roles: admins },
  { method: 'POST', path: new RegExp(`^/v1/workflows/${id}/(publish|archive|runs)$`), service: 'workflows', roles: admins },
  { method: 'GET', path: new RegExp(`^/v1/workflow-runs(/${id})?$`), service: 'workflows', roles: people },
  { method: 'POST', path: new RegExp(`^/v1/workflow-runs/${id}/cancel$`), service: 'workflows', roles: admins },
  { method: 'GET', path: /^\/v1\/notifications(\/unread-count)?$/, service: 'notifications', roles: people },
  { method: 'GET', path: new RegExp(`^/v1/notifications/${id}$`), service: 'notifications', roles: people },
  { method: 'POST', path: new RegExp(`^/v1/notifications/${id}/read$`), service: 'notifications', roles: people },
];

export type RouteMatch = { service: ServiceName; roles: readonly Role[] } | { methodNotAllowed: true } | undefined;

export function matchRoute(method: string, pathname: string): RouteMatch {
  const byPath = rules.filter((rule) => rule.path.test(pathname));
  if (byPath.length === 0) return undefined;
  const rule = byPath.find((candidate) => candidate.method === method || (method === 'HEAD' && candidate.method === 'GET'));
  return rule ? { service: rule.service, roles: rule.roles } : { methodNotAllowed: true };
}

/** The path prefixes the gateway forwards; anything else under /v1 is the gateway's own or unknown. */
export const forwardedPrefixes = [
  '/v1/providers',
  '/v1/accounts',
  '/v1/access',
  '/v1/employees',
  '/v1/workflows',
  '/v1/workflow-runs',
  '/v1/notifications',
] as const;
