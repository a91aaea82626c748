import type { Role } from '../api/employees';

export interface Claims {
  sub: string;
  role: Role | 'integration';
  companyId: string;
  exp?: number;
  name?: string;
}

function decodeBase64Url(segment: string): string {
  const base64 = segment.replace(/-/g, '+').replace(/_/g, '/');
  const padded = base64 + '='.repeat((4 - (base64.length % 4)) % 4);
  const binary = atob(padded);
  const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

const ROLES = new Set(['admin', 'manager', 'employee', 'integration']);

/**
 * Reads the claims the console needs from a JWT payload. The signature is the gateway's business;
 * this only rejects text that is not a token at all, so the person gets a message before any request.
 */
export function decodeClaims(token: string): Claims | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1]) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(decodeBase64Url(parts[1]));
  } catch {
    return null;
  }
  if (typeof payload !== 'object' || payload === null) return null;
  const p = payload as Record<string, unknown>;
  if (typeof p.sub !== 'string' || typeof p.companyId !== 'string' || typeof p.role !== 'string') return null;
  if (!ROLES.has(p.role)) return null;
  return {
    sub: p.sub,
    companyId: p.companyId,
    role: p.role as Claims['role'],
    ...(typeof p.exp === 'number' ? { exp: p.exp } : {}),
    ...(typeof p.name === 'string' ? { name: p.name } : {}),
  };
}

export function isExpired(claims: Claims, nowMs = Date.now()): boolean {
  return claims.exp !== undefined && claims.exp * 1000 <= nowMs;
}
