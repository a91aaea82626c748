import { randomBytes } from 'node:crypto';
import pg from 'pg';

let containerUrl: Promise<string> | undefined;

/**
 * The PostgreSQL server tests use: `DATABASE_URL` (or `TEST_DATABASE_URL`) when given, else a throw-away
 * container through testcontainers (needs a Docker engine; CI and these machines set the variable).
 */
export async function postgresServerUrl(): Promise<string> {
  const fromEnv = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
  if (fromEnv) return fromEnv;
  containerUrl ??= (async () => {
    const { PostgreSqlContainer } = await import('@testcontainers/postgresql');
    const container = await new PostgreSqlContainer('postgres:17-alpine').start();
    return container.getConnectionUri();
  })();
  return containerUrl;
}

export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

/** A fresh, empty database of its own for one test file, dropped afterwards. */
export async function createTestDatabase(label = 'test'): Promise<TestDatabase> {
  const serverUrl = await postgresServerUrl();
  const name = `provisio_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`create database ${pg.escapeIdentifier(name)}`);
  } finally {
    await admin.end();
  }
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`drop database if exists ${pg.escapeIdentifier(name)} with (force)`);
      } finally {
        await client.end();
      }
    },
  };
}
