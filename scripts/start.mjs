// npm start: builds what is stale, then runs every service and the gateway as separate processes with one
// log stream (each line tagged with its service; pretty on a terminal, JSON otherwise), and stops them all
// on Ctrl-C or SIGTERM. See the README for what it needs and what it does when something is missing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { devSecret } from './dev-secret.mjs';

const root = resolve(import.meta.dirname, '..');
process.chdir(root);
const pretty = process.stdout.isTTY && process.env.LOG_FORMAT !== 'json';
const SERVICES = [
  { name: 'providers', port: 8081, entry: 'services/providers/dist/server.js' },
  { name: 'accounts', port: 8082, entry: 'services/accounts/dist/server.js' },
  { name: 'workflows', port: 8083, entry: 'services/workflows/dist/server.js' },
  { name: 'notifications', port: 8084, entry: 'services/notifications/dist/server.js' },
];
const GATEWAY = { name: 'gateway', port: Number(process.env.PORT ?? 8080), entry: 'gateway/dist/server.js' };
const COLORS = { providers: 36, accounts: 32, workflows: 35, notifications: 33, gateway: 34, runner: 37, nats: 90 };
const LEVELS = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO', 40: 'WARN', 50: 'ERROR', 60: 'FATAL' };

function say(service, msg, level = 30, extra = {}) {
  write(service, JSON.stringify({ level, time: Date.now(), service, msg, ...extra }));
}

function write(service, line) {
  let record;
  try {
    record = JSON.parse(line);
  } catch {
    record = { level: 30, time: Date.now(), service, msg: line };
  }
  if (typeof record !== 'object' || record === null) record = { level: 30, time: Date.now(), service, msg: String(line) };
  record.service ??= service;
  if (!pretty) {
    process.stdout.write(`${JSON.stringify(record)}\n`);
    return;
  }
  const { level, time, msg, service: _s, pid: _p, hostname: _h, ...rest } = record;
  const color = COLORS[service] ?? 37;
  const when = new Date(time ?? Date.now()).toISOString().slice(11, 23);
  const tag = `\x1b[${color}m${service.padEnd(13)}\x1b[0m`;
  const lvl = LEVELS[level] ?? String(level);
  const lvlColored = level >= 50 ? `\x1b[31m${lvl}\x1b[0m` : level >= 40 ? `\x1b[33m${lvl}\x1b[0m` : lvl;
  const detail = Object.keys(rest).length ? ` \x1b[90m${JSON.stringify(rest)}\x1b[0m` : '';
  process.stdout.write(`${when} ${tag} ${lvlColored.padEnd(5)} ${msg ?? ''}${detail}\n`);
}

function newestMtime(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

function run(command, args, what) {
  say('runner', `${what}…`);
  const result = spawnSync(command, args, { stdio: 'inherit', env: process.env });
  if (result.status !== 0) {
    say('runner', `${what} failed; fix the errors above and run npm start again`, 60);
    process.exit(1);
  }
}

function answers(host, port) {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port, timeout: 1_000 });
    socket.once('connect', () => {
      socket.destroy();
      resolvePromise(true);
    });
    socket.once('error', () => resolvePromise(false));
    socket.once('timeout', () => {
      socket.destroy();
      resolvePromise(false);
    });
  });
}

function onPath(binary) {
  return (process.env.PATH ?? '').split(':').some((dir) => dir && existsSync(join(dir, binary)));
}

const children = new Map();
let stopping = false;

function startProcess(name, command, args, env) {
  const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.set(name, child);
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => write(name, line));
  }
  child.on('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    say('runner', `${name} exited (${signal ?? `code ${code}`}); stopping everything`, 50);
    void stopAll(1);
  });
  return child;
}

function stopChild(name, child) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolvePromise) => {
    const timer = setTimeout(() => {
      say('runner', `${name} did not stop in time; killing it`, 40);
      child.kill('SIGKILL');
    }, 20_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolvePromise();
    });
    child.kill('SIGTERM');
  });
}

async function stopAll(exitCode) {
  if (stopping) return;
  stopping = true;
  say('runner', 'stopping…');
  // The services drain first (they stop consuming and finish in-flight work); NATS, when started here, last.
  await Promise.all([...children].filter(([name]) => name !== 'nats').map(([name, child]) => stopChild(name, child)));
  const nats = children.get('nats');
  if (nats) await stopChild('nats', nats);
  say('runner', 'stopped');
  process.exit(exitCode);
}

process.on('SIGINT', () => void stopAll(0));
process.on('SIGTERM', () => void stopAll(0));

// 1. Build what is stale: TypeScript incrementally, the console when its sources are newer than its build.
run(join(root, 'node_modules/.bin/tsc'), ['-b'], 'building the services (tsc -b)');
if (existsSync('web/package.json')) {
  const built = existsSync('web/dist/index.html') ? statSync('web/dist/index.html').mtimeMs : 0;
  if (Math.max(newestMtime('web/src'), statSync('web/package.json').mtimeMs) > built) run('npm', ['run', 'build', '-w', 'web'], 'building the web console');
}

// 2. NATS with JetStream: NATS_URL, or one already on 127.0.0.1:4222, or one started here.
const env = { LOG_LEVEL: process.env.LOG_LEVEL ?? 'info' };
if (!process.env.NATS_URL && !(await answers('127.0.0.1', 4222))) {
  if (!onPath('nats-server')) {
    say('runner', 'No NATS: set NATS_URL, or install nats-server (Debian: apt-get install nats-server; or the release binary from nats.io) so npm start can run it with JetStream.', 60);
    process.exit(1);
  }
  mkdirSync('data/nats', { recursive: true });
  say('runner', 'starting nats-server -js with its store under ./data/nats');
  startProcess('nats', 'nats-server', ['-js', '-a', '127.0.0.1', '-p', '4222', '-sd', resolve('data/nats')], {});
  const deadline = Date.now() + 10_000;
  while (!(await answers('127.0.0.1', 4222))) {
    if (Date.now() > deadline) {
      say('runner', 'nats-server did not start', 60);
      await stopAll(1);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

// 3. Auth: a JWKS URL, a given secret, or a development secret generated once into ./data/dev-secret.
if (!process.env.AUTH_JWKS_URL && !process.env.AUTH_JWT_SECRET) {
  env.AUTH_JWT_SECRET = devSecret();
  say('runner', 'using the development secret in ./data/dev-secret (npm run token -- --help)');
}
env.AUTH_DEV_LOGIN = process.env.AUTH_DEV_LOGIN ?? 'true';

// 4. The services (each on its own database, or PGlite under ./data/<service>), then the gateway.
for (const service of SERVICES) {
  startProcess(service.name, process.execPath, ['--enable-source-maps', '--import', '@provisio/telemetry/register', service.entry], { ...env, PORT: String(service.port) });
}
startProcess(GATEWAY.name, process.execPath, ['--enable-source-maps', '--import', '@provisio/telemetry/register', GATEWAY.entry], { ...env, PORT: String(GATEWAY.port) });
say('runner', `Provisio is starting at http://localhost:${GATEWAY.port} (API docs at /docs); Ctrl-C stops it`);
