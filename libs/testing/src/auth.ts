import { signToken, type Role } from '@provisio/service-kit';

/** The HS256 secret every test process signs and verifies with. */
export const TEST_JWT_SECRET = 'provisio-test-secret-0123456789abcdef';

/** Environment every service under test reads besides its database: auth, NATS and a quiet log. */
export function testEnv(namespace: string): Record<string, string> {
  return {
    AUTH_JWT_SECRET: TEST_JWT_SECRET,
    NATS_URL: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
    NATS_NAMESPACE: namespace,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    DATA_DIR: './data/test',
  };
}

/** A bearer token for a caller of the API, as `authorization` header value. */
export async function bearer(sub: string, companyId: string, role: Role, options: { expiresInSeconds?: number } = {}): Promise<string> {
  const token = await signToken({
    secret: TEST_JWT_SECRET,
    issuer: 'provisio',
    audience: 'provisio-api',
    sub,
    companyId,
    role,
    ...(options.expiresInSeconds === undefined ? {} : { expiresInSeconds: options.expiresInSeconds }),
  });
  return `Bearer ${token}`;
}
