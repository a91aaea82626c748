import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, loadConfig, portSchema, serviceConfigSchema } from '../src/index.js';

const schema = serviceConfigSchema({ PORT: portSchema(3001), ACCOUNTS_DATABASE_URL: z.url().optional() });
const secret = 'x'.repeat(32);

function configError(env: Record<string, string>): ConfigError {
  try {
    loadConfig(schema, env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  // Defaults fill what the contract defaults, and env strings are coerced.
  it('applies defaults', () => {
    expect(loadConfig(schema, { AUTH_JWT_SECRET: secret, PORT: '4000' })).toEqual({
      AUTH_JWT_SECRET: secret,
      AUTH_ISSUER: 'provisio',
      AUTH_AUDIENCE: 'provisio-api',
      LOG_LEVEL: 'info',
      NATS_URL: 'nats://127.0.0.1:4222',
      NATS_STREAM_REPLICAS: 1,
      HOST: '127.0.0.1',
      PORT: 4000,
    });
  });

  // The message names the variable and why, so a bad deploy is fixed from the first log line.
  it('names the bad variable', () => {
    const error = configError({ AUTH_JWT_SECRET: 'short' });
    expect(error.message).toBe('Invalid configuration: AUTH_JWT_SECRET: must be at least 32 characters');
  });

  // Every problem is reported at once, including the missing key source, and no value is echoed.
  it('names every bad or missing variable', () => {
    const error = configError({ LOG_LEVEL: 'loud', NATS_NAMESPACE: 'Bad-Name', PORT: 'http', AUTH_ISSUER: '' });
    const variables = error.issues.map((issue) => issue.variable).sort();
    expect(variables).toEqual(['AUTH_JWT_SECRET', 'LOG_LEVEL', 'NATS_NAMESPACE', 'PORT']);
    expect(error.message).toContain('AUTH_JWT_SECRET: is missing: set exactly one of AUTH_JWT_SECRET');
    expect(error.message).toContain('LOG_LEVEL: must be one of');
    expect(error.message).not.toContain('loud');
  });

  // Two key sources are ambiguous and refused.
  it('refuses both a secret and a JWKS URL', () => {
    const error = configError({ AUTH_JWT_SECRET: secret, AUTH_JWKS_URL: 'https://idp.example.com/jwks.json' });
    expect(error.issues).toEqual([{ variable: 'AUTH_JWKS_URL', message: expect.stringContaining('cannot be combined') }]);
  });

  // A required variable of the service's own reads "is required".
  it('reports a missing required variable', () => {
    const strict = serviceConfigSchema({ GATEWAY_SERVICES: z.string() });
    expect(() => loadConfig(strict, { AUTH_JWT_SECRET: secret })).toThrow(
      'Invalid configuration: GATEWAY_SERVICES: is required',
    );
  });
});
