import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express from 'express';
import type { NextFunction, Request, Response } from 'express';
import { CONSOLE_BUILD_DIR } from './console-build';

export const CONSOLE_PATH = '/console';

/**
 * The console's Content-Security-Policy: scripts and styles only from this origin (no inline
 * script, no eval), API calls only to it; images may also come over HTTPS (a tenant's logo URL).
 */
export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data: https:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Serves the built console: `/console/assets/*` (file names carry a content hash, so they are
 * cached for a year) and, for every other path under `/console/` (the app's own routes, the
 * system-admin console at `/console/admin/` included), its `index.html`, never cached so a deploy
 * is picked up at the next load.
 */
export function mountConsole(app: INestApplication): void {
  const server = app as NestExpressApplication;
  const indexFile = join(CONSOLE_BUILD_DIR, 'index.html');
  server.use(
    `${CONSOLE_PATH}/assets`,
    express.static(join(CONSOLE_BUILD_DIR, 'assets'), { immutable: true, maxAge: '365d', index: false, fallthrough: false, etag: false }),
  );
  server.use(CONSOLE_PATH, (request: Request, response: Response, next: NextFunction) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return next();
    if (request.originalUrl === CONSOLE_PATH || request.originalUrl.startsWith(`${CONSOLE_PATH}?`)) {
      return response.redirect(301, `${CONSOLE_PATH}/${request.originalUrl.slice(CONSOLE_PATH.length)}`);
    }
    response.setHeader('Cache-Control', 'no-store');
    response.setHeader('Content-Security-Policy', CONSOLE_CSP);
    if (!existsSync(indexFile)) {
      response.status(503).type('text/plain').send('The console is not built: run `npm run build:console` (npm start builds it).');
      return;
    }
    response.type('html').sendFile(indexFile);
  });
}
