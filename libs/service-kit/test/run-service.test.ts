import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { ConfigError, createLogger, runService } from '../src/index.js';

const quiet = createLogger({
  name: 'demo',
  level: 'silent',
  destination: new Writable({ write: (_chunk, _encoding, done) => done() }),
});

/** An exit spy that resolves with the first code the process would have ended with. */
function exitSpy() {
  const codes: number[] = [];
  let settle: (code: number) => void = () => {};
  const first = new Promise<number>((resolve) => {
    settle = resolve;
  });
  return {
    codes,
    first,
    exit: (code: number) => {
      codes.push(code);
      settle(code);
    },
  };
}

const signals = ['SIGINT', 'SIGTERM'] as const;
const before = new Map(signals.map((signal) => [signal, process.listeners(signal)]));

afterEach(() => {
  // runService installs process-wide handlers; remove the ones a test added.
  for (const signal of signals) {
    for (const listener of process.listeners(signal)) {
      if (!before.get(signal)?.includes(listener)) process.removeListener(signal, listener);
    }
  }
});

describe('runService', () => {
  // A start that throws (bad config, unreachable database) ends the process with code 1.
  it('exits 1 when start fails', async () => {
    const spy = exitSpy();
    await runService({
      name: 'demo',
      logger: quiet,
      exit: spy.exit,
      start: async () => {
        throw new ConfigError([{ variable: 'AUTH_JWT_SECRET', message: 'must be at least 32 characters' }]);
      },
    });
    expect(await spy.first).toBe(1);
  });

  // SIGTERM closes once and exits 0; a second signal during close forces exit 1.
  it('closes once on a signal and forces exit on the second', async () => {
    const spy = exitSpy();
    let closes = 0;
    let finishClose: () => void = () => {};
    await runService({
      name: 'demo',
      logger: quiet,
      exit: spy.exit,
      start: async () => ({
        close: () => {
          closes += 1;
          return new Promise<void>((resolve) => {
            finishClose = resolve;
          });
        },
      }),
    });
    process.emit('SIGTERM');
    process.emit('SIGINT');
    expect(await spy.first).toBe(1);
    expect(closes).toBe(1);
    finishClose();
  });

  // A clean close ends with code 0.
  it('exits 0 after a clean close', async () => {
    const spy = exitSpy();
    await runService({ name: 'demo', logger: quiet, exit: spy.exit, start: async () => ({ close: async () => {} }) });
    process.emit('SIGINT');
    expect(await spy.first).toBe(0);
  });

  // A close that never finishes cannot keep the process alive past the hard timeout.
  it('exits 1 when close outlasts the timeout', async () => {
    const spy = exitSpy();
    await runService({
      name: 'demo',
      logger: quiet,
      exit: spy.exit,
      shutdownTimeoutMs: 50,
      start: async () => ({ close: () => new Promise<void>(() => {}) }),
    });
    process.emit('SIGTERM');
    expect(await spy.first).toBe(1);
  });
});
