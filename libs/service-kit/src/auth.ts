import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { createRemoteJWKSet, errors, jwtVerify, SignJWT, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import { ConfigError, type AuthConfig } from './config.js';
import { ForbiddenError, UnauthenticatedError, UnavailableError } from './errors.js';

export const roles = ['admin', 'manager', 'employee', 'integration'] as const;
export type Role = (typeof roles)[number];

/** Who is calling: the token's subject, tenant and role. */
export interface Principal {
  /** The employee id (for `integration`, the integration's name). */
  id: string;
  companyId: string;
  role: Role;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by authPlugin on every `/v1` request; null elsewhere. Prefer `principalOf(request)`. */
    principal: Principal | null;
  }
}

export interface TokenVerifier {
  /** Resolves the caller, or throws UnauthenticatedError (UnavailableError when the JWKS cannot be fetched). */
  verify(token: string): Promise<Principal>;
}

export interface TokenVerifierOptions {
  /** HS256 shared secret (at least 32 characters). Exactly one of `secret` and `jwksUrl`. */
  secret?: string | undefined;
  /** Identity provider's JWKS (RS256/ES256). Exactly one of `secret` and `jwksUrl`. */
  jwksUrl?: string | undefined;
  issuer: string;
  audience: string;
}

const claimsSchema = z.object({
  sub: z.string().min(1),
  companyId: z.string().min(1),
  role: z.enum(roles),
});

/** Allowed clock difference between the token issuer and this process. */
const clockToleranceSeconds = 5;
const jwksRetryAfterSeconds = 5;
const minimumSecretLength = 32;

function secretKey(secret: string): Uint8Array {
  if (secret.length < minimumSecretLength) {
    throw new ConfigError([{ variable: 'AUTH_JWT_SECRET', message: `must be at least ${minimumSecretLength} characters` }]);
  }
  return new TextEncoder().encode(secret);
}

/**
 * A remote JWKS whose transport failures are told apart from token failures: an identity provider that does
 * not answer is a 503 for the caller, not a 401 that would send them to sign in again.
 */
function remoteKeys(jwksUrl: string): JWTVerifyGetKey {
  const keySet = createRemoteJWKSet(new URL(jwksUrl), { timeoutDuration: 5_000 });
  return async (header, token) => {
    try {
      return await keySet(header, token);
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
      throw new UnavailableError(jwksRetryAfterSeconds, 'The identity provider', { cause: error });
    }
  };
}

type KeySource =
  | { kind: 'secret'; key: Uint8Array; algorithms: string[] }
  | { kind: 'jwks'; key: JWTVerifyGetKey; algorithms: string[] };

/** The algorithms are pinned to the key source: that is what refuses `alg: none` and HS/RS confusion. */
function keySource({ secret, jwksUrl }: TokenVerifierOptions): KeySource {
  if (secret !== undefined && jwksUrl === undefined) {
    return { kind: 'secret', key: secretKey(secret), algorithms: ['HS256'] };
  }
  if (jwksUrl !== undefined && secret === undefined) {
    return { kind: 'jwks', key: remoteKeys(jwksUrl), algorithms: ['RS256', 'ES256'] };
  }
  throw new ConfigError([{ variable: 'AUTH_JWT_SECRET', message: 'set exactly one of AUTH_JWT_SECRET or AUTH_JWKS_URL' }]);
}

/**
 * Verifies bearer tokens with pinned algorithms: HS256 only with a secret, RS256/ES256 only with a JWKS, so
 * `alg: none` and HS/RS confusion are refused. `iss`, `aud`, `exp` and `sub` are required.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { issuer, audience } = options;
  const source = keySource(options);
  const verifyOptions = {
    issuer,
    audience,
    algorithms: source.algorithms,
    requiredClaims: ['iss', 'aud', 'exp', 'sub'],
    clockTolerance: clockToleranceSeconds,
  };
  // One call per branch: jwtVerify's overloads differ by key type (a secret, or a key resolver).
  const verifySignature = (token: string) =>
    source.kind === 'secret' ? jwtVerify(token, source.key, verifyOptions) : jwtVerify(token, source.key, verifyOptions);

  return {
    async verify(token) {
      let payload: unknown;
      try {
        payload = (await verifySignature(token)).payload;
      } catch (error) {
        if (error instanceof UnavailableError) throw error;
        if (error instanceof errors.JWTExpired) {
          throw new UnauthenticatedError('The bearer token has expired; get a new token and retry.', { cause: error });
        }
        throw new UnauthenticatedError(undefined, { cause: error });
      }
      const claims = claimsSchema.safeParse(payload);
      if (!claims.success) {
        throw new UnauthenticatedError(
          `The bearer token lacks valid claims (${claims.error.issues.map((issue) => issue.path.join('.')).join(', ')}); ` +
            'it needs sub, companyId and role (admin, manager, employee or integration).',
        );
      }
      return { id: claims.data.sub, companyId: claims.data.companyId, role: claims.data.role };
    },
  };
}

/** The verifier options from a parsed config (see authConfigSchema). */
export function tokenVerifierOptions(config: AuthConfig): TokenVerifierOptions {
  return {
    secret: config.AUTH_JWT_SECRET,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
  };
}

export interface SignTokenOptions {
  secret: string;
  issuer: string;
  audience: string;
  sub: string;
  companyId: string;
  role: Role;
  expiresInSeconds?: number;
  /** More claims; they never override the ones above. */
  extra?: Record<string, unknown>;
}

/** An HS256 token, for dev tools and tests. Production tokens come from the identity provider. */
export async function signToken(options: SignTokenOptions): Promise<string> {
  const { secret, issuer, audience, sub, companyId, role, expiresInSeconds = 3600, extra = {} } = options;
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...extra, companyId, role })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(issuer)
    .setAudience(audience)
    .setSubject(sub)
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .sign(secretKey(secret));
}

/** The raw bearer token of a request, if any (the gateway forwards it to services). */
export function bearerToken(request: Pick<FastifyRequest, 'headers'>): string | undefined {
  const header = request.headers.authorization;
  if (typeof header !== 'string') return undefined;
  const match = /^Bearer +([^\s]+) *$/i.exec(header);
  return match?.[1];
}

/** Every path under `/v1` is authenticated; health and OpenAPI routes are public. */
export function isProtectedPath(url: string): boolean {
  const path = url.split('?', 1)[0] ?? '';
  return path === '/v1' || path.startsWith('/v1/');
}

/** The caller of an authenticated request; throws UnauthenticatedError outside `/v1`. */
export function principalOf(request: FastifyRequest): Principal {
  if (request.principal === null) throw new UnauthenticatedError();
  return request.principal;
}

/** A route hook (use as `onRequest`) that lets only the given roles through: 403 FORBIDDEN otherwise. */
export function requireRole(...allowed: readonly Role[]): (request: FastifyRequest) => Promise<void> {
  return async (request) => {
    const principal = principalOf(request);
    if (!allowed.includes(principal.role)) throw new ForbiddenError();
  };
}

export interface AuthPluginOptions {
  verifier: TokenVerifier;
}

const auth: FastifyPluginAsync<AuthPluginOptions> = async (app, { verifier }) => {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', async (request) => {
    // The matched route pattern decides, not only the raw URL: the router decodes `%76` to `v`, so a raw-URL
    // check alone could be walked around. The raw URL still covers requests that match no route.
    const routeUrl = request.routeOptions.url;
    if (!isProtectedPath(request.url) && !(routeUrl !== undefined && isProtectedPath(routeUrl))) return;
    // A CORS preflight never carries credentials; the CORS plugin answers it.
    if (request.method === 'OPTIONS') return;
    // A route may opt out explicitly (`config: { public: true }`): the gateway's development sign-in.
    if ((request.routeOptions.config as { public?: boolean } | undefined)?.public === true) return;
    const token = bearerToken(request);
    if (token === undefined) throw new UnauthenticatedError();
    request.principal = await verifier.verify(token);
  });
};

/** Authenticates every `/v1` request and sets `request.principal`. */
export const authPlugin = fp(auth, { name: '@provisio/service-kit/auth', fastify: '5.x' });
