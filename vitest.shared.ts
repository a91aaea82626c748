import { fileURLToPath } from 'node:url';
import { defineProject, type UserWorkspaceConfig } from 'vitest/config';

/**
 * The vitest settings every backend workspace shares: `source` resolves @provisio/* packages to their
 * TypeScript sources (tests never run against a stale build), and the global setup provides PostgreSQL and
 * NATS (from DATABASE_URL / NATS_URL, else testcontainers).
 */
export function backendProject(overrides: UserWorkspaceConfig['test'] = {}) {
  return defineProject({
    resolve: { conditions: ['source'] },
    ssr: { resolve: { conditions: ['source'], externalConditions: ['source'] } },
    test: {
      include: ['test/**/*.test.ts'],
      testTimeout: 30_000,
      hookTimeout: 60_000,
      globalSetup: [fileURLToPath(new URL('./libs/testing/src/global-setup.ts', import.meta.url))],
      ...overrides,
    },
  });
}
