import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bearer, connectTestBroker, createTestDatabase, testNamespace, TEST_JWT_SECRET, type TestDatabase } from '@provisio/testing';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const SERVICES = ['providers', 'accounts', 'workflows', 'notifications'] as const;
export type ProcessName = (typeof SERVICES)[number] | 'gateway';

/**
 * The next port of this process's own block, below Linux's ephemeral range (32768 and up). A port from the
 * operating system (listen on 0) is free only until the probe closes, and a service listens on it a second or
 * two later: meanwhile another system started by a test file running in parallel (another process) could be
 * handed the same port, and one of the two services failed with EADDRINUSE. Blocks differ by process id, and
 * outgoing connections never take ports down here.
 */
let nextPort = 20_000 + (process.pid % 600) * 20;

function canListen(port: number): Promise<boolean> {
  return new Promise((resolveFree) => {
    const server = createServer();
    server.once('error', () => resolveFree(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolveFree(true)));
  });
}

async function freePort(): Promise<number> {
  for (let tries = 0; tries < 500; tries++) {
    const port = nextPort;
    nextPort = nextPort + 1 >= 32_000 ? 20_000 : nextPort + 1;
    if (await canListen(port)) return port;
  }
  throw new Error('no free port between 20000 and 32000');
}

export interface System {
  baseUrl: string;
  broker: Awaited<ReturnType<typeof connectTestBroker>>;
  /** `fetch` against the gateway with a bearer token and JSON. */
  api(path: string, init?: { method?: string; body?: unknown; auth?: string }): Promise<{ status: number; body: any; headers: Headers }>;
  token: typeof bearer;
  /** Ends one process abruptly (SIGKILL) or politely (SIGTERM) and waits for it to be gone. */
  kill(name: ProcessName, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a killed process again and waits until the gateway reports everything ready. */
  restart(name: ProcessName): Promise<void>;
  stop(): Promise<void>;
}

export interface SystemOptions {
  /** The gateway offers the development sign-in (`AUTH_DEV_LOGIN=true`), as the console's browser tests need. */
  devLogin?: boolean;
}

/**
 * Starts the four services and the gateway from their compiled code (`npm test` builds first), each with a
 * database of its own on the test PostgreSQL and all in one NATS namespace. Logs go to artifacts/.
 */
export async function startSystem(label: string, options: SystemOptions = {}): Promise<System> {
  const ns = testNamespace();
  const broker = await connectTestBroker(ns, `e2e-${label}`);
  const databases = new Map<string, TestDatabase>();
  for (const service of SERVICES) databases.set(service, await createTestDatabase(`e2e_${label}_${service}`));
  const ports = new Map<ProcessName, number>();
  for (const name of [...SERVICES, 'gateway'] as const) ports.set(name, await freePort());
  mkdirSync(join(root, 'artifacts'), { recursive: true });
  const log: WriteStream = createWriteStream(join(root, 'artifacts', `e2e-${label}.log`));
  const children = new Map<ProcessName, ChildProcess>();
  const baseUrl = `http://127.0.0.1:${ports.get('gateway')}`;

  const common = {
    PATH: process.env.PATH ?? '',
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    NATS_NAMESPACE: ns,
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.E2E_LOG_LEVEL ?? 'info',
    DATA_DIR: join(root, 'data', 'e2e'),
  };

  function envFor(name: ProcessName): Record<string, string> {
    const env: Record<string, string> = { ...common, PORT: String(ports.get(name)) };
    if (name === 'gateway') {
      for (const service of SERVICES) env[`${service.toUpperCase()}_URL`] = `http://127.0.0.1:${ports.get(service)}`;
      env.UPSTREAM_TIMEOUT_MS = '5000';
      env.RATE_LIMIT_MAX = '100000';
      env.WEB_DIST_DIR = join(root, 'web', 'dist');
      if (options.devLogin) env.AUTH_DEV_LOGIN = 'true';
    } else {
      env[`${name.toUpperCase()}_DATABASE_URL`] = databases.get(name)!.url;
    }
    if (name === 'workflows') env.WORKFLOWS_OVERDUE_SWEEP_MS = '500';
    return env;
  }

  const exited: string[] = [];
  function launch(name: ProcessName) {
    const entry = name === 'gateway' ? 'gateway/dist/server.js' : `services/${name}/dist/server.js`;
    const child = spawn(process.execPath, ['--enable-source-maps', '--import', '@provisio/telemetry/register', join(root, entry)], { env: envFor(name), stdio: ['ignore', 'pipe', 'pipe'], cwd: root });
    child.stdout!.on('data', (chunk) => log.write(chunk));
    child.stderr!.on('data', (chunk) => log.write(chunk));
    child.once('exit', (code, signal) => {
      if (children.get(name) === child && !child.killed) exited.push(`${name} exited (${signal ?? `code ${code}`})`);
    });
    children.set(name, child);
  }
  // Children must not outlive the test process, whatever ends it (a timed-out hook tears the worker down).
  const killAll = () => {
    for (const child of children.values()) if (child.exitCode === null) child.kill('SIGKILL');
  };
  process.once('exit', killAll);

  async function api(path: string, init: { method?: string; body?: unknown; auth?: string } = {}) {
    const headers: Record<string, string> = {};
    if (init.auth) headers.authorization = init.auth;
    if (init.body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(`${baseUrl}${path}`, {
      method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
      headers,
      ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    });
    const text = await response.text();
    let body: unknown = text;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      // not JSON: keep the text
    }
    return { status: response.status, body, headers: response.headers };
  }

  /** Waits until the gateway reports every service ready; a process that dies meanwhile fails at once. */
  async function ready() {
    const deadline = Date.now() + 150_000;
    for (;;) {
      if (exited.length > 0) throw new Error(`${exited.join(', ')}; see artifacts/e2e-${label}.log`);
      if ((await api('/health/ready').catch(() => ({ status: 0 }))).status === 200) return;
      if (Date.now() > deadline) throw new Error(`the system (${label}) was not ready in time; see artifacts/e2e-${label}.log`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 200));
    }
  }

  async function kill(name: ProcessName, signal: NodeJS.Signals = 'SIGKILL') {
    const child = children.get(name);
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolveExit) => child.once('exit', resolveExit));
    child.kill(signal);
    await gone;
  }

  async function stop() {
    await Promise.all([...children.keys()].map((name) => kill(name, 'SIGTERM')));
    if (!process.env.E2E_KEEP) await broker.cleanup();
    else log.write(`kept NATS namespace: ${ns}\n`);
    // E2E_KEEP=1 keeps the databases for a post-mortem (their names are in the log).
    if (!process.env.E2E_KEEP) for (const database of databases.values()) await database.drop();
    else log.write(`kept databases: ${[...databases.values()].map((database) => database.name).join(', ')}\n`);
    log.end();
  }

  for (const service of SERVICES) launch(service);
  launch('gateway');
  try {
    await ready();
  } catch (error) {
    // A system that did not come up leaves nothing running behind (CI once kept three services for good).
    await stop();
    throw error;
  }

  return {
    baseUrl,
    broker,
    api,
    token: bearer,
    kill,
    async restart(name) {
      launch(name);
      await ready();
    },
    stop,
  };
}
