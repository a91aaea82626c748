export { createTestDatabase, postgresServerUrl, type TestDatabase } from './postgres.js';
export { connectTestBroker, natsUrl, testNamespace } from './nats.js';
export { waitFor } from './wait-for.js';
export { TEST_JWT_SECRET, bearer, testEnv } from './auth.js';
export { anEmployee, publishHire, publishTermination } from './hr.js';
