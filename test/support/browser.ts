import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import axe from 'axe-core';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '../../apps/api/src/console/console-build';
import type { TestApp } from './test-app';

/** Debian's chromium (`.ci/run` installs it); CHROMIUM_PATH points elsewhere. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** Screenshots of every page a suite visits, for review (git-ignored). */
export const SCREENSHOT_DIR = join(__dirname, '..', 'console', 'screenshots');

export interface ConsoleBrowser {
  browser: Browser;
  /** The API's address, serving the console too. */
  baseUrl: string;
  /** A fresh browser context (its own cookies) with one page, failing on CSP violations and page errors. */
  open(options?: { width?: number }): Promise<{ context: BrowserContext; page: Page; problems: string[] }>;
  close(): Promise<void>;
}

/**
 * One browser and the suite's real API listening on a loopback port (`port`, when the app's
 * PUBLIC_URL and APP_URL must name it; else a free one): the console is built when missing or
 * stale, the app is the suite's own (real PostgreSQL and Redis).
 */
export async function startConsoleBrowser(t: TestApp, options: { port?: number } = {}): Promise<ConsoleBrowser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(`No browser at ${CHROMIUM_PATH}: apt-get install -y chromium (as .ci/run does)`);
  ensureConsoleBuilt();
  await t.app.listen(options.port ?? 0, '127.0.0.1');
  const { port } = t.app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  return {
    browser,
    baseUrl,
    open: async ({ width = 1280 } = {}) => {
      const context = await browser.newContext({ baseURL: baseUrl, viewport: { width, height: 900 } });
      context.setDefaultTimeout(15_000);
      const page = await context.newPage();
      const problems: string[] = [];
      page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
      page.on('console', (message) => {
        if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text())) problems.push(`csp: ${message.text()}`);
      });
      return { context, page, problems };
    },
    close: () => browser.close(),
  };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page as it is and saves a screenshot named `name`; answers the serious
 * and critical violations. (The script is evaluated over the DevTools protocol, which the page's
 * CSP does not govern, so the page keeps its real policy.)
 */
export async function checkPage(page: Page, name: string): Promise<AxeViolation[]> {
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  const hasAxe = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!hasAxe) await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const results = await (window as unknown as { axe: typeof axe }).axe.run(document, { resultTypes: ['violations'] });
    return results.violations.map((violation) => ({ id: violation.id, impact: violation.impact ?? null, help: violation.help, targets: violation.nodes.map((node) => String(node.target)) }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

/** Whether the page scrolls sideways (it must not on a 390 px phone). */
export const hasHorizontalOverflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth > window.innerWidth + 1);

/** The text of the element that describes `field` (its API error), waiting until it is marked invalid. */
export async function fieldError(page: Page, field: ReturnType<Page['getByRole']>): Promise<string> {
  await page.waitForFunction((element) => element?.getAttribute('aria-invalid') === 'true', await field.elementHandle());
  const describedBy = (await field.getAttribute('aria-describedby')) ?? '';
  const texts = await Promise.all(describedBy.split(' ').filter(Boolean).map((id) => page.locator(`[id="${id}"]`).innerText()));
  return texts.join(' ');
}

/** Polls `probe` until it answers true (the UI and the database settle a moment after a click). */
export async function eventually(probe: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error('eventually: the condition never held');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** A loopback port free right now (for an app whose URLs must name its port before it listens). */
export async function freePort(): Promise<number> {
  const { createServer } = await import('node:net');
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
