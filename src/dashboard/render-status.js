/**
 * The status part of the page, from `GET /api/status`: the summary line, one row per alert type with its
 * channel's state, and the watchdog. Fields may be missing (older or newer bridges): each is optional.
 */
import { duration, h, num, percent, relative, replaceChildren, shortId, srOnly, timeEl, toMs, words } from './dom.js';

/** A state badge: a symbol and words, never colour alone. */
export function badge(kind, label, detail) {
  const symbol = { ok: '●', warn: '◐', bad: '▲', off: '○' }[kind] ?? '●';
  return h('span', { class: `badge badge-${kind}`, title: detail }, h('span', { 'aria-hidden': 'true', text: `${symbol} ` }), label);
}

/**
 * The state of one alert type's channel, worst first: broken, queue full (with why it does not drain),
 * circuit open, paused by a 429, half-open, failing, ok. Types without a webhook say so (or run dry).
 */
export function channelState(type, hook, status) {
  if (!hook) {
    if (status?.dryRun) return { kind: 'off', label: 'dry run', detail: String(status.dryRun) };
    return { kind: 'off', label: type?.webhookId ? 'unknown' : 'no webhook' };
  }
  const delivery = deliveryState(hook);
  const { depth, limit } = hook.queue ?? {};
  // At its size the store refuses every new alert for this webhook (ingest answers 503): worse than any pause.
  if (delivery.label !== 'broken' && typeof limit === 'number' && depth >= limit) {
    const why = delivery.kind === 'ok' ? 'Discord takes fewer than arrive' : `${delivery.label}${delivery.detail ? `: ${delivery.detail}` : ''}`;
    return { kind: 'bad', label: 'queue full', detail: `${num(depth)} of ${num(limit)} queued, new alerts refused (503); ${why}` };
  }
  return delivery;
}

/** Whether the webhook can deliver: broken, circuit open, paused by a 429, half-open, failing, ok. */
function deliveryState(hook) {
  if (hook.broken) return { kind: 'bad', label: 'broken', detail: `${words(hook.broken.reason)} since ${relative(hook.broken.since)}` };
  const breaker = hook.breaker?.state;
  if (breaker === 'open') return { kind: 'bad', label: 'circuit open', detail: `${num(hook.breaker.consecutiveFailures)} failures in a row, opened ${relative(hook.breaker.openedAt)}` };
  if (hook.pause) return { kind: 'warn', label: 'paused by 429', detail: `${words(hook.pause.reason)}, until ${relative(hook.pause.until)}` };
  if (breaker === 'half_open') return { kind: 'warn', label: 'circuit half-open', detail: 'one probe request decides whether it closes' };
  // Discord failing (5xx, timeouts) before the breaker opens: its notifications wait in retries, not "ok".
  const failures = hook.breaker?.consecutiveFailures;
  if (typeof failures === 'number' && failures > 0) {
    return { kind: 'warn', label: 'failing', detail: `${num(failures)} failure${failures === 1 ? '' : 's'} in a row${hook.lastError ? `, last ${relative(hook.lastError.at)}` : ''}; retrying` };
  }
  return { kind: 'ok', label: 'ok' };
}

/**
 * Why the store cannot take alerts (`store.message`: Redis unreachable, or Redis' own error when it refuses
 * writes); undefined while it is fine. While it lasts ingest answers 503 and nothing new is queued.
 */
export function storeProblem(status) {
  const store = status?.store;
  if (!store || store.ok !== false) return undefined;
  return typeof store.message === 'string' && store.message ? store.message : `${store.kind ?? 'the'} store is unreachable`;
}

/** The banner above everything else while the store cannot take alerts: the worst problem there is. */
export function renderStoreProblem(el, status) {
  const problem = storeProblem(status);
  el.hidden = problem === undefined;
  const text = problem === undefined ? '' : `Store problem: ${problem}. New alerts are refused (503) and nothing new is queued until it is fixed.`;
  // Only when it changed: the banner is role="alert", and a screen reader would read it again at every poll.
  if (el.textContent !== text) el.textContent = text;
}

/** The line under the title: store, uptime, dry run. */
export function renderSummary(el, status, stats) {
  const parts = [];
  // Not "unreachable": a Redis that answers but refuses writes (READONLY, OOM) is not ready either; the banner says why.
  if (status?.store) parts.push(h('span', {}, `${status.store.kind ?? 'store'} store `, status.store.ok ? badge('ok', 'ready') : badge('bad', 'not ready', storeProblem(status))));
  if (typeof status?.uptimeSeconds === 'number') parts.push(h('span', { text: `up ${duration(status.uptimeSeconds)}` }));
  if (stats && typeof stats.total === 'number') {
    const rate = typeof stats.successRate === 'number' ? ` (${percent(stats.successRate)} %)` : '';
    parts.push(h('span', { text: `${num(stats.delivered)} of ${num(stats.total)} delivered${rate}` }));
  }
  if (typeof stats?.responseTime?.p95Ms === 'number') parts.push(h('span', { text: `p95 ${stats.responseTime.p95Ms} ms` }));
  if (status?.dryRun) parts.push(h('span', { class: 'dry' }, badge('warn', 'dry run'), ` ${status.dryRun}`));
  replaceChildren(el, parts.flatMap((p, i) => (i ? [h('span', { class: 'sep', 'aria-hidden': 'true', text: ' · ' }), p] : [p])));
}

/**
 * Rows of the channels table, one per alert type.
 * @param {HTMLTableSectionElement} tbody
 * @param {any} status
 * @param {{ onTest: (type: string, button: HTMLButtonElement) => void, busy: Set<string> }} actions
 */
export function renderChannels(tbody, status, actions) {
  const hooks = new Map((Array.isArray(status?.webhooks) ? status.webhooks : []).map((w) => [w.webhookId, w]));
  const types = Array.isArray(status?.alertTypes) ? status.alertTypes : [];
  const now = Date.now();
  const rows = types.map((t) => {
    const hook = t.webhookId ? hooks.get(t.webhookId) : undefined;
    const state = channelState(t, hook, status);
    const depth = hook?.queue?.depth;
    const busy = actions.busy.has(`test:${t.name}`);
    return h(
      'tr',
      { data: { type: t.name, state: state.label } },
      h('th', { scope: 'row' }, h('span', { class: 'type-name', text: t.name }), h('span', { class: 'muted small', text: t.fallsBackToGeneral ? ` via general ${shortId(t.webhookId)}` : t.webhookId ? ` ${shortId(t.webhookId)}` : '' })),
      h('td', { class: 'state-cell' }, badge(state.kind, state.label, state.detail), state.detail ? h('div', { class: 'muted small', text: state.detail }) : null),
      h('td', { class: 'num' }, typeof depth === 'number' ? (depth < 0 ? '?' : num(depth)) : '—', depth > 0 ? h('div', { class: 'muted small', text: `oldest ${duration(hook.queue.oldestAgeSeconds)}` }) : null),
      h('td', {}, timeEl(hook?.lastSuccessAt, now)),
      h('td', {}, hook?.lastError ? [h('span', { text: words(hook.lastError.reason), title: hook.lastError.detail }), h('div', { class: 'muted small' }, timeEl(hook.lastError.at, now))] : h('span', { class: 'muted', text: '—' })),
      h('td', { class: 'num' }, hook?.rateLimit ? `${num(hook.rateLimit.remaining)} / ${num(hook.rateLimit.limit)}` : '—'),
      h(
        'td',
        {},
        h(
          'button',
          { type: 'button', class: 'secondary', 'aria-busy': busy ? 'true' : null, disabled: busy, data: { focusKey: `test:${t.name}` }, on: { click: (e) => actions.onTest(t.name, e.currentTarget) } },
          'Send test',
          srOnly(` to ${t.name}`),
        ),
      ),
    );
  });
  if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 7, class: 'muted', text: 'No alert types reported.' })));
  replaceChildren(tbody, rows);
}

const WATCHDOG_OK = new Set(['ok', 'alive', 'up', 'healthy', 'receiving', 'running']);
const WATCHDOG_BAD = new Set(['down', 'missing', 'silent', 'fired', 'firing', 'late', 'expired', 'lost']);

/** The watchdog's state word and badge kind; undefined when it is absent or switched off. */
export function watchdogState(status) {
  const w = status?.watchdog;
  if (!w || typeof w !== 'object' || w.enabled === false || w.configured === false) return undefined;
  const raw = String(w.state ?? w.status ?? (w.ok === true ? 'ok' : w.ok === false ? 'down' : 'unknown')).toLowerCase();
  return { raw, kind: WATCHDOG_OK.has(raw) ? 'ok' : WATCHDOG_BAD.has(raw) ? 'bad' : 'warn' };
}

function watchdogSentence(raw, w) {
  const name = w.alertname ?? 'Watchdog';
  const timeout = typeof w.timeoutSeconds === 'number' ? duration(w.timeoutSeconds) : 'its timeout';
  if (raw === 'ok') return `The ${name} heartbeat arrives: the alerting pipeline is alive.`;
  if (raw === 'waiting') return `Waiting for the first ${name} heartbeat since start (missing after ${timeout}).`;
  if (raw === 'missing') return `No ${name} heartbeat for more than ${timeout}: the alerting pipeline itself may be down.`;
  return '';
}

/**
 * The dead man's switch, from `status.watchdog` when the bridge reports one; unknown fields are listed.
 * `status` undefined: `/api/status` failed, and the last answer's "heartbeat arrives" must not stand as current.
 */
export function renderWatchdog(el, status) {
  if (status === undefined) {
    replaceChildren(el, h('p', { data: { state: 'unknown' } }, badge('off', 'unknown'), h('span', { class: 'muted', text: ' — no status answer from alertcord' })));
    return;
  }
  if (!status || !('watchdog' in status)) {
    replaceChildren(el, h('p', { class: 'muted', text: 'This bridge does not report a watchdog.' }));
    return;
  }
  const w = status.watchdog;
  const state = watchdogState(status);
  if (!state) {
    replaceChildren(el, h('p', {}, badge('off', 'not configured'), h('span', { class: 'muted', text: ' — add watchdog: { alertname: Watchdog, timeout: 10m } to the config' })));
    return;
  }
  const rows = [];
  for (const [key, value] of Object.entries(w)) {
    if (['state', 'status', 'enabled', 'configured'].includes(key) || value === null || typeof value === 'object') continue;
    const isTime = /at$|since$/i.test(key) && toMs(value) !== undefined;
    const label = key.replace(/([A-Z])/g, ' $1').replace(/_/g, ' ').toLowerCase().replace(/ (seconds|ms|at)$/, '');
    const text = isTime ? null : /seconds$/i.test(key) && typeof value === 'number' ? duration(value) : /ms$/i.test(key) && typeof value === 'number' ? duration(value / 1000) : String(value);
    rows.push(h('dt', { text: label }), h('dd', {}, isTime ? timeEl(value) : text));
  }
  const sentence = watchdogSentence(state.raw, w);
  replaceChildren(el, h('p', { data: { state: state.raw } }, badge(state.kind, words(state.raw))), sentence ? h('p', { class: 'small', text: sentence }) : null, rows.length ? h('dl', { class: 'facts' }, rows) : null);
}
