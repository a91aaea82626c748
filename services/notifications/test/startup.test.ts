import { describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { createTestDatabase, testEnv, testNamespace } from '@provisio/testing';
import { createNotificationsService, notificationsConfigSchema } from '../src/index.js';

const logger = createLogger({ name: 'notifications', level: 'silent' });

describe('notifications start-up', () => {
  // A bad variable stops the process with a message that names it.
  it('refuses an invalid configuration, naming the variable', () => {
    expect(() => loadConfig(notificationsConfigSchema, { ...testEnv('x'), NOTIFICATIONS_DATABASE_URL: 'not a url', NOTIFICATIONS_STACK_BATCH: '0' })).toThrow(
      /NOTIFICATIONS_DATABASE_URL: must be a postgres:\/\/ URL.*NOTIFICATIONS_STACK_BATCH|NOTIFICATIONS_STACK_BATCH.*NOTIFICATIONS_DATABASE_URL/,
    );
  });

  // A database that cannot be reached is an error at start, never a service running without one.
  it('refuses to start without its database', async () => {
    const config = loadConfig(notificationsConfigSchema, { ...testEnv(testNamespace()), NOTIFICATIONS_DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none' });
    await expect(createNotificationsService(config, logger)).rejects.toThrow(/cannot reach the database/);
  });

  // A broker that cannot be reached is an error at start too.
  it('refuses to start without NATS', async () => {
    const testDb = await createTestDatabase('notif_nonats');
    try {
      const config = loadConfig(notificationsConfigSchema, { ...testEnv(testNamespace()), NOTIFICATIONS_DATABASE_URL: testDb.url, NATS_URL: 'nats://127.0.0.1:1' });
      await expect(createNotificationsService(config, logger)).rejects.toThrow(/cannot reach NATS JetStream at nats:\/\/127.0.0.1:1/);
    } finally {
      await testDb.drop();
    }
  });
});
