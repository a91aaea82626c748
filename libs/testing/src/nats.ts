import { randomBytes } from 'node:crypto';
import { connectBroker, STREAMS, type Broker, type StreamName } from '@provisio/messaging';

/** The NATS server tests use: `NATS_URL`, else the local default. */
export function natsUrl(): string {
  return process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
}

/** A namespace of its own for one test file: its streams and subjects are invisible to other files. */
export function testNamespace(): string {
  return `t${randomBytes(5).toString('hex')}`;
}

/** Connects to the test broker in `ns` and returns a cleanup that deletes the namespace's streams. */
export async function connectTestBroker(ns: string, name = 'test'): Promise<Broker & { cleanup(): Promise<void> }> {
  const broker = await connectBroker({ url: natsUrl(), name, namespace: ns });
  return {
    ...broker,
    async cleanup() {
      for (const stream of Object.keys(STREAMS) as StreamName[]) {
        await broker.jsm.streams.delete(broker.ns.stream(stream)).catch(() => undefined);
      }
      await broker.drain();
    },
  };
}
