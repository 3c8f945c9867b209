import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { CONSOLE_SOURCE_DIR } from '../../api/src/console/console-build';
import { CONSOLE_CSP, CONSOLE_PATH } from '../../api/src/console/mount-console';

/**
 * The console's CSP under Vite's dev server: scripts still only from this origin (no inline
 * script, no eval), but the styles Vite injects as `<style>` elements, and its reload socket.
 * Development only; the built console keeps CONSOLE_CSP.
 */
export const DEV_CONSOLE_CSP = CONSOLE_CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'").replace("connect-src 'self'", "connect-src 'self' ws: wss:");

/**
 * `npm start` in development: the console straight from its sources through Vite's dev server
 * in middleware mode, on the API's own express app and port (its reload socket on the same HTTP
 * server), so an edit shows at once without a rebuild. Production serves the built files.
 */
export async function mountConsoleDevServer(app: INestApplication): Promise<{ close(): Promise<void> }> {
  // The package's types sit behind its `exports`, which this repository's module resolution does not read.
  const { createServer } = (await import('vite' as string)) as typeof import('vite/dist/node/index');
  const vite = await createServer({
    configFile: join(CONSOLE_SOURCE_DIR, 'vite.config.mts'),
    appType: 'spa',
    logLevel: 'warn',
    server: { middlewareMode: true, hmr: { server: app.getHttpServer() } },
  });
  app.use((request: Request, response: Response, next: NextFunction) => {
    if (request.path !== CONSOLE_PATH && !request.path.startsWith(`${CONSOLE_PATH}/`)) return next();
    response.setHeader('Content-Security-Policy', DEV_CONSOLE_CSP);
    vite.middlewares(request, response, next);
  });
  return { close: () => vite.close() };
}
