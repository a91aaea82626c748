export { namespace, type Namespace } from './namespace.js';
export { cloudEventSchema, defineEvent, eventKey, type CloudEvent, type EventData, type EventDefinition } from './cloudevent.js';
export { STREAMS, ensureStreams, streamOfType, type StreamName } from './streams.js';
export { connectBroker, BrokerUnavailableError, type Broker } from './connection.js';
export { publishEvent } from './publish.js';
export { emit, OUTBOX_CHANNEL } from './outbox.js';
export { createOutboxRelay, type OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
export { createConsumer, type Consumer, type ConsumerLogger, type ConsumerOptions, type Handler, type Outcome } from './consumer.js';
export { messagingMigrations } from './migrations.js';
