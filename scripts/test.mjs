// npm test: builds (the end-to-end suite runs the compiled services as real processes), then runs every
// workspace's vitest tests. PostgreSQL and NATS come from DATABASE_URL and NATS_URL; when they are not set,
// the tests start throw-away containers through testcontainers (which needs a Docker engine).
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const bin = (name) => join(root, 'node_modules/.bin', name);
const step = (command, args) => {
  const result = spawnSync(command, args, { stdio: 'inherit', cwd: root, env: process.env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

step(bin('tsc'), ['-b']);
step(bin('vitest'), ['run', ...process.argv.slice(2)]);
