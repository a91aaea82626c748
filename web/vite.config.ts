import { readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { brotliCompress, constants, gzip } from 'node:zlib';
import { promisify } from 'node:util';
import { defineConfig } from 'vite';
import type { Plugin } from 'vite';
import react from '@vitejs/plugin-react';

// The console is static files; in development Vite proxies the public API to the gateway.
const gateway = 'http://127.0.0.1:8080';

/**
 * Writes a `.br` and a `.gz` next to every emitted JS, CSS and HTML file, so the gateway sends them compressed
 * without compressing per request (@fastify/static `preCompressed`): the initial JS is 325 KB as is, about
 * 90 KB as Brotli.
 */
function precompress(): Plugin {
  const brotli = promisify(brotliCompress);
  const gz = promisify(gzip);
  let outDir = 'dist';
  return {
    name: 'provisio:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const files = Object.keys(bundle).filter((name) => /\.(js|css|html)$/.test(name));
      await Promise.all(
        files.map(async (name) => {
          const path = join(outDir, name);
          const bytes = await readFile(path);
          if (bytes.length < 1024) return; // compressing saves next to nothing below 1 KB
          await writeFile(`${path}.br`, await brotli(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
          await writeFile(`${path}.gz`, await gz(bytes, { level: 9 }));
        }),
      );
    },
  };
}

export default defineConfig({
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    rolldownOptions: {
      output: {
        codeSplitting: {
          groups: [
            // Everything the first render needs in one chunk, index.html's script. Without this group, the
            // start importing the providers' query definitions (screens.ts) made Rolldown split the initial
            // code into several chunks (react and shared components landed in a "PageHeader" chunk).
            { name: 'index', tags: ['$initial'], priority: 2 },
            // The code two or more screens share, in one chunk instead of a dozen small ones: a provider page
            // then loads 2 files, not 14 (6 at a time over HTTP/1.1, each a <link rel=modulepreload> to insert).
            { name: 'screens-shared', test: /[\\/]src[\\/]/, minShareCount: 2, priority: 1 },
          ],
        },
      },
    },
  },
  server: {
    proxy: {
      '/v1': { target: gateway, changeOrigin: false },
      '/health': { target: gateway, changeOrigin: false },
      '/openapi.json': { target: gateway, changeOrigin: false },
    },
  },
});
