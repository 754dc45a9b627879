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

/** One tab and what it did that a test may assert on: request URLs, console errors, uncaught errors. */
export interface Tab {
  page: Page;
  requests: string[];
  consoleErrors: string[];
  pageErrors: string[];
  /** A full-page screenshot into test/artifacts/; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface Browser {
  context: BrowserContext;
  /** A new tab (its own sessionStorage, as a tab has). */
  newTab(): Promise<Tab>;
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
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  let first: Page | undefined = context.pages()[0];
  return {
    context,
    async newTab() {
      const page = first ?? (await context.newPage());
      first = undefined;
      return track(page);
    },
    async close() {
      await context.close().catch(() => undefined);
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

function track(page: Page): Tab {
  const tab: Tab = {
    page,
    requests: [],
    consoleErrors: [],
    pageErrors: [],
    async screenshot(name) {
      const path = join(ARTIFACTS_DIR, name);
      await page.screenshot({ path, fullPage: true });
      return path;
    },
    close: () => page.close(),
  };
  page.on('request', (r) => tab.requests.push(r.url()));
  page.on('console', (m) => {
    if (m.type() === 'error') tab.consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => tab.pageErrors.push(String(e)));
  return tab;
}
