import type { TestProject } from 'vitest/node';

/**
 * Gives every test file a PostgreSQL server and a NATS server with JetStream: the ones named by
 * DATABASE_URL and NATS_URL, else containers started once here through testcontainers (a Docker engine is
 * needed for that; CI and the developers' machines set the variables instead).
 */
export default async function setup(_project: TestProject) {
  const stops: (() => Promise<unknown>)[] = [];
  if (!process.env.DATABASE_URL && !process.env.TEST_DATABASE_URL) {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    process.env.DATABASE_URL = container.getConnectionUri();
    stops.push(() => container.stop());
  }
  if (!process.env.NATS_URL) {
    const { GenericContainer, Wait } = await import('testcontainers');
    const container = await new GenericContainer('nats:2.12-alpine')
      .withCommand(['-js'])
      .withExposedPorts(4222)
      .withWaitStrategy(Wait.forLogMessage(/Server is ready/))
      .start();
    process.env.NATS_URL = `nats://${container.getHost()}:${container.getMappedPort(4222)}`;
    stops.push(() => container.stop());
  }
  return async () => {
    for (const stop of stops) await stop();
  };
}
