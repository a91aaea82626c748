import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearerToken, createTokenVerifier, signToken } from '../src/index.js';
import { audience, buildDemoApp, companyId, issuer, secret, tokenFor, type DemoApp } from './demo-app.js';

const base64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);
const claims = () => ({ sub: 'emp-1', companyId, role: 'admin', iss: issuer, aud: audience, exp: now() + 3600 });
const assigneeId = '6f1c2f0e-8a4b-4c1e-9f3a-2b7d5e9c1a40';

describe('bearer tokens on /v1 (HS256 configured)', () => {
  let demo: DemoApp;

  beforeAll(async () => {
    demo = await buildDemoApp();
  });
  afterAll(() => demo.app.close());

  const getWith = (authorization?: string) =>
    demo.app.inject({
      url: `/v1/providers/${assigneeId}`,
      headers: authorization === undefined ? {} : { authorization },
    });

  const expectUnauthenticated = async (authorization?: string) => {
    const response = await getWith(authorization);
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toMatchObject({ code: 'UNAUTHENTICATED', details: [] });
  };

  // A valid token reaches the route, and the principal carries the token's tenant.
  it('lets a valid token through', async () => {
    const response = await getWith(`Bearer ${await tokenFor('employee')}`);
    expect(response.statusCode).toBe(200);
    expect(response.json().companyId).toBe(companyId);
  });

  // No token, or a header that is not a bearer token, is 401.
  it('refuses a missing token', async () => {
    await expectUnauthenticated();
    await expectUnauthenticated(`Basic ${Buffer.from('a:b').toString('base64')}`);
  });

  // A token signed with another secret fails the signature check.
  it('refuses a token signed with the wrong key', async () => {
    const token = await signToken({
      secret: 'another-secret-that-is-also-long-enough-42',
      issuer,
      audience,
      sub: 'emp-1',
      companyId,
      role: 'admin',
    });
    await expectUnauthenticated(`Bearer ${token}`);
  });

  // exp is enforced.
  it('refuses an expired token', async () => {
    await expectUnauthenticated(`Bearer ${await tokenFor('admin', { expiresInSeconds: -60 })}`);
  });

  // iss and aud are pinned to the configured values.
  it('refuses a wrong issuer or audience', async () => {
    const base = { secret, sub: 'emp-1', companyId, role: 'admin' as const };
    await expectUnauthenticated(`Bearer ${await signToken({ ...base, issuer: 'someone-else', audience })}`);
    await expectUnauthenticated(`Bearer ${await signToken({ ...base, issuer, audience: 'another-api' })}`);
  });

  // An unsigned token (alg: none) is never accepted.
  it('refuses an alg none token crafted by hand', async () => {
    const token = `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims())}.`;
    await expectUnauthenticated(`Bearer ${token}`);
  });

  // Algorithms are pinned: an RS256 token is refused when HS256 is configured.
  it('refuses an RS256 token when HS256 is configured', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({ companyId, role: 'admin' })
      .setProtectedHeader({ alg: 'RS256' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('emp-1')
      .setExpirationTime('1h')
      .sign(privateKey);
    await expectUnauthenticated(`Bearer ${token}`);
  });

  // Garbage in the header is a 401, not a 500.
  it('refuses garbage', async () => {
    await expectUnauthenticated('Bearer not.a.jwt');
    await expectUnauthenticated('Bearer 🙃');
    await expectUnauthenticated('Bearer ');
  });

  // A well-signed token without exp, the tenant or a known role is still unauthenticated.
  it('refuses a token without exp, companyId or a known role', async () => {
    const sign = (payload: Record<string, unknown>) =>
      new SignJWT(payload)
        .setProtectedHeader({ alg: 'HS256' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setSubject('emp-1')
        .setExpirationTime('1h')
        .sign(new TextEncoder().encode(secret));
    await expectUnauthenticated(`Bearer ${await sign({ role: 'admin' })}`);
    const withoutExp = await new SignJWT({ companyId, role: 'admin' })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('emp-1')
      .sign(new TextEncoder().encode(secret));
    await expectUnauthenticated(`Bearer ${withoutExp}`);
    await expectUnauthenticated(`Bearer ${await sign({ companyId, role: 'root' })}`);
  });

  // requireRole answers 403 FORBIDDEN to an authenticated caller with another role.
  it('refuses a role that may not act with FORBIDDEN', async () => {
    const response = await demo.app.inject({
      method: 'POST',
      url: '/v1/providers',
      headers: { authorization: `Bearer ${await tokenFor('manager')}` },
      payload: { name: 'Slack', provisioning: { assigneeId } },
    });
    expect(response.statusCode).toBe(403);
    expect(response.json().error.code).toBe('FORBIDDEN');
  });

  // Authentication keys on the route, so a percent-encoded path cannot walk around it.
  it('authenticates a percent-encoded /v1 path', async () => {
    const response = await demo.app.inject({ url: `/%761/providers/${assigneeId}` });
    expect(response.statusCode).toBe(401);
  });

  // Health and OpenAPI routes stay public.
  it('leaves routes outside /v1 public', async () => {
    expect((await demo.app.inject({ url: '/health/live' })).statusCode).toBe(200);
    expect((await demo.app.inject({ url: '/openapi.json' })).statusCode).toBe(200);
  });

  // The raw token can be read for forwarding.
  it('reads the raw bearer token', () => {
    expect(bearerToken({ headers: { authorization: 'Bearer abc.def.ghi' } })).toBe('abc.def.ghi');
    expect(bearerToken({ headers: { authorization: 'bearer  abc' } })).toBe('abc');
    expect(bearerToken({ headers: {} })).toBeUndefined();
    expect(bearerToken({ headers: { authorization: 'Token abc' } })).toBeUndefined();
  });
});

describe('bearer tokens from a JWKS (RS256/ES256)', () => {
  let server: Server;
  let jwksUrl: string;
  let rsa: Awaited<ReturnType<typeof generateKeyPair>>;
  let ec: Awaited<ReturnType<typeof generateKeyPair>>;

  beforeAll(async () => {
    rsa = await generateKeyPair('RS256');
    ec = await generateKeyPair('ES256');
    const keys = [
      { ...(await exportJWK(rsa.publicKey)), kid: 'rsa-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(ec.publicKey)), kid: 'ec-1', alg: 'ES256', use: 'sig' },
    ];
    server = createServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const signWith = (alg: string, kid: string, key: CryptoKey | Uint8Array, payload = { companyId, role: 'admin' }) =>
    new SignJWT(payload)
      .setProtectedHeader({ alg, kid })
      .setIssuer(issuer)
      .setAudience(audience)
      .setSubject('emp-7')
      .setExpirationTime('1h')
      .sign(key);

  // Tokens of the identity provider verify against its published keys.
  it('verifies RS256 and ES256 tokens', async () => {
    const verifier = createTokenVerifier({ jwksUrl, issuer, audience });
    await expect(verifier.verify(await signWith('RS256', 'rsa-1', rsa.privateKey))).resolves.toEqual({
      id: 'emp-7',
      companyId,
      role: 'admin',
    });
    await expect(verifier.verify(await signWith('ES256', 'ec-1', ec.privateKey))).resolves.toMatchObject({
      id: 'emp-7',
    });
  });

  // The classic confusion attack: HS256 "signed" with the public key must be refused.
  it('refuses an HS256 token signed with the public key', async () => {
    const verifier = createTokenVerifier({ jwksUrl, issuer, audience });
    const publicPem = new TextEncoder().encode(await exportSPKI(rsa.publicKey));
    const publicJwk = new TextEncoder().encode(JSON.stringify(await exportJWK(rsa.publicKey)));
    await expect(verifier.verify(await signWith('HS256', 'rsa-1', publicPem))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
    await expect(verifier.verify(await signWith('HS256', 'rsa-1', publicJwk))).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
    });
  });

  // Through the app: a JWKS-backed verifier answers 200 for a good token and 401 for an unknown key.
  it('authenticates requests through the app', async () => {
    const demo = await buildDemoApp({ verifier: createTokenVerifier({ jwksUrl, issuer, audience }) });
    try {
      const ok = await demo.app.inject({
        url: `/v1/providers/${assigneeId}`,
        headers: { authorization: `Bearer ${await signWith('RS256', 'rsa-1', rsa.privateKey)}` },
      });
      expect(ok.statusCode).toBe(200);
      const stranger = await generateKeyPair('RS256');
      const refused = await demo.app.inject({
        url: `/v1/providers/${assigneeId}`,
        headers: { authorization: `Bearer ${await signWith('RS256', 'rsa-9', stranger.privateKey)}` },
      });
      expect(refused.statusCode).toBe(401);
    } finally {
      await demo.app.close();
    }
  });

  // An identity provider that does not answer is a dependency outage (503 with Retry-After), not a bad token.
  it('answers UNAVAILABLE when the JWKS cannot be fetched', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const demo = await buildDemoApp({
      verifier: createTokenVerifier({ jwksUrl: `http://127.0.0.1:${port}/jwks.json`, issuer, audience }),
    });
    try {
      const response = await demo.app.inject({
        url: `/v1/providers/${assigneeId}`,
        headers: { authorization: `Bearer ${await signWith('RS256', 'rsa-1', rsa.privateKey)}` },
      });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json().error.code).toBe('UNAVAILABLE');
      expect(response.body).not.toContain(String(port));
    } finally {
      await demo.app.close();
    }
  });

  // A verifier needs exactly one key source; a misconfiguration stops the process at start.
  it('refuses to build without exactly one key source', () => {
    expect(() => createTokenVerifier({ issuer, audience })).toThrow(/AUTH_JWT_SECRET/);
    expect(() => createTokenVerifier({ secret, jwksUrl, issuer, audience })).toThrow(/exactly one/);
    expect(() => createTokenVerifier({ secret: 'short', issuer, audience })).toThrow(/at least 32/);
  });
});
