import type { GatewayConfig } from '../config.js';

export const SERVICE_NAMES = ['providers', 'accounts', 'workflows', 'notifications'] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

export type ServiceUrls = Record<ServiceName, string>;

export function serviceUrls(config: GatewayConfig): ServiceUrls {
  return {
    providers: config.PROVIDERS_URL,
    accounts: config.ACCOUNTS_URL,
    workflows: config.WORKFLOWS_URL,
    notifications: config.NOTIFICATIONS_URL,
  };
}
