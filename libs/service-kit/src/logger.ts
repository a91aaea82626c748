import { pino, type DestinationStream, type Logger as PinoLogger } from 'pino';
import type { LogLevel } from './config.js';

export type Logger = PinoLogger<never, boolean>;

export interface LoggerOptions {
  /** The process name; every line carries it as `service`. */
  name: string;
  level: LogLevel;
  /** Where lines go; stdout unless a test or the start-failure path passes another stream. */
  destination?: DestinationStream;
}

/** Paths never written in clear: tokens and passwords, wherever a request or payload carries them. */
const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  '*.headers.authorization',
  'password',
  '*.password',
];

/** A JSON logger; the process runner prettifies, the lib always writes JSON. */
export function createLogger({ name, level, destination }: LoggerOptions): Logger {
  return pino(
    {
      level,
      base: { service: name },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: redactedPaths, censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
