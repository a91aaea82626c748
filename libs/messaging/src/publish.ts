import { headers as natsHeaders, type MsgHdrs } from '@nats-io/transport-node';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { injectTraceContext, withPublishSpan } from '@provisio/telemetry';
import type { CloudEvent } from './cloudevent.js';
import type { Namespace } from './namespace.js';

const encoder = new TextEncoder();

/**
 * Publishes one CloudEvent to JetStream: subject = its type (in the namespace), `Nats-Msg-Id` = its id (or the
 * given `msgID`), so a republish within the duplicate window is dropped by the server. The active trace
 * context travels in the headers.
 */
export function publishEvent(
  js: JetStreamClient,
  ns: Namespace,
  event: CloudEvent,
  extraHeaders: Record<string, string> = {},
  msgID: string = event.id,
): Promise<PubAck> {
  const subject = ns.subject(event.type);
  return withPublishSpan(subject, async (span) => {
    span.setAttribute('messaging.message.id', event.id);
    const headers: MsgHdrs = natsHeaders();
    for (const [key, value] of Object.entries(extraHeaders)) headers.set(key, value);
    injectTraceContext(headers);
    return js.publish(subject, encoder.encode(JSON.stringify(event)), { msgID, headers });
  });
}
