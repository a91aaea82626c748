import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from '@nats-io/jetstream';
import type { Namespace } from './namespace.js';

const DAY_NS = 24 * 60 * 60 * 1e9;
const MINUTE_NS = 60 * 1e9;

/**
 * Every stream of the system, as code. A stream holds the events of one owner, by type prefix; `HR` is the
 * input other HR systems publish to (subject = CloudEvent type). Created or updated at start by each
 * process; the same definition applied twice changes nothing.
 */
export const STREAMS = {
  HR: { subjects: ['hr.>'], description: 'HR events published by other HR systems' },
  PROVIDERS: { subjects: ['provider.>'], description: 'provider.* events of the providers service' },
  ACCOUNTS: { subjects: ['account.>'], description: 'account.* events of the accounts service' },
  WORKFLOWS: { subjects: ['workflow.>'], description: 'workflow.* events of the workflows service' },
  NOTIFICATIONS: { subjects: ['notification.>'], description: 'notification.* events of the notifications service' },
  DEAD_LETTER: { subjects: ['dlq.>'], description: 'messages a consumer gave up on, with the error' },
} as const satisfies Record<string, { subjects: string[]; description: string }>;

export type StreamName = keyof typeof STREAMS;

/** The stream that holds an event type, found by its prefix. */
export function streamOfType(type: string): StreamName {
  const prefix = type.split('.', 1)[0];
  const found = (Object.keys(STREAMS) as StreamName[]).find((name) =>
    STREAMS[name].subjects.some((subject) => subject === `${prefix}.>`),
  );
  if (!found) throw new Error(`no stream holds events of type ${type}`);
  return found;
}

export interface EnsureStreamsOptions {
  replicas?: number;
  /** How long JetStream remembers a message id to drop a republished duplicate. */
  duplicateWindowMs?: number;
}

export async function ensureStreams(
  jsm: JetStreamManager,
  ns: Namespace,
  names: readonly StreamName[] = Object.keys(STREAMS) as StreamName[],
  options: EnsureStreamsOptions = {},
): Promise<void> {
  for (const name of names) {
    const config: Partial<StreamConfig> & { name: string } = {
      name: ns.stream(name),
      subjects: STREAMS[name].subjects.map((subject) => ns.subject(subject)),
      description: STREAMS[name].description,
      retention: RetentionPolicy.Limits,
      storage: StorageType.File,
      discard: DiscardPolicy.Old,
      max_age: (name === 'DEAD_LETTER' ? 90 : 30) * DAY_NS,
      duplicate_window: (options.duplicateWindowMs ?? 10 * 60_000) * 1e6 || 10 * MINUTE_NS,
      num_replicas: options.replicas ?? 1,
    };
    try {
      await jsm.streams.info(config.name);
      await jsm.streams.update(config.name, config);
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await jsm.streams.add(config);
    }
  }
}

export function isNotFound(error: unknown): boolean {
  const text = error instanceof Error ? `${error.name} ${error.message}` : String(error);
  return /not found/i.test(text);
}
