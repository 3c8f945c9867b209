import { chromium, type Browser } from 'playwright-core';
import { createTenantWithUsers, TEST_PASSWORD } from '../factories';
import { CHROMIUM_PATH, checkPage, freePort } from '../support/browser';
import { spawnEntryPoint, type SpawnedProcess } from '../support/spawned-process';
import { useTestApp } from '../support/test-app';

/**
 * `npm start` in development, as a real process on the suite's database: the console comes from
 * its sources through Vite's dev server mounted on the API's own express app (no build), with its
 * reload socket on the same port. Production keeps serving the built files (console-sessions'
 * "console pages").
 */
describe('npm start serves the console through Vite in development (browser)', () => {
  const t = useTestApp();
  let dev: SpawnedProcess;
  let browser: Browser;
  let baseUrl: string;

  beforeAll(async () => {
    const port = await freePort();
    baseUrl = `http://127.0.0.1:${port}`;
    dev = spawnEntryPoint('dev', { NODE_ENV: 'development', PORT: String(port), PUBLIC_URL: baseUrl, APP_URL: baseUrl, LOG_LEVEL: 'info' });
    await dev.waitFor(/API listening on/, 90_000);
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  }, 120_000);
  afterAll(async () => {
    await browser?.close();
    await dev?.stop('SIGTERM');
  }, 30_000);

  it('serves the console from its sources with the reload socket, under a CSP without inline scripts, and signs in', async () => {
    expect(dev.output).toContain('console served from its sources by Vite');
    const acme = await createTenantWithUsers(t);
    const index = await fetch(`${baseUrl}/console/`);
    expect(index.status).toBe(200);
    // Revalidated on every load (Vite's own caching of the page).
    expect(index.headers.get('cache-control')).toMatch(/no-cache|no-store/);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toMatch(/script-src 'self'(;|$)/);
    expect(csp).toMatch(/frame-ancestors 'none'/);
    const html = await index.text();
    expect(html).toContain('/console/@vite/client');
    expect(html).toContain('/console/src/main.tsx');
    expect(html).not.toMatch(/\/console\/assets\/index-/);
    // No inline script at all: every <script> has a src.
    expect(html.match(/<script(?![^>]*\bsrc=)[^>]*>/g)).toBeNull();
    expect((await fetch(`${baseUrl}/health/live`)).status).toBe(200);

    const context = await browser.newContext({ baseURL: baseUrl });
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`csp: ${message.text()}`);
    });
    const socket = page.waitForEvent('websocket', { timeout: 60_000 });
    await page.goto('/console/admin/tenants');
    expect(new URL((await socket).url()).port).toBe(new URL(baseUrl).port);
    await page.getByRole('heading', { level: 1, name: 'System admin sign in' }).waitFor({ timeout: 60_000 });
    await page.goto('/console/');
    await page.getByLabel('Organisation').fill(acme.slug);
    await page.getByLabel('Email').fill(acme.owner.email);
    await page.getByLabel('Password').fill(TEST_PASSWORD);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText(`${acme.owner.email} (owner)`).waitFor();
    expect(await checkPage(page, 'dev-server-portal-home')).toEqual([]);
    expect(problems).toEqual([]);
    await context.close();
  }, 120_000);
});
