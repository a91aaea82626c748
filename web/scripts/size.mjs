#!/usr/bin/env node
// Prints the gzipped size of the console's initial JavaScript: the entry chunk(s) index.html loads
// (<script type="module">) plus the chunks it preloads (<link rel="modulepreload">). Lazy screens are
// not counted. Run after `npm run build -w web`. Budget: 300 KB gzipped; exits 1 above it.
// Output: one line per chunk, then `web initial js gzip: <bytes> bytes` (and --json for machines).
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const BUDGET_BYTES = 300 * 1024;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), '..', 'dist');

let html;
try {
  html = await readFile(join(dist, 'index.html'), 'utf8');
} catch {
  console.error(`no build at ${dist}: run \`npm run build -w web\` first`);
  process.exit(2);
}

const srcs = new Set();
for (const m of html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)) srcs.add(m[1]);
for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) srcs.add(m[1]);
if (srcs.size === 0) {
  console.error('no entry script found in dist/index.html');
  process.exit(2);
}

let raw = 0;
let gzip = 0;
const chunks = [];
for (const src of srcs) {
  const file = join(dist, src.replace(/^\//, ''));
  const bytes = await readFile(file);
  const gz = gzipSync(bytes, { level: 9 }).length;
  raw += bytes.length;
  gzip += gz;
  chunks.push({ file: src, bytes: bytes.length, gzipBytes: gz });
}

if (process.argv.includes('--json')) {
  console.log(JSON.stringify({ initialJsBytes: raw, initialJsGzipBytes: gzip, budgetGzipBytes: BUDGET_BYTES, chunks }));
} else {
  for (const c of chunks) console.log(`${c.file}  ${c.bytes} bytes, ${c.gzipBytes} bytes gzipped`);
  console.log(`web initial js gzip: ${gzip} bytes (${(gzip / 1024).toFixed(1)} KiB; raw ${raw} bytes; budget ${BUDGET_BYTES} bytes)`);
}
process.exit(gzip > BUDGET_BYTES ? 1 : 0);
