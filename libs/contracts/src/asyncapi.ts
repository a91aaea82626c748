import { z } from 'zod';
import { eventCatalog, type CatalogEntry } from './catalog.js';

const SCHEMA_FORMAT = 'application/schema+json;version=draft-07';

function jsonSchema(schema: z.ZodType): object {
  return z.toJSONSchema(schema, { target: 'draft-7', io: 'output', unrepresentable: 'any' }) as object;
}

/** The CloudEvent envelope around one event's data, as it travels (structured JSON mode). */
function envelope(entry: CatalogEntry): object {
  return {
    type: 'object',
    required: ['specversion', 'id', 'source', 'type', 'data'],
    properties: {
      specversion: { const: '1.0' },
      id: { type: 'string', description: '(source, id) identifies the event; a repeat has no second effect' },
      source: { type: 'string', description: 'who published it, e.g. provisio/accounts' },
      type: { const: entry.definition.type },
      time: { type: 'string', format: 'date-time' },
      subject: { type: 'string' },
      datacontenttype: { const: 'application/json' },
      data: jsonSchema(entry.definition.data),
    },
  };
}

const messageHeaders = {
  type: 'object',
  properties: {
    'Nats-Msg-Id': { type: 'string', description: 'the CloudEvent id (JetStream drops a republished duplicate)' },
    traceparent: { type: 'string', description: 'W3C trace context of the publisher' },
  },
};

const operationId = (action: string, party: string, type: string) => `${party}-${action}-${type.replaceAll('.', '-')}`;

/**
 * The AsyncAPI 3 document of every event the system consumes and publishes: channels are the subjects (=
 * CloudEvent types) on their JetStream streams, messages are CloudEvents whose `data` schema is generated
 * from the zod schema the code validates with.
 */
export function buildAsyncApi(version = '1.0.0') {
  const channels: Record<string, object> = {};
  const operations: Record<string, object> = {};
  const messages: Record<string, object> = {};
  for (const entry of eventCatalog) {
    const type = entry.definition.type;
    messages[type] = {
      name: type,
      title: type,
      summary: entry.summary,
      contentType: 'application/json',
      headers: messageHeaders,
      payload: { schemaFormat: SCHEMA_FORMAT, schema: envelope(entry) },
    };
    channels[type] = {
      address: type,
      title: type,
      description: `Stream \`${entry.stream}\`; subject = the CloudEvent type.`,
      messages: { [type]: { $ref: `#/components/messages/${type}` } },
    };
    for (const party of entry.publishers) {
      operations[operationId('send', party, type)] = { action: 'send', channel: { $ref: `#/channels/${type}` }, summary: `${party} publishes ${type}`, messages: [{ $ref: `#/channels/${type}/messages/${type}` }] };
    }
    for (const party of entry.consumers) {
      operations[operationId('receive', party, type)] = { action: 'receive', channel: { $ref: `#/channels/${type}` }, summary: `${party} consumes ${type}`, messages: [{ $ref: `#/channels/${type}/messages/${type}` }] };
    }
  }
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Provisio events',
      version,
      description:
        'Events between the Provisio services and from other HR systems, on NATS JetStream. Every message is a CloudEvent 1.0 (structured JSON). Streams: HR (hr.>), PROVIDERS (provider.>), ACCOUNTS (account.>), WORKFLOWS (workflow.>), NOTIFICATIONS (notification.>), DEAD_LETTER (dlq.<consumer>). Consumers are idempotent; new data fields are optional.',
    },
    defaultContentType: 'application/json',
    servers: { nats: { host: 'localhost:4222', protocol: 'nats', description: 'NATS with JetStream' } },
    channels,
    operations,
    components: { messages },
  };
}
