// The development HS256 secret: AUTH_JWT_SECRET when set, else one generated once into ./data/dev-secret.
// Never a secret default in code.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export const DEV_SECRET_FILE = resolve('data/dev-secret');

export function devSecret() {
  if (process.env.AUTH_JWT_SECRET) return process.env.AUTH_JWT_SECRET;
  if (!existsSync(DEV_SECRET_FILE)) {
    mkdirSync(dirname(DEV_SECRET_FILE), { recursive: true });
    writeFileSync(DEV_SECRET_FILE, randomBytes(32).toString('base64url'), { mode: 0o600 });
  }
  return readFileSync(DEV_SECRET_FILE, 'utf8').trim();
}
