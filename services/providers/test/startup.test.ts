import { describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { createTestDatabase, testEnv, testNamespace } from '@provisio/testing';
import { createProvidersService, providersConfigSchema } from '../src/index.js';

const logger = createLogger({ name: 'providers', level: 'silent' });

describe('providers start-up', () => {
  // A bad variable stops the process with a message that names it.
  it('refuses an invalid configuration, naming the variable', () => {
    expect(() => loadConfig(providersConfigSchema, { ...testEnv('x'), AUTH_JWT_SECRET: 'short', PORT: 'eighty' })).toThrow(
      /AUTH_JWT_SECRET: must be at least 32 characters.*PORT|PORT.*AUTH_JWT_SECRET/,
    );
  });

  // A database that cannot be reached is an error at start, never a service running without one.
  it('refuses to start without its database', async () => {
    const config = loadConfig(providersConfigSchema, { ...testEnv(testNamespace()), PROVIDERS_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    await expect(createProvidersService(config, logger)).rejects.toThrow(/cannot reach the database at postgres:\/\/postgres@127.0.0.1:1\/none/);
  });

  // A broker that cannot be reached is an error at start too.
  it('refuses to start without NATS', async () => {
    const testDb = await createTestDatabase('providers_nonats');
    try {
      const config = loadConfig(providersConfigSchema, { ...testEnv(testNamespace()), PROVIDERS_DATABASE_URL: testDb.url, NATS_URL: 'nats://127.0.0.1:1' });
      await expect(createProvidersService(config, logger)).rejects.toThrow(/cannot reach NATS JetStream at nats:\/\/127.0.0.1:1/);
    } finally {
      await testDb.drop();
    }
  });
});
