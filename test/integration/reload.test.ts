import { afterEach, describe, expect, it } from 'vitest';
import { HOOK_IDS } from '../helpers/bridge.js';
import { startFileRuntime, type FileRuntime } from '../helpers/file-runtime.js';
import { workerNotification } from '../helpers/worker-harness.js';

/** general, error (1 message per minute, so a second one waits in its queue) and critical, routed by severity. */
const BASE = (hook: (type: string) => string, criticalTo = 'critical') => `
alert_types:
  general: { webhook: "${hook('general')}" }
  error:
    webhook: "${hook('error')}"
    rate_limit: { per_minute: 1, burst: 1 }
  critical: { webhook: "${hook('critical')}" }
routes:
  - type_from_label: alert_type
  - match: ['severity="critical"']
    type: ${criticalTo}
  - type: general
`;

let rt: FileRuntime | undefined;
afterEach(async () => {
  await rt?.close();
  rt = undefined;
});

const reloads = async (r: FileRuntime, result: 'ok' | 'failed') => (await r.runtime.metrics.configReloads.get()).values.find((v) => v.labels.result === result)?.value ?? 0;
const texts = (r: FileRuntime, type: string) => r.fake.messagesFor(HOOK_IDS[type]!).map((m) => JSON.stringify(m.body));

/** A runtime whose critical message "IN-RETRY" got a 429 and now waits in its retry loop. */
async function criticalInRetry(): Promise<{ r: FileRuntime; critical: string }> {
  rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
  const r = rt;
  const critical = HOOK_IDS.critical!;
  r.fake.inject(critical, { kind: '429', retryAfter: 2 });
  await r.post('/webhook/generic', { title: 'IN-RETRY', severity: 'critical' });
  await expect.poll(() => r.fake.requests.filter((q) => q.webhookId === critical).length).toBe(1); // the 429: now waiting
  return { r, critical };
}

/** A runtime whose critical webhook was marked broken, then replaced by a reload with security's. */
async function brokenCriticalMovedToSecurity(): Promise<{ r: FileRuntime; critical: string }> {
  rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
  const r = rt;
  const critical = HOOK_IDS.critical!;
  await r.runtime.state.markBroken(critical, 'HTTP 404: Unknown Webhook', Date.now());
  r.writeConfig(BASE(r.hook).replace(r.hook('critical'), r.hook('security')));
  expect(await r.runtime.reload('test')).toMatchObject({ ok: true, removed: [critical] });
  return { r, critical };
}

describe('runtime.reload()', () => {
  it('swaps routes from a good file: the next alert follows the new route; counted as ok', async () => {
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
    const r = rt;
    expect((await r.post('/webhook/generic', { title: 'BEFORE-RELOAD', severity: 'critical' })).status).toBe(202);
    await expect.poll(() => texts(r, 'critical').join()).toContain('BEFORE-RELOAD');
    r.writeConfig(BASE(r.hook, 'error'));
    expect(await r.runtime.reload('test')).toMatchObject({ ok: true, added: [], removed: [], changed: [] });
    await r.post('/webhook/generic', { title: 'AFTER-RELOAD', severity: 'critical' });
    await expect.poll(() => texts(r, 'error').join()).toContain('AFTER-RELOAD');
    expect(texts(r, 'critical').join()).not.toContain('AFTER-RELOAD');
    expect(await reloads(r, 'ok')).toBe(1);
    expect(r.logs.find((l) => l.msg === 'config reloaded')).toMatchObject({ trigger: 'test', routes: 3 });
  });

  it('keeps the running config on a bad file, reports every problem with its path, counts a failed reload', async () => {
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
    const r = rt;
    const before = r.runtime.config();
    r.writeConfig(`${BASE(r.hook)}\ndedupe: { window: soon }\nhistory: { max_entries: -1 }\nbogus_key: 1\n`);
    const result = await r.runtime.reload('test');
    expect(result.ok).toBe(false);
    const paths = result.ok ? [] : result.issues.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['dedupe.window', 'history.max_entries']));
    expect(paths.length).toBeGreaterThanOrEqual(3);
    expect(r.runtime.config()).toBe(before);
    expect(await reloads(r, 'failed')).toBe(1);
    expect(await reloads(r, 'ok')).toBe(0);
    const logged = r.logs.find((l) => l.msg.startsWith('config reload failed'));
    expect(logged?.level).toBe(50);
    expect(logged?.msg).toContain('dedupe.window');
    expect(logged?.msg).toContain('history.max_entries');
    // The old routes still apply.
    await r.post('/webhook/generic', { title: 'STILL-OLD', severity: 'critical' });
    await expect.poll(() => texts(r, 'critical').join()).toContain('STILL-OLD');
  });

  it('keeps queued work: a notification waiting for a webhook that the reload removes goes to general', async () => {
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
    const r = rt;
    await r.post('/webhook/generic', { type: 'error', title: 'FIRST-ERROR' });
    await expect.poll(() => texts(r, 'error').length).toBe(1);
    await r.post('/webhook/generic', { type: 'error', title: 'QUEUED-ERROR' });
    await expect.poll(() => r.runtime.store.queue.depth(HOOK_IDS.error!)).toBe(1);
    // error loses its webhook and its limit (it now falls back to general); its queue has no webhook any more.
    r.writeConfig(BASE(r.hook).replace(/ {4}webhook: "[^"]+\/100000000000000002\/[^"]+"\n {4}rate_limit: .*\n/, ''));
    const result = await r.runtime.reload('test');
    expect(result).toMatchObject({ ok: true, removed: [HOOK_IDS.error] });
    await expect.poll(() => texts(r, 'general').join()).toContain('QUEUED-ERROR');
    expect(texts(r, 'general').join()).not.toContain('Rerouted');
    expect(texts(r, 'error')).toHaveLength(1);
    expect(await r.runtime.store.queue.depth(HOOK_IDS.error!)).toBe(0);
    expect(await r.runtime.store.deadLetters.list(10)).toHaveLength(0);
    // New alerts of that type go to general straight away.
    await r.post('/webhook/generic', { type: 'error', title: 'NEW-ERROR' });
    await expect.poll(() => texts(r, 'general').join()).toContain('NEW-ERROR');
  });

  it('clears the broken mark of a webhook whose URL changed, and starts workers for new webhooks', async () => {
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
    const r = rt;
    const critical = HOOK_IDS.critical!;
    await r.runtime.state.markBroken(critical, 'HTTP 404: Unknown Webhook', Date.now());
    r.fake.addWebhook({ id: critical, token: 'tok-rotated', channelId: 'chan-critical' });
    const rotated = `${r.fake.origin}/api/webhooks/${critical}/tok-rotated`;
    r.writeConfig(`${BASE(r.hook).replace(r.hook('critical'), rotated)}`.replace('alert_types:\n', `alert_types:\n  security: { webhook: "${r.hook('security')}" }\n`));
    expect(await r.runtime.reload('test')).toMatchObject({ ok: true, added: [HOOK_IDS.security], changed: [critical] });
    expect(await r.runtime.state.isBroken(critical)).toBe(false);
    expect(r.runtime.delivery.queueKeys()).toContain(HOOK_IDS.security);
    await r.post('/webhook/generic', { title: 'ROTATED', severity: 'critical' });
    await r.post('/webhook/generic', { type: 'security', title: 'NEW-SECURITY' });
    await expect.poll(() => texts(r, 'critical').join()).toContain('ROTATED');
    await expect.poll(() => texts(r, 'security').join()).toContain('NEW-SECURITY');
    expect(JSON.stringify(r.logs)).not.toContain('tok-rotated');
  });

  // A message waiting in its retry loop (here a 429's pause) when the operator replaces the webhook's URL
  // (Discord refuses the old one) and reloads: it used to keep the URL it started with, post there, get
  // 401/404, mark the webhook broken again and send its whole queue to general with a "broken" notice.
  it('a message in its retry loop posts to the URL the reload put in, not the one it started with', async () => {
    const { r, critical } = await criticalInRetry();
    r.fake.addWebhook({ id: critical, token: 'tok-replaced', channelId: 'chan-critical' }); // the old token is refused now
    r.writeConfig(BASE(r.hook).replace(r.hook('critical'), `${r.fake.origin}/api/webhooks/${critical}/tok-replaced`));
    expect(await r.runtime.reload('test')).toMatchObject({ ok: true, changed: [critical] });
    await expect.poll(() => texts(r, 'critical').join()).toContain('IN-RETRY');
    expect(await r.runtime.state.isBroken(critical)).toBe(false);
    expect(texts(r, 'general').join()).not.toContain('broken');
  });

  it('a message in its retry loop whose webhook the reload replaced by another one goes to the new one', async () => {
    const { r, critical } = await criticalInRetry();
    r.fake.setBroken(critical); // deleted in Discord; the operator made another webhook (another id) for the type
    r.writeConfig(BASE(r.hook).replace(r.hook('critical'), r.hook('security')));
    expect(await r.runtime.reload('test')).toMatchObject({ ok: true, added: [HOOK_IDS.security], removed: [critical] });
    await expect.poll(() => texts(r, 'security').join()).toContain('IN-RETRY');
    expect(texts(r, 'general')).toHaveLength(0);
    expect(await r.runtime.store.deadLetters.list(10)).toHaveLength(0);
  });

  // README "Queued work is kept": work queued for a webhook the new config no longer has moves to its type's
  // current webhook. When the old webhook was the broken one the operator just replaced (deleted in Discord),
  // that work went to general as "rerouted from a broken webhook", with a broken notice, instead.
  it('work left in the queue of a broken webhook the reload replaced goes to the type\'s new webhook', async () => {
    const { r, critical } = await brokenCriticalMovedToSecurity();
    // Queued to the old webhook after the reload: intake with a config read before it, or a replica not reloaded yet.
    await r.runtime.store.queue.enqueue(critical, { ...workerNotification('LEFT-IN-OLD-QUEUE'), alertType: 'critical' });
    r.runtime.delivery.ensureWorker(critical);
    await expect.poll(() => texts(r, 'security').join()).toContain('LEFT-IN-OLD-QUEUE');
    expect(texts(r, 'general')).toHaveLength(0);
  });

  // README "Hot reload": discord.dry_run is live. A message waiting in its retry loop kept the real sender.
  it('a message in its retry loop when a reload turns dry_run on is logged, not posted', async () => {
    const { r, critical } = await criticalInRetry();
    r.writeConfig(`${BASE(r.hook)}\ndiscord: { dry_run: true }\n`);
    expect(await r.runtime.reload('test')).toMatchObject({ ok: true });
    await expect.poll(() => JSON.stringify(r.logs.filter((l) => l.msg === 'dry run: would post to Discord'))).toContain('IN-RETRY');
    expect(r.fake.requests.filter((q) => q.webhookId === critical)).toHaveLength(1);
    await expect.poll(async () => (await r.runtime.store.history.list({ limit: 10 })).map((e) => e.outcome.status)).toEqual(['dry_run']);
  });

  // Removed in one reload, added back in the next: it counted as "added", not "changed", and kept the broken
  // mark it had before, so its alerts stayed rerouted to general.
  it('a webhook removed and then added back starts without its old broken mark', async () => {
    const { r, critical } = await brokenCriticalMovedToSecurity();
    r.writeConfig(BASE(r.hook));
    expect(await r.runtime.reload('test')).toMatchObject({ ok: true, added: [critical] });
    expect(await r.runtime.state.isBroken(critical)).toBe(false);
    await r.post('/webhook/generic', { title: 'BACK-AGAIN', severity: 'critical' });
    await expect.poll(() => texts(r, 'critical').join()).toContain('BACK-AGAIN');
  });

  // A YAML alias that contains itself parsed into a cyclic tree, and walking it threw RangeError (stack
  // overflow) out of reload(): under `serve` an unhandled rejection, which ends the process.
  it('a reload of a file whose alias contains itself fails with the reason and keeps the running config', async () => {
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
    const r = rt;
    const before = r.runtime.config();
    r.writeConfig(`${BASE(r.hook)}\notlp: &loop { flood: *loop }\n`);
    const result = await r.runtime.reload('test');
    expect(result).toMatchObject({ ok: false, issues: [{ path: '(yaml)' }] });
    expect(r.runtime.config()).toBe(before);
    expect(await reloads(r, 'failed')).toBe(1);
  });

  // README "Invalid config": the running config stays. An editor's save caught mid-write (the file truncated to
  // nothing, or a full disk leaving it empty) read as a valid config of built-in defaults: a SIGHUP then
  // dropped every webhook and route of the file, and the queued work went to dead letters.
  it('a reload of an empty config file (a save caught mid-write) fails and keeps the running config', async () => {
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
    const r = rt;
    const before = r.runtime.config();
    for (const empty of ['', '\n  \n']) {
      r.writeConfig(empty);
      const result = await r.runtime.reload('SIGHUP');
      expect(result).toMatchObject({ ok: false, issues: [{ path: 'CONFIG_FILE' }] });
      expect(r.runtime.config()).toBe(before);
    }
    expect(await reloads(r, 'failed')).toBe(2);
    expect((await r.runtime.metrics.configLastReloadSuccessful.get()).values[0]?.value).toBe(0);
    expect(r.logs.find((l) => l.msg.startsWith('config reload failed'))?.msg).toContain('is empty');
    // The next good save applies.
    r.writeConfig(BASE(r.hook, 'error'));
    expect(await r.runtime.reload('SIGHUP')).toMatchObject({ ok: true });
    await r.post('/webhook/generic', { title: 'AFTER-EMPTY', severity: 'critical' });
    await expect.poll(() => texts(r, 'error').join()).toContain('AFTER-EMPTY');
  });

  // The shipped config suggests `webhook: ${DISCORD_WEBHOOK_DATABASE}` for a type of one's own. Added with a
  // reload, the variable exported in the operator's shell (where check-config found it) or put in .env is not
  // in the environment alertcord started with: the webhook read as empty, the type silently used general's
  // channel, and the log said only "config reloaded".
  it('a webhook written as ${VAR} that alertcord\'s environment does not set is named in a warning', async () => {
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
    const r = rt;
    r.writeConfig(BASE(r.hook).replace('alert_types:\n', 'alert_types:\n  database: { webhook: "${DISCORD_WEBHOOK_DATABASE}" }\n  optional: { webhook: "${DISCORD_WEBHOOK_OPTIONAL:-}" }\n'));
    expect(await r.runtime.reload('file')).toMatchObject({ ok: true });
    expect(r.runtime.config().alertTypes.get('database')?.fallsBackToGeneral).toBe(true);
    const warnings = r.logs.filter((l) => l.level === 40 && l.trigger === 'file').map((l) => l.msg);
    expect(warnings).toEqual([expect.stringContaining('DISCORD_WEBHOOK_DATABASE')]);
    expect(warnings[0]).toContain('alert_types.database.webhook');
  });

  it('keeps settings that need a restart (port, store, queue size) and says so', async () => {
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
    const r = rt;
    r.writeConfig(`${BASE(r.hook)}\nserver: { port: 9999, body_limit: 2048 }\ndiscord: { queue_size: 5 }\n`);
    const result = await r.runtime.reload('test');
    expect(result).toMatchObject({ ok: true, restartNeeded: ['server.port', 'discord.queue_size'] });
    expect(r.runtime.config().server.port).toBe(8080);
    expect(r.runtime.config().discord.queueSize).toBe(10_000);
    expect(r.runtime.config().server.bodyLimit).toBe(2048);
    expect(r.logs.find((l) => String(l.msg).includes('only change on restart'))?.settings).toEqual(['server.port', 'discord.queue_size']);
  });

  it('runs concurrent reloads one at a time, in order', async () => {
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook) });
    const results = await Promise.all([rt.runtime.reload('a'), rt.runtime.reload('b')]);
    expect(results.map((x) => x.ok)).toEqual([true, true]);
    expect(rt.logs.filter((l) => l.msg === 'config reloaded').map((l) => l.trigger)).toEqual(['a', 'b']);
  });

  // README "Hot reload": an invalid config keeps the running one. `alert_types` mis-indented into a list used
  // to be replaced by {} before validation: the reload succeeded and every configured webhook and user type
  // was dropped (their queues rerouted to dead letters).
  it('a reload whose alert_types became a list fails and keeps the running config', async () => {
    const yaml = (hook: (type: string) => string) => `alert_types:\n  general: { webhook: "${hook('general')}" }\n  database: { webhook: "${hook('error')}" }\n`;
    rt = await startFileRuntime({ yaml });
    const r = rt;
    const before = r.runtime.config();
    r.writeConfig(`alert_types:\n  - general: { webhook: "${r.hook('general')}" }\n  - database: { webhook: "${r.hook('error')}" }\n`);
    const result = await r.runtime.reload('test');
    expect(result.ok).toBe(false);
    expect(r.runtime.config()).toBe(before);
    expect(r.runtime.config().alertTypes.has('database')).toBe(true);
  });

  // The seed's variables give a type its URL, and `error: https://…` (the URL straight under the type's name)
  // looks like them. Writing the variable's URL into that scalar threw "Cannot create property 'webhook' on
  // string 'https://…/tok-…'": the reload failed with no path, and its error line carried the token.
  it('a reload whose built-in type became a URL, its variable set, fails at the type\'s path and logs no token', async () => {
    const env = { DISCORD_ALLOWED_HOSTS: '127.0.0.1', DISCORD_WEBHOOK_SECURITY: `http://127.0.0.1:9/api/webhooks/${HOOK_IDS.security!}/tok-env-secret` };
    rt = await startFileRuntime({ yaml: (hook) => BASE(hook), env });
    const r = rt;
    const before = r.runtime.config();
    r.writeConfig(BASE(r.hook).replace('\nroutes:', `\n  security: ${r.hook('security')}\nroutes:`));
    const result = await r.runtime.reload('file');
    expect(result.ok ? [] : result.issues.map((i) => i.path)).toEqual(['alert_types.security']);
    expect(r.runtime.config()).toBe(before);
    expect(JSON.stringify(r.logs)).not.toContain('-secret');
  });

  // README "Queued work is kept" moved a type's queued work to its new webhook only when the old webhook left the
  // config. error and monitoring shared one webhook (1 message a minute, a storm's batch waiting for a slot); the
  // operator gave error a webhook of its own and reloaded: the error alerts waiting kept waiting for the old
  // webhook's slot and were then posted into monitoring's channel, the new error webhook idle.
  it('a type given another webhook by a reload while its batch waits for a rate-limit slot goes to the new one', async () => {
    const shared = (hook: (type: string) => string, errorTo = 'error') => `
  alert_types:
    general: { webhook: "${hook('general')}" }
    monitoring:
      webhook: "${hook('error')}"
      rate_limit: { per_minute: 1, burst: 1 }
    error:
      webhook: "${hook(errorTo)}"
      rate_limit: { per_minute: 1, burst: 1 }
  `;
    rt = await startFileRuntime({ yaml: (hook) => shared(hook) });
    const r = rt;
    await r.post('/webhook/generic', { type: 'error', title: 'FIRST-ERROR' });
    await expect.poll(() => texts(r, 'error').length).toBe(1);
    await r.post('/webhook/generic', { type: 'error', title: 'WAITING-ERROR' });
    await r.post('/webhook/generic', { type: 'monitoring', title: 'WAITING-MONITORING' });
    // Both are in the worker's batch now, waiting for the shared webhook's next slot (a minute away).
    await expect.poll(() => r.runtime.store.queue.depth(HOOK_IDS.error!)).toBe(2);
    r.writeConfig(shared(r.hook, 'security'));
    expect(await r.runtime.reload('test')).toMatchObject({ ok: true, added: [HOOK_IDS.security], removed: [] });
    await expect.poll(() => texts(r, 'security').join()).toContain('WAITING-ERROR');
    expect(texts(r, 'security').join()).not.toContain('WAITING-MONITORING');
    expect(texts(r, 'security').join()).not.toContain('Rerouted');
    expect(texts(r, 'error')).toHaveLength(1);
    expect(await r.runtime.store.queue.depth(HOOK_IDS.error!)).toBe(1); // monitoring's still waits for its slot
    expect(await r.runtime.store.deadLetters.list(10)).toHaveLength(0);
  });
});

// review88: the operator finds the error alerts land in monitoring's channel (error was given monitoring's
// webhook by mistake), gives error its own webhook and reloads. A message already in its retry loop (here a
// 429's pause on the shared webhook) kept asking only whether the shared webhook was still configured: it
// was (monitoring still uses it), so the alert was posted into the wrong channel after the reload said it
// took effect, for as long as the wait lasted (a 429, a backoff, an open breaker: seconds to minutes).
describe('runtime.reload() while a message waits in its retry loop', () => {
  const shared = (hook: (type: string) => string, errorTo = 'error') => `
alert_types:
  general: { webhook: "${hook('general')}" }
  monitoring: { webhook: "${hook('error')}" }
  error: { webhook: "${hook(errorTo)}" }
`;

  it('a type the reload gave another webhook goes there, once, not to the webhook it still shares with another type', async () => {
    rt = await startFileRuntime({ yaml: (hook) => shared(hook) });
    const r = rt;
    const sharedId = HOOK_IDS.error!;
    r.fake.inject(sharedId, { kind: '429', retryAfter: 2 });
    await r.post('/webhook/generic', { type: 'error', title: 'IN-RETRY-ERROR' });
    await expect.poll(() => r.fake.requests.filter((q) => q.webhookId === sharedId).length).toBe(1); // the 429: now waiting
    r.writeConfig(shared(r.hook, 'security'));
    expect(await r.runtime.reload('test')).toMatchObject({ ok: true, added: [HOOK_IDS.security], removed: [] });
    await expect.poll(() => texts(r, 'security').join()).toContain('IN-RETRY-ERROR');
    await r.post('/webhook/generic', { type: 'monitoring', title: 'AFTER-MONITORING' });
    await expect.poll(() => texts(r, 'error').join()).toContain('AFTER-MONITORING');
    expect(texts(r, 'error').join()).not.toContain('IN-RETRY-ERROR');
    expect(texts(r, 'security')).toHaveLength(1);
    expect(await r.runtime.store.deadLetters.list(10)).toHaveLength(0);
  });

  // Moved, a notification whose first message is already in the old channel would start over in the new one:
  // its first alerts twice. It finishes where it began.
  it('a notification split across messages, its first one posted, finishes on the old webhook', async () => {
    rt = await startFileRuntime({ yaml: (hook) => shared(hook) });
    const r = rt;
    const sharedId = HOOK_IDS.error!;
    r.fake.inject(sharedId, { kind: 'delay', ms: 0 }); // the first message goes out
    r.fake.inject(sharedId, { kind: '429', retryAfter: 2 }); // the second waits
    const alerts = Array.from({ length: 15 }, (_, i) => ({ status: 'firing', labels: { alertname: 'Split', alert_type: 'error', instance: `split-host-${i}` }, annotations: {}, startsAt: '2026-11-28T10:00:00Z', fingerprint: `f${i}` }));
    await r.post('/webhook/alertmanager', { version: '4', groupKey: '{}:{alertname="Split"}', status: 'firing', receiver: 'alertcord', groupLabels: { alertname: 'Split' }, commonLabels: {}, commonAnnotations: {}, externalURL: 'http://am.example', alerts });
    await expect.poll(() => r.fake.requests.filter((q) => q.webhookId === sharedId).length).toBe(2); // posted, then the 429
    expect(texts(r, 'error')).toHaveLength(1);
    r.writeConfig(shared(r.hook, 'security'));
    expect(await r.runtime.reload('test')).toMatchObject({ ok: true, added: [HOOK_IDS.security] });
    await expect.poll(() => texts(r, 'error').join()).toContain('split-host-14');
    expect(texts(r, 'error')).toHaveLength(2);
    expect(texts(r, 'security')).toHaveLength(0);
    expect(await r.runtime.store.deadLetters.list(10)).toHaveLength(0);
  });
});
