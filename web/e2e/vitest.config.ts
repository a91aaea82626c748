import { fileURLToPath } from 'node:url';
import { backendProject } from '../../vitest.shared.ts';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

// The console in Debian's Chromium against the whole system as real processes (the e2e harness): one file,
// one system, one browser. Before it, PostgreSQL/NATS as for every backend test, and the console is built
// when web/dist is missing or stale (the gateway serves web/dist).
export default backendProject({
  name: 'web-e2e',
  include: ['**/*.test.ts'],
  testTimeout: 60_000,
  hookTimeout: 180_000,
  fileParallelism: false,
  globalSetup: [here('../../libs/testing/src/global-setup.ts'), here('./build-console.ts')],
});
