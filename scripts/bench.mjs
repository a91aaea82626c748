// npm run bench -- [accounts|notifications|web ...]: runs the benchmarks and prints their numbers.
// Benchmarks need PostgreSQL and NATS like the tests: DATABASE_URL and NATS_URL, by default the local ones.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const benches = {
  accounts: ['npm', ['run', 'bench', '-w', '@provisio/accounts']],
  notifications: ['npm', ['run', 'bench', '-w', '@provisio/notifications']],
  web: [process.execPath, [resolve(root, 'web/scripts/bench.mjs')]],
};
const wanted = process.argv.slice(2).length > 0 ? process.argv.slice(2) : Object.keys(benches);
const env = {
  ...process.env,
  DATABASE_URL: process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres',
  NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
};
let failed = false;
for (const name of wanted) {
  const bench = benches[name];
  if (!bench) {
    console.error(`unknown benchmark ${name}; choose from ${Object.keys(benches).join(', ')}`);
    process.exit(2);
  }
  if (name === 'web' && !existsSync(bench[1][0])) {
    console.error('the web benchmark is not written yet (web/scripts/bench.mjs)');
    failed = true;
    continue;
  }
  console.log(`\n== bench: ${name}`);
  const result = spawnSync(bench[0], bench[1], { stdio: 'inherit', cwd: root, env });
  if (result.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
