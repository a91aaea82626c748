import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { connect } from '@nats-io/transport-node';
import type { NatsConnection } from '@nats-io/transport-node';
import { namespace, type Namespace } from './namespace.js';

export class BrokerUnavailableError extends Error {
  constructor(url: string, cause: unknown) {
    super(`cannot reach NATS JetStream at ${url}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'BrokerUnavailableError';
  }
}

export interface Broker {
  readonly nc: NatsConnection;
  readonly js: JetStreamClient;
  readonly jsm: JetStreamManager;
  readonly ns: Namespace;
  /** Resolves when the server answers a round trip. */
  ping(): Promise<void>;
  /** Lets in-flight publishes and acks finish, then closes. */
  drain(): Promise<void>;
}

/**
 * Connects and checks that JetStream is enabled; a broker that cannot be reached is an error at start, never
 * a null. Once connected, the client reconnects forever.
 */
export async function connectBroker(options: { url: string; name: string; namespace?: string | undefined }): Promise<Broker> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers: options.url,
      name: options.name,
      timeout: 5_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
      // Without it every request (each JetStream publish) builds two errors with stack traces up front, in case
      // it fails: a third of the relay's publishing time. A failed request still says what failed.
      noAsyncTraces: true,
    });
  } catch (error) {
    throw new BrokerUnavailableError(options.url, error);
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: 5_000 });
    const js = jetstream(nc, { timeout: 5_000 });
    return {
      nc,
      js,
      jsm,
      ns: namespace(options.namespace),
      async ping() {
        await nc.flush();
      },
      async drain() {
        if (!nc.isClosed()) await nc.drain().catch(() => nc.close());
      },
    };
  } catch (error) {
    await nc.close().catch(() => undefined);
    throw new BrokerUnavailableError(options.url, error);
  }
}
