import { defineConfig } from 'vitest/config';

// Every workspace is a project; `source` resolves @provisio/* packages to their TypeScript sources,
// so tests never run against a stale build.
export default defineConfig({
  test: {
    projects: ['libs/*', 'services/*', 'gateway', 'e2e', 'web', 'web/e2e'],
  },
});
