import { resolve } from 'node:path';
import { defineConfig } from 'vite';

// The console: one single-page app served by the API under /console/ (tenant portal) and
// /console/admin/ (system-admin console). Every asset is bundled and content-hashed.
export default defineConfig({
  root: import.meta.dirname,
  base: '/console/',
  resolve: { alias: { '@tenantry/client': resolve(import.meta.dirname, '../../libs/client/src/index.ts') } },
  build: {
    outDir: resolve(import.meta.dirname, 'dist'),
    emptyOutDir: true,
    assetsDir: 'assets',
    // The polyfill would be one more script; every browser the console supports preloads modules.
    modulePreload: { polyfill: false },
  },
  server: { proxy: { '/v1': 'http://localhost:3000', '/admin/queues': 'http://localhost:3000' } },
});
