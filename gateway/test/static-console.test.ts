import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import Fastify from 'fastify';
import { registerConsole } from '../src/web/static-console.js';

describe('the console as static files', () => {
  const app = Fastify();
  let dist: string;
  const script = 'console.log("the console");'.repeat(100);

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'provisio-console-'));
    await mkdir(join(dist, 'assets'));
    await writeFile(join(dist, 'index.html'), '<!doctype html><div id="root"></div>');
    await writeFile(join(dist, 'assets', 'index-abc.js'), script);
    await writeFile(join(dist, 'assets', 'index-abc.js.br'), brotliCompressSync(script));
    await writeFile(join(dist, 'assets', 'index-abc.js.gz'), gzipSync(script));
    await registerConsole(app, dist);
  });
  afterAll(async () => {
    await app.close();
    await rm(dist, { recursive: true, force: true });
  });

  // The build's precompressed files go to browsers that accept them, as JavaScript, cached for a year.
  it('sends the Brotli or gzip file the browser accepts, else the file as is', async () => {
    const br = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(br.statusCode).toBe(200);
    expect(br.headers['content-encoding']).toBe('br');
    expect(br.headers['content-type']).toMatch(/javascript/);
    expect(br.headers.vary).toMatch(/accept-encoding/i);
    expect(br.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(br.rawPayload.length).toBeLessThan(script.length);

    const gz = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'gzip' } });
    expect(gz.headers['content-encoding']).toBe('gzip');

    const plain = await app.inject({ url: '/assets/index-abc.js', headers: { 'accept-encoding': 'identity' } });
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body).toBe(script);
  });

  // A console address is the console's own route: index.html, never cached (it names the current chunks).
  it('answers a console address with index.html, not cached', async () => {
    const page = await app.inject({ url: '/providers/p1', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toMatch(/text\/html/);
    expect(page.headers['cache-control']).toBe('no-cache');
    expect(page.body).toContain('<div id="root">');
  });
});
