import { z } from 'zod';

/** Configuration could not be read; the message names every bad or missing variable and why. */
export class ConfigError extends Error {
  readonly issues: readonly { variable: string; message: string }[];

  constructor(issues: readonly { variable: string; message: string }[]) {
    super(`Invalid configuration: ${issues.map((issue) => `${issue.variable}: ${issue.message}`).join('; ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/** Variables every process reads. */
export const baseConfigSchema = z.object({
  LOG_LEVEL: z.enum(logLevels, { error: `must be one of ${logLevels.join(', ')}` }).default('info'),
  NATS_URL: z.url({ error: 'must be a URL such as nats://127.0.0.1:4222' }).default('nats://127.0.0.1:4222'),
  NATS_NAMESPACE: z
    .string()
    .regex(/^[a-z0-9]+$/, { error: 'must be lowercase letters and digits only' })
    .optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ error: 'must be a URL such as http://127.0.0.1:4318' }).optional(),
  /** Replicas of each JetStream stream the process declares: 1 on a single server, 3 on a three-node cluster. */
  NATS_STREAM_REPLICAS: z.coerce
    .number({ error: 'must be 1, 3 or 5' })
    .int({ error: 'must be 1, 3 or 5' })
    .refine((replicas) => [1, 3, 5].includes(replicas), { error: 'must be 1, 3 or 5' })
    .default(1),
  HOST: z.string().min(1).default('127.0.0.1'),
});

const keySourceMessage =
  'set exactly one of AUTH_JWT_SECRET (HS256, at least 32 characters) or AUTH_JWKS_URL (RS256/ES256 keys)';

/** Bearer-token settings. Exactly one key source: a shared HS256 secret or an identity provider's JWKS. */
export const authConfigSchema = z
  .object({
    AUTH_JWT_SECRET: z.string().min(32, { error: 'must be at least 32 characters' }).optional(),
    AUTH_JWKS_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
    AUTH_ISSUER: z.string().min(1).default('provisio'),
    AUTH_AUDIENCE: z.string().min(1).default('provisio-api'),
  })
  // `when` makes the rule run even when another variable is also wrong, so one start names every problem.
  .refine((env) => env.AUTH_JWT_SECRET !== undefined || env.AUTH_JWKS_URL !== undefined, {
    path: ['AUTH_JWT_SECRET'],
    error: `is missing: ${keySourceMessage}`,
    when: () => true,
  })
  .refine((env) => env.AUTH_JWT_SECRET === undefined || env.AUTH_JWKS_URL === undefined, {
    path: ['AUTH_JWKS_URL'],
    error: `cannot be combined with AUTH_JWT_SECRET: ${keySourceMessage}`,
    when: () => true,
  });

export type BaseConfig = z.output<typeof baseConfigSchema>;
export type AuthConfig = z.output<typeof authConfigSchema>;

/**
 * The schema of one process: base and auth variables plus its own.
 * `loadConfig(serviceConfigSchema({ PORT: portSchema(3001), ACCOUNTS_DATABASE_URL: z.url().optional() }))`.
 * The auth rule (exactly one key source) is kept because the auth schema is the one being extended.
 */
export function serviceConfigSchema<Shape extends z.ZodRawShape>(shape: Shape) {
  return authConfigSchema.extend(baseConfigSchema.shape).extend(shape);
}

/** A TCP port from an environment variable (a string), with a default. */
export function portSchema(defaultPort: number) {
  return z.coerce
    .number({ error: 'must be a port number' })
    .int({ error: 'must be a port number' })
    .min(0, { error: 'must be between 0 and 65535' })
    .max(65535, { error: 'must be between 0 and 65535' })
    .default(defaultPort);
}

/**
 * Parses the environment once, at start. An empty variable counts as unset (compose files often pass
 * `VAR=`). Throws ConfigError naming every bad or missing variable; values are never echoed, they may be secrets.
 */
export function loadConfig<Schema extends z.ZodType>(
  schema: Schema,
  env: Record<string, string | undefined> = process.env,
): z.output<Schema> {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = schema.safeParse(present, {
    error: (issue) => (issue.input === undefined ? 'is required' : undefined),
  });
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      message: issue.message,
    })),
  );
}
