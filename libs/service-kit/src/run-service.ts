import { pino } from 'pino';
import { createLogger, type Logger } from './logger.js';

/** What `start` hands back: how to stop everything it started (server, consumers, connections). */
export interface Closable {
  close: () => Promise<void>;
  /** The logger built from the loaded config (LOG_LEVEL); used for the shutdown lines when given. */
  logger?: Logger;
}

export interface RunServiceOptions {
  name: string;
  /**
   * Logger for the lifecycle lines. Optional because LOG_LEVEL is only known once `start` has loaded the
   * config: `start` may return its logger instead. With neither, an info-level JSON logger is used.
   */
  logger?: Logger;
  /** Loads config, opens connections, builds the app and listens. Throwing here stops the process with code 1. */
  start: () => Promise<Closable>;
  /** After a signal, how long `close` may take before the process is forced down; default 15 s. */
  shutdownTimeoutMs?: number;
  /** How the process ends; `process.exit` unless a test passes a spy. */
  exit?: (code: number) => void;
}

const defaultShutdownTimeoutMs = 15_000;
const shutdownSignals = ['SIGINT', 'SIGTERM'] as const;

/**
 * Process concerns of a service: start, then close once on SIGINT/SIGTERM. A second signal, a failing close
 * or a close that outlasts the timeout ends the process with code 1.
 */
export async function runService(options: RunServiceOptions): Promise<void> {
  const { name, start, shutdownTimeoutMs = defaultShutdownTimeoutMs, exit = (code) => process.exit(code) } = options;

  let running: Closable;
  try {
    running = await start();
  } catch (error) {
    // Synchronous, to stderr: the line must be written before the process ends, whatever LOG_LEVEL says.
    const stderr = createLogger({ name, level: 'info', destination: pino.destination({ dest: 2, sync: true }) });
    stderr.fatal({ err: error }, `${name} could not start: ${error instanceof Error ? error.message : String(error)}`);
    exit(1);
    return;
  }
  const logger = running.logger ?? options.logger ?? createLogger({ name, level: 'info' });

  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) {
      logger.warn({ signal }, 'second signal while closing; exiting now');
      exit(1);
      return;
    }
    closing = true;
    logger.info({ signal }, 'closing');
    const timer = setTimeout(() => {
      logger.error({ shutdownTimeoutMs }, 'close did not finish in time; exiting');
      exit(1);
    }, shutdownTimeoutMs);
    running.close().then(
      () => {
        clearTimeout(timer);
        logger.info('closed');
        exit(0);
      },
      (error: unknown) => {
        clearTimeout(timer);
        logger.error({ err: error }, 'close failed');
        exit(1);
      },
    );
  };
  for (const signal of shutdownSignals) process.on(signal, onSignal);
  logger.info({ pid: process.pid }, `${name} started`);
}
