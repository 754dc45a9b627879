import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium unless `CHROMIUM_PATH` says otherwise (`.ci/run` / the test setup install it). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Where end-to-end tests keep screenshots (gitignored). */
export const ARTIFACTS_DIR = fileURLToPath(new URL('../artifacts/', import.meta.url));

/** Flags for a quiet headless run that reaches nothing but the pages it is sent to. */
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** What the page did that a test may assert on: every request URL, console errors, uncaught errors. */
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/**
 * Launches headless Chromium with a fresh profile (a temp user-data dir, removed on close). Fails loudly
 * when the executable is missing: these tests never skip.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`chromium not found: apt-get install -y chromium (looked for ${CHROMIUM_PATH}; set CHROMIUM_PATH to another executable)`);
  }
  const profile = mkdtempSync(join(tmpdir(), 'alertcord-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1360, height: 1000 }, colorScheme: 'dark' });
  } catch (err) {
    rmSync(profile, { recursive: true, force: true });
    throw err;
  }
  const page = context.pages()[0] ?? (await context.newPage());
  const requests: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (r) => requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return {
    context,
    page,
    requests,
    consoleErrors,
    pageErrors,
    async screenshot(name) {
      const path = join(ARTIFACTS_DIR, name);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
