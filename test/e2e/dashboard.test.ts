import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HOOK_IDS, startBridge, type Bridge } from '../helpers/bridge.js';
import { launchChromium, type Browser, type Tab } from '../helpers/chromium.js';
import { createMemoryStore } from '../../src/store/memory/index.js';

/**
 * The dashboard in headless Chromium against a real bridge and the strict fake Discord: it asks for the
 * admin token, shows live data, "Send test" reaches Discord, and Replay empties the dead letters.
 */

const TOKEN = 'dashboard-admin-token-7f3c';
const WAIT = { timeout: 15_000 };

let browser: Browser | undefined;
let bridge: Bridge | undefined;
let tab: Tab | undefined;

// One Chromium for the file (it takes seconds to start); each test gets its own tab and bridge.
beforeAll(async () => {
  browser = await launchChromium();
}, 120_000);
afterAll(async () => {
  await browser?.close();
});
afterEach(async () => {
  await tab?.close();
  await bridge?.close();
  tab = undefined;
  bridge = undefined;
});

async function api(path: string, token?: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${bridge!.url}/api/${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  return { status: res.status, body: await res.json() };
}

/** Titles of the embeds the fake stored for one webhook. */
/** A security alert into a webhook Discord refuses (401), then the page open on it, the channel shown broken. */
async function openWithSecurityBroken(b: Bridge): Promise<Tab['page']> {
  b.fake.setBroken(HOOK_IDS.security!);
  await b.post('/webhook/generic', { alert_type: 'security', title: 'SSH brute force from 203.0.113.7' });
  tab = await browser!.newTab();
  const { page } = tab;
  await page.goto(`${b.url}/`);
  await page.locator('#channels tbody tr[data-type="security"][data-state="broken"]').waitFor(WAIT);
  return page;
}

function storedTitles(hookId: string): string[] {
  return bridge!.fake.messages
    .filter((m) => m.webhookId === hookId)
    .flatMap((m) => ((m.body.embeds as { title?: string }[] | undefined) ?? []).map((e) => e.title ?? ''));
}

/** Only the page's own origin was contacted, and no script error or CSP violation happened. */
function expectCleanPage(b: Tab, origin: string): void {
  expect(b.requests.filter((u) => !u.startsWith(`${origin}/`))).toEqual([]);
  expect(b.pageErrors).toEqual([]);
  // Chromium logs every 4xx fetch ("Failed to load resource"); the 401s before the token are expected.
  expect(b.consoleErrors.filter((m) => !/Failed to load resource: the server responded with a status of 401/.test(m))).toEqual([]);
}

describe('dashboard (headless Chromium)', () => {
  it('asks for the admin token, shows live data, sends a test, and replays dead letters', { timeout: 120_000 }, async () => {
    bridge = await startBridge({ env: { ADMIN_TOKEN: TOKEN } });
    const posted = await bridge.post('/webhook/generic', { alert_type: 'error', title: 'Disk almost full on db-1', message: '93 % used on /var' });
    expect(posted.ok).toBe(true);
    await bridge.fake.waitForMessages(1);

    tab = await browser!.newTab();
    const { page } = tab;
    const shell = await page.goto(`${bridge.url}/`);
    expect(shell?.status()).toBe(200);
    expect(shell?.headers()['content-security-policy']).toContain("default-src 'none'");

    // The shell loads without the token, then the API's 401 makes it ask; a wrong token is refused.
    await page.getByRole('textbox', { name: 'Admin token' }).waitFor(WAIT);
    await page.getByRole('textbox', { name: 'Admin token' }).fill('not-the-token');
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.getByText('That token was refused (401)').waitFor(WAIT);
    await tab.screenshot('dashboard-token.png');
    await page.getByRole('textbox', { name: 'Admin token' }).fill(TOKEN);
    await page.getByRole('button', { name: 'Unlock' }).click();

    // Live data: the delivered alert in recent deliveries, every type's channel with its state.
    await page.locator('#history tbody tr[data-outcome="sent"]', { hasText: 'Disk almost full on db-1' }).waitFor(WAIT);
    await page.locator('#channels tbody tr[data-type="error"][data-state="ok"]').waitFor(WAIT);
    expect(await page.locator('#channels tbody tr[data-type]').count()).toBe(Object.keys(HOOK_IDS).length);
    expect(await page.locator('#auth').isHidden()).toBe(true);
    expect(await page.evaluate('sessionStorage.getItem("alertcord.adminToken")')).toBe(TOKEN);

    // The token is kept for the tab: a reload goes straight to the data.
    await page.reload();
    await page.locator('#history tbody tr', { hasText: 'Disk almost full on db-1' }).waitFor(WAIT);
    expect(await page.locator('#auth').isHidden()).toBe(true);
    await tab.screenshot('dashboard-live.png');

    // "Send test" for one type reaches that type's channel in the fake Discord.
    await page.getByRole('button', { name: 'Send test to monitoring' }).click();
    await page.getByText('Test notification queued for "monitoring"').waitFor(WAIT);
    await bridge.fake.waitForMessages(2);
    expect(storedTitles(HOOK_IDS.monitoring!).some((t) => /test/i.test(t))).toBe(true);
    await page.locator('#history tbody tr[data-outcome="sent"]', { hasText: 'alertcord test notification for "monitoring"' }).waitFor(WAIT);

    // A 400 from Discord dead-letters at once; the page lists it with a Replay button.
    bridge.fake.inject(HOOK_IDS.general!, { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: {} } });
    await bridge.post('/webhook/generic', { title: 'Certificate expires in 3 days' });
    await page.locator('#dead-letters tbody tr[data-id]', { hasText: 'Certificate expires in 3 days' }).waitFor(WAIT);
    expect((await api('dead-letter', TOKEN)).body.total).toBe(1);
    expect(await page.locator('#dead-count').textContent()).toBe('1');
    await tab.screenshot('dashboard-dead-letter.png');

    await page.getByRole('button', { name: /^Replay "Certificate expires in 3 days/ }).click();
    await expect.poll(async () => (await api('dead-letter', TOKEN)).body.total, WAIT).toBe(0);
    await page.getByText('No dead letters.').waitFor(WAIT);
    await expect.poll(() => storedTitles(HOOK_IDS.general!).some((t) => t.includes('Certificate expires in 3 days')), WAIT).toBe(true);

    // "Replay all" empties the list too.
    bridge.fake.inject(HOOK_IDS.general!, { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: {} } });
    await bridge.post('/webhook/generic', { title: 'Backup job failed' });
    await page.locator('#dead-letters tbody tr[data-id]', { hasText: 'Backup job failed' }).waitFor(WAIT);
    await page.getByRole('button', { name: 'Replay all' }).click();
    await expect.poll(async () => (await api('dead-letter', TOKEN)).body.total, WAIT).toBe(0);
    await page.getByText('No dead letters.').waitFor(WAIT);
    await page.locator('#history tbody tr[data-outcome="sent"]', { hasText: 'Backup job failed' }).waitFor(WAIT);
    // Listed (newest first) by its replay, as history orders it: the row says when it was replayed.
    await page.locator('#history tbody tr[data-outcome="sent"]', { hasText: 'Backup job failed' }).locator('td').first().getByText(/^replayed /).waitFor(WAIT);
    await tab.screenshot('dashboard-after-replay.png');

    // "Forget token" locks the page again.
    await page.getByRole('button', { name: 'Forget token' }).click();
    await page.getByRole('textbox', { name: 'Admin token' }).waitFor(WAIT);
    expect(await page.evaluate('sessionStorage.getItem("alertcord.adminToken")')).toBeNull();
    expectCleanPage(tab, bridge.url);
  });

  // fetch() takes only Latin-1 header values: with a token like this one it threw before sending anything,
  // and the page said "Offline: alertcord did not answer" for good (curl, Alertmanager and Grafana send UTF-8).
  it('unlocks with an ADMIN_TOKEN beyond Latin-1 (a passphrase), sent as the UTF-8 the bridge reads', { timeout: 90_000 }, async () => {
    const token = 'Łódź-żółw-€-пароль';
    bridge = await startBridge({ env: { ADMIN_TOKEN: token } });
    await bridge.post('/webhook/generic', { title: 'Replica lag above 30 s' });
    await bridge.fake.waitForMessages(1);
    tab = await browser!.newTab();
    const { page } = tab;
    await page.goto(`${bridge.url}/`);
    await page.getByRole('textbox', { name: 'Admin token' }).fill(token);
    await page.getByRole('button', { name: 'Unlock' }).click();
    await page.locator('#history tbody tr[data-outcome="sent"]', { hasText: 'Replica lag above 30 s' }).waitFor(WAIT);
    expect(await page.locator('#live').getAttribute('data-state')).toBe('live');
    expectCleanPage(tab, bridge.url);
  });

  it("shows Discord's error for a refused delivery as given, wrapped inside its cell: recent deliveries fit their card", { timeout: 90_000 }, async () => {
    bridge = await startBridge();
    // What Discord answers to an embed description over 4096 characters (50035 and its error tree).
    const refusal = { message: 'Invalid Form Body', code: 50035, errors: { embeds: { '0': { description: { _errors: [{ code: 'BASE_TYPE_MAX_LENGTH', message: 'Must be 4096 or fewer in length.' }] } } } } };
    bridge.fake.inject(HOOK_IDS.error!, { status: 400, body: refusal });
    await bridge.post('/webhook/generic', { alert_type: 'error', title: 'Nightly report too long' });
    tab = await browser!.newTab();
    const { page } = tab;
    await page.setViewportSize({ width: 1100, height: 900 }); // a laptop's browser window
    await page.goto(`${bridge.url}/`);
    const row = page.locator('#history tbody tr[data-outcome="dead_lettered"]', { hasText: 'Nightly report too long' });
    await row.waitFor(WAIT);
    const why = await row.locator('td').last().textContent();
    const fits = await page.evaluate(`(() => { const t = document.getElementById('history'); return t.scrollWidth <= t.parentElement.clientWidth; })()`);
    // Discord's words, not respelled (`_errors`, BASE_TYPE_MAX_LENGTH are what its docs and a search know);
    // the table no wider than its card, so outcome and attempts stay in view without scrolling sideways.
    expect({ why: why?.includes('"_errors":[{"code":"BASE_TYPE_MAX_LENGTH"'), fits }).toEqual({ why: true, fits: true });
    expectCleanPage(tab, bridge.url);
  });

  it('without ADMIN_TOKEN, a loopback browser sees the data at once (no token form); a broken webhook and the watchdog show', { timeout: 90_000 }, async () => {
    bridge = await startBridge({ yaml: 'watchdog:\n  alertname: Watchdog\n  timeout: 10m\n' });
    await bridge.post('/webhook/generic', { alert_type: 'critical', title: 'API p99 above 2 s' });
    await bridge.fake.waitForMessages(1);
    tab = await browser!.newTab();
    const { page } = tab;
    await page.goto(`${bridge.url}/`);
    await page.locator('#history tbody tr', { hasText: 'API p99 above 2 s' }).waitFor(WAIT);
    await page.locator('#channels tbody tr[data-type="critical"][data-state="ok"]').waitFor(WAIT);
    expect(await page.locator('#auth').isHidden()).toBe(true);
    expect(await page.locator('#forget').isHidden()).toBe(true);
    await page.locator('#chart-hour svg[role="img"]').waitFor(WAIT);
    expect(await page.locator('#chart-hour svg').getAttribute('aria-label')).toMatch(/1 delivered, 0 failed/);

    // A webhook Discord no longer knows (404, Unknown Webhook) is marked broken, and the page says so.
    bridge.fake.inject(HOOK_IDS.security!, { status: 404, body: { message: 'Unknown Webhook', code: 10015 } });
    await bridge.post('/webhook/generic', { alert_type: 'security', title: 'SSH brute force from 203.0.113.7' });
    await page.locator('#channels tbody tr[data-type="security"][data-state="broken"]').waitFor(WAIT);
    expect(await page.title()).toMatch(/^\(1\) alertcord/);

    // A hidden tab stops polling; showing it again refreshes at once.
    await page.evaluate(`Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true }); document.dispatchEvent(new Event('visibilitychange'))`);
    expect(await page.locator('#live').getAttribute('data-state')).toBe('paused');
    const before = tab.requests.length;
    await page.waitForTimeout(5_000);
    expect(tab.requests.length).toBe(before);
    await page.evaluate(`Object.defineProperty(document, 'visibilityState', { value: 'visible', configurable: true }); document.dispatchEvent(new Event('visibilitychange'))`);
    await expect.poll(() => tab!.requests.length, WAIT).toBeGreaterThan(before);
    await page.locator('#live[data-state="live"]').waitFor(WAIT);

    // The dead man's switch: waiting until the first heartbeat, then ok.
    expect(await page.locator('#watchdog [data-state]').getAttribute('data-state')).toBe('waiting');
    await bridge.post('/webhook/generic', { title: 'Watchdog', labels: { alertname: 'Watchdog' } });
    await page.locator('#watchdog [data-state="ok"]').waitFor(WAIT);
    await page.emulateMedia({ colorScheme: 'light' });
    await tab.screenshot('dashboard-light.png');
    expectCleanPage(tab, bridge.url);
  });

  it("a store that refuses writes is named at the top with Redis' words, and counted in the tab title", { timeout: 90_000 }, async () => {
    // What Store.ping answers for a Redis replica after a failover: reachable, refusing every write.
    const READONLY = "redis refuses writes: READONLY You can't write against a read only replica.";
    const store = createMemoryStore({ queueSize: 100, historyMaxEntries: 100, historyRetentionMs: 86_400_000 });
    bridge = await startBridge({ store: { ...store, ping: async () => ({ ok: false, message: READONLY }) } });
    expect((await api('status')).body.store).toEqual({ kind: 'memory', ok: false, message: READONLY });
    tab = await browser!.newTab();
    const { page } = tab;
    await page.goto(`${bridge.url}/`);
    const banner = page.locator('#store-problem');
    await banner.waitFor(WAIT);
    // The operator reads why (Redis' own error) and what it means for alerts, not "unreachable".
    expect(await banner.textContent()).toContain(READONLY);
    expect(await page.locator('#summary').textContent()).not.toMatch(/reachable/);
    expect(await page.title()).toMatch(/^\(1\) alertcord/);
    expectCleanPage(tab, bridge.url);
  });

  it("a broken channel is fixed from the page: 'Validate webhooks' asks Discord and clears the mark (the broken notice points there)", { timeout: 90_000 }, async () => {
    bridge = await startBridge();
    const page = await openWithSecurityBroken(bridge);
    // The operator fixed the webhook in Discord (the same URL answers again).
    bridge.fake.setBroken(HOOK_IDS.security!, false);
    await page.getByRole('button', { name: 'Validate webhooks' }).click();
    await page.getByText('All 6 webhooks are valid').waitFor(WAIT);
    await page.locator('#channels tbody tr[data-type="security"][data-state="ok"]').waitFor(WAIT);
    expect(bridge.fake.messages.filter((m) => m.webhookId === HOOK_IDS.security)).toHaveLength(0); // validating posts nothing
    expectCleanPage(tab!, bridge.url);
  });

  // POST /api/validate asks Discord about each webhook and answers once Discord did or `discord.timeout` passed
  // (10 s by default, up to 300 s). The page gave up after its own 10 s and said "alertcord did not answer"
  // just when Discord hung: the operator took alertcord for the problem while it was about to say Discord's.
  it("Validate webhooks while Discord hangs shows Discord's timeout, not 'alertcord did not answer'", { timeout: 90_000 }, async () => {
    bridge = await startBridge({ env: { DISCORD_TIMEOUT_SECONDS: '12' } });
    tab = await browser!.newTab();
    const { page } = tab;
    await page.goto(`${bridge.url}/`);
    await page.locator('#channels tbody tr[data-type="general"][data-state="ok"]').waitFor(WAIT);
    bridge.fake.setDown({ kind: 'hang' }); // every request, GETs too, is held unanswered
    await page.getByRole('button', { name: 'Validate webhooks' }).click();
    await page.locator('#notice[data-kind="error"]').waitFor({ timeout: 30_000 });
    const notice = await page.locator('#notice').textContent();
    expect(notice).not.toMatch(/did not answer/);
    expect(notice).toMatch(/^6 of 6 webhooks invalid \(general: .*timeout/);
    bridge.fake.setDown(null);
    expectCleanPage(tab, bridge.url);
  });

  // Another tab (or another replica's dashboard) replayed it between the page's refreshes: the API answers
  // it as missing, and the page said "Replayed 0 dead letters." in green, as if all had gone well.
  it('a Replay of a dead letter someone else replayed meanwhile says so, not "Replayed 0" in green', { timeout: 90_000 }, async () => {
    bridge = await startBridge();
    bridge.fake.inject(HOOK_IDS.general!, { status: 400, body: { message: 'Invalid Form Body', code: 50035, errors: {} } });
    await bridge.post('/webhook/generic', { title: 'Queue depth above 10k' });
    tab = await browser!.newTab();
    const { page } = tab;
    await page.goto(`${bridge.url}/`);
    await page.locator('#dead-letters tbody tr[data-id]', { hasText: 'Queue depth above 10k' }).waitFor(WAIT);
    // The other tab's replay lands just before this page's own.
    await page.route('**/api/dead-letter/replay', async (route) => {
      const other = await fetch(`${bridge!.url}/api/dead-letter/replay`, { method: 'POST' });
      expect(((await other.json()) as { replayed: string[] }).replayed).toHaveLength(1);
      await route.continue();
    });
    await page.getByRole('button', { name: /^Replay "Queue depth above 10k/ }).click();
    await page.getByText(/already replayed/).waitFor(WAIT);
    expect(await page.locator('#notice').getAttribute('data-kind')).not.toBe('ok');
    expect(await page.locator('#notice').textContent()).not.toMatch(/Replayed 0/);
    expectCleanPage(tab, bridge.url);
  });

  // A queue at DISCORD_QUEUE_SIZE refuses every new alert of its types with 503 (the log says "see /api/status"),
  // while Discord's 429 holds it: the page said "paused by 429", a warning, and nothing told that alerts were
  // being refused; /api/status gave the depth without the size it is measured against.
  it('a full queue is named on its channel (alerts refused), not just "paused by 429"', { timeout: 90_000 }, async () => {
    bridge = await startBridge({ env: { DISCORD_QUEUE_SIZE: '2' } });
    bridge.fake.inject(HOOK_IDS.error!, { kind: '429', retryAfter: 600 });
    expect((await bridge.post('/webhook/generic', { alert_type: 'error', title: 'Payments API 5xx above 5 %' })).status).toBe(202);
    await expect.poll(async () => (await api('status')).body.webhooks.find((w: any) => w.webhookId === HOOK_IDS.error).pause, WAIT).not.toBeNull();
    expect((await bridge.post('/webhook/generic', { alert_type: 'error', title: 'Checkout latency p99 above 3 s' })).status).toBe(202);
    expect((await bridge.post('/webhook/generic', { alert_type: 'error', title: 'Refunds failing' })).status).toBe(503);
    expect((await api('status')).body.webhooks.find((w: any) => w.webhookId === HOOK_IDS.error).queue).toMatchObject({ depth: 2, limit: 2 });
    tab = await browser!.newTab();
    const { page } = tab;
    await page.goto(`${bridge.url}/`);
    const row = page.locator('#channels tbody tr[data-type="error"]');
    await page.locator('#channels tbody tr[data-type="general"][data-state="ok"]').waitFor(WAIT);
    expect(await row.getAttribute('data-state')).toBe('queue full');
    expect(await row.locator('.state-cell').textContent()).toMatch(/refused \(503\).*paused by 429/);
    expect(await page.title()).toMatch(/^\(1\) alertcord/);
    expectCleanPage(tab, bridge.url);
  });

  // alertcord stopped answering (crashed, its host gone): the page said "Offline" at the top, but the tab title
  // dropped its problem count, as if the broken channel were fixed, and the watchdog card still said the
  // heartbeat arrives: the last answer, shown as current.
  it('when alertcord stops answering, the tab title keeps flagging a problem and the watchdog is not shown as ok', { timeout: 90_000 }, async () => {
    bridge = await startBridge({ yaml: 'watchdog:\n  alertname: Watchdog\n  timeout: 10m\n' });
    await bridge.post('/webhook/generic', { title: 'Watchdog', labels: { alertname: 'Watchdog' } });
    const page = await openWithSecurityBroken(bridge);
    await page.locator('#watchdog [data-state="ok"]').waitFor(WAIT);
    expect(await page.title()).toMatch(/^\(1\) alertcord/);
    await page.route('**/api/**', (route) => route.abort('connectionrefused'));
    await page.getByRole('button', { name: 'Refresh now' }).click();
    await page.locator('#live[data-state="error"]').waitFor(WAIT);
    expect(await page.title()).toMatch(/^\(!\) alertcord/);
    expect(await page.locator('#watchdog [data-state="ok"]').count()).toBe(0);
    expect(await page.locator('#watchdog').textContent()).toMatch(/unknown/);
  });
});
