// Builds the console (`npm run build -w web`) when web/dist is missing or older than what it is built from.
// The browser tests and the web benchmark call it before starting the gateway, which serves web/dist only
// when dist/index.html exists at start. Usable as a module (`buildWebIfStale()`) or run directly.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const web = resolve(import.meta.dirname, '..');
const root = resolve(web, '..');
const SOURCES = ['src', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json'];

function newestMtime(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, entry)));
  return newest;
}

/** Returns why a build is needed, or null when web/dist is up to date. */
export function webBuildStaleness() {
  const built = statSync(join(web, 'dist', 'index.html'), { throwIfNoEntry: false });
  if (!built) return 'web/dist is missing';
  const newest = Math.max(...SOURCES.map((name) => newestMtime(join(web, name))));
  return newest > built.mtimeMs ? 'web/src changed since the last build' : null;
}

export function buildWebIfStale({ log = console.log } = {}) {
  const reason = webBuildStaleness();
  if (!reason) return false;
  log(`building the console (${reason})`);
  // Without NODE_ENV: vitest sets it to `test`, and Vite would then bundle React's development build.
  const { NODE_ENV: _unset, ...env } = process.env;
  const result = spawnSync('npm', ['run', 'build', '-w', 'web'], { cwd: root, env, stdio: ['ignore', 'inherit', 'inherit'] });
  if (result.status !== 0) throw new Error(`npm run build -w web failed (exit ${result.status ?? result.signal})`);
  return true;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) buildWebIfStale();
