export { createTestDatabase, postgresServerUrl, type TestDatabase } from './postgres.js';
export { connectTestBroker, natsUrl, testNamespace } from './nats.js';
export { waitFor } from './wait-for.js';
