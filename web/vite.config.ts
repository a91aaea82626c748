import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The console is static files; in development Vite proxies the public API to the gateway.
const gateway = 'http://127.0.0.1:8080';

export default defineConfig({
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: {
    proxy: {
      '/v1': { target: gateway, changeOrigin: false },
      '/health': { target: gateway, changeOrigin: false },
      '/openapi.json': { target: gateway, changeOrigin: false },
    },
  },
});
