import { z } from 'zod';
import { portSchema, serviceConfigSchema } from '@provisio/service-kit';

const serviceUrl = (port: number) => z.url({ error: 'must be an http(s) URL' }).default(`http://127.0.0.1:${port}`);
const flag = z.enum(['true', 'false']).default('false').transform((value) => value === 'true');

export const gatewayConfigSchema = serviceConfigSchema({
  PORT: portSchema(8080),
  PROVIDERS_URL: serviceUrl(8081),
  ACCOUNTS_URL: serviceUrl(8082),
  WORKFLOWS_URL: serviceUrl(8083),
  NOTIFICATIONS_URL: serviceUrl(8084),
  /** Origins allowed to call the API from a browser, comma-separated; empty: same-origin only. */
  CORS_ORIGINS: z.string().default('').transform((value) => value.split(',').map((origin) => origin.trim()).filter(Boolean)),
  /** Requests per caller per minute. */
  RATE_LIMIT_MAX: z.coerce.number().int().positive().default(1200),
  /** How long the gateway waits for a service before answering 503. */
  UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  /** Offers a picker of roster people and issues short-lived tokens for them. Never in production. */
  AUTH_DEV_LOGIN: flag,
  /** The built console; served at `/` when the folder exists. */
  WEB_DIST_DIR: z.string().default('./web/dist'),
  SSE_HEARTBEAT_MS: z.coerce.number().int().positive().default(15_000),
});
export type GatewayConfig = z.output<typeof gatewayConfigSchema>;
