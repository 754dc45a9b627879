/**
 * alertcord's dashboard: polls the admin API every few seconds (not while the tab is hidden), renders
 * channels, watchdog, charts, dead letters and recent deliveries, and drives "Send test" and "Replay".
 * Asks for the admin token on a 401 and keeps it in sessionStorage for this tab.
 */
import { api, getToken, itemsOf, setToken } from './api.js';
import { clock } from './dom.js';
import { renderCharts, renderDeadLetters, renderHistory } from './render-lists.js';
import { replayNotice } from './replay-notice.js';
import { channelState, renderChannels, renderStoreProblem, renderSummary, renderWatchdog, storeProblem, watchdogState } from './render-status.js';

/** Poll interval: fresh enough to watch a replay drain, light enough for a Redis-backed bridge. */
const POLL_MS = 4000;
/** History fetched per poll: the table shows the newest rows, the hour chart counts them all. */
const HISTORY_FETCH = 500;
/**
 * `POST /api/validate` answers once Discord did, or after `discord.timeout` (10 s by default, up to 300 s; more
 * than 8 webhooks are asked in rounds): given the usual 10 s, the page gave up just as Discord hung and said
 * "alertcord did not answer" instead of the webhooks' timeouts. The server bounds the call; this only catches a
 * bridge that never answers.
 */
const VALIDATE_TIMEOUT_MS = 10 * 60_000;

const $ = (id) => /** @type {HTMLElement} */ (document.getElementById(id));
const els = {
  summary: $('summary'), live: $('live'), refresh: $('refresh'), forget: $('forget'), notice: $('notice'), storeProblem: $('store-problem'),
  auth: $('auth'), authMessage: $('auth-message'), form: /** @type {HTMLFormElement} */ ($('token-form')), token: /** @type {HTMLInputElement} */ ($('token')),
  blocked: $('blocked'), blockedMessage: $('blocked-message'), content: $('content'),
  channels: /** @type {HTMLTableSectionElement} */ ($('channels').querySelector('tbody')), channelsError: $('channels-error'),
  watchdog: $('watchdog'), chartHour: $('chart-hour'), chartDays: $('chart-days'), chartError: $('chart-error'),
  history: /** @type {HTMLTableSectionElement} */ ($('history').querySelector('tbody')), historyError: $('history-error'),
  dead: /** @type {HTMLTableSectionElement} */ ($('dead-letters').querySelector('tbody')), deadError: $('dead-error'), deadCount: $('dead-count'),
  replayAll: /** @type {HTMLButtonElement} */ ($('replay-all')), validate: /** @type {HTMLButtonElement} */ ($('validate')),
};

/** Actions in flight (`test:<type>`, `replay:<id>`, `replay:all`): their buttons stay disabled. */
const busy = new Set();
let timer = 0;
let running = false;
let again = false;
/** True while the page waits for a token or is refused: no polling. */
let locked = false;

function setLive(state, text) {
  els.live.dataset.state = state;
  els.live.textContent = text;
}

function notify(text, kind = 'info') {
  els.notice.textContent = text;
  els.notice.dataset.kind = kind;
}

function sectionError(el, result, what) {
  el.hidden = result.ok;
  if (!result.ok) el.textContent = `${what} unavailable: ${result.message} (${result.status || 'no answer'})`;
}

function askForToken(refused) {
  locked = true;
  setToken('');
  els.forget.hidden = true;
  els.content.hidden = true;
  els.blocked.hidden = true;
  els.auth.hidden = false;
  els.refresh.hidden = true;
  els.authMessage.dataset.kind = refused ? 'error' : '';
  els.authMessage.textContent = refused
    ? 'That token was refused (401). Enter the ADMIN_TOKEN this bridge runs with; it is kept for this tab only.'
    : 'This bridge has an ADMIN_TOKEN. Enter it to see its state; it is kept for this tab only.';
  setLive('locked', 'Locked');
  els.token.value = '';
  els.token.focus();
}

function showBlocked(result) {
  locked = true;
  els.content.hidden = true;
  els.auth.hidden = true;
  els.blocked.hidden = false;
  els.refresh.hidden = false;
  els.blockedMessage.textContent = `${result.message} (${result.status})`;
  setLive('error', 'Refused');
}

/** True when the result ended the session (401/403) and the caller should stop. */
function handleAuth(results, sentToken) {
  const unauthorized = results.find((r) => !r.ok && r.status === 401);
  if (unauthorized) return askForToken(Boolean(sentToken)), true;
  const forbidden = results.find((r) => !r.ok && r.status === 403);
  if (forbidden) return showBlocked(forbidden), true;
  return false;
}

/** One poll: all four reads in parallel; each section renders what it got or says why not. */
async function refresh() {
  if (running) return void (again = true);
  running = true;
  window.clearTimeout(timer);
  try {
    const token = getToken();
    const [status, history, stats, dead] = await Promise.all([api('status'), api(`history?limit=${HISTORY_FETCH}`), api('stats'), api('dead-letter?limit=100')]);
    if (handleAuth([status, history, stats, dead], token)) return;
    locked = false;
    els.auth.hidden = true;
    els.blocked.hidden = true;
    els.refresh.hidden = false;
    els.content.hidden = false;
    els.forget.hidden = !getToken();
    render(status, history, stats, dead);
    const down = [status, history, stats, dead].every((r) => r.status === 0);
    setLive(down ? 'error' : 'live', down ? 'Offline: alertcord did not answer' : `Live · updated ${clock(Date.now())}`);
  } finally {
    running = false;
    if (again) {
      again = false;
      void refresh();
    } else schedule();
  }
}

function render(status, history, stats, dead) {
  sectionError(els.channelsError, status, 'Status');
  if (status.ok) renderChannels(els.channels, status.data, { onTest: sendTest, busy });
  renderWatchdog(els.watchdog, status.ok ? status.data : undefined);
  renderSummary(els.summary, status.ok ? status.data : undefined, stats.ok ? stats.data : undefined);
  if (status.ok) renderStoreProblem(els.storeProblem, status.data);
  sectionError(els.historyError, history, 'History');
  const entries = history.ok ? itemsOf(history.data) : [];
  if (history.ok) renderHistory(els.history, entries);
  els.chartError.hidden = history.ok && stats.ok;
  if (!els.chartError.hidden) els.chartError.textContent = `Chart data incomplete: ${[history, stats].filter((r) => !r.ok).map((r) => r.message).join('; ')}`;
  renderCharts(els.chartHour, els.chartDays, entries, stats.ok ? stats.data : undefined, HISTORY_FETCH);
  sectionError(els.deadError, dead, 'Dead letters');
  const deadTotal = dead.ok ? (typeof dead.data?.total === 'number' ? dead.data.total : itemsOf(dead.data).length) : 0;
  if (dead.ok) renderDeadLetters({ tbody: els.dead, countEl: els.deadCount, replayAll: els.replayAll }, { total: dead.data?.total, items: itemsOf(dead.data) }, { onReplay: replay, busy });
  const types = status.ok && Array.isArray(status.data?.alertTypes) ? status.data.alertTypes : [];
  const hooks = new Map((status.ok && Array.isArray(status.data?.webhooks) ? status.data.webhooks : []).map((w) => [w.webhookId, w]));
  const bad = types.filter((t) => channelState(t, hooks.get(t.webhookId), status.data).kind === 'bad').length;
  const storeDown = status.ok && storeProblem(status.data) !== undefined ? 1 : 0;
  const problems = bad + deadTotal + storeDown + (status.ok && watchdogState(status.data)?.kind === 'bad' ? 1 : 0);
  // Without a status answer nothing is known to be fine: a count that drops to none would read as "all fixed".
  document.title = !status.ok ? '(!) alertcord dashboard' : problems > 0 ? `(${problems}) alertcord dashboard` : 'alertcord dashboard';
}

function schedule() {
  window.clearTimeout(timer);
  if (locked || document.visibilityState === 'hidden') return;
  timer = window.setTimeout(() => void refresh(), POLL_MS);
}

async function withBusy(key, button, action) {
  busy.add(key);
  if (button) button.disabled = true;
  const token = getToken();
  try {
    const result = await action();
    if (!result.ok && handleAuth([result], token)) return undefined;
    return result;
  } finally {
    busy.delete(key);
    void refresh();
  }
}

async function sendTest(type, button) {
  notify(`Sending a test notification to "${type}"…`);
  const r = await withBusy(`test:${type}`, button, () => api(`test/${encodeURIComponent(type)}`, { method: 'POST' }));
  if (!r) return;
  if (r.ok) notify(`Test notification queued for "${type}"${r.data?.notificationId ? ` (id ${r.data.notificationId})` : ''}; it appears in recent deliveries once sent.`, 'ok');
  else notify(`Send test to "${type}" failed: ${r.message} (${r.status || 'no answer'})`, 'error');
}

async function replay(ids, button) {
  const what = ids ? `${ids.length} dead letter${ids.length === 1 ? '' : 's'}` : 'all dead letters';
  notify(`Replaying ${what}…`);
  const r = await withBusy(ids ? `replay:${ids.join(',')}` : 'replay:all', button, () => api('dead-letter/replay', { method: 'POST', body: ids ? { ids } : undefined }));
  if (!r) return;
  if (!r.ok) return notify(`Replay failed: ${r.message} (${r.status || 'no answer'})`, 'error');
  const { text, kind } = replayNotice(r.data);
  notify(text, kind);
}

/**
 * `POST /api/validate`: Discord's GET-webhook call for each webhook (posts nothing). A valid answer clears a
 * broken mark: the page's way to bring a fixed channel back, which the broken notice in Discord points to.
 */
async function validate(button) {
  notify('Asking Discord about every webhook…');
  const r = await withBusy('validate', button, () => api('validate', { method: 'POST', timeoutMs: VALIDATE_TIMEOUT_MS }));
  button.disabled = false;
  if (!r) return;
  if (!r.ok) return notify(`Validate failed: ${r.message} (${r.status || 'no answer'})`, 'error');
  const hooks = Array.isArray(r.data?.webhooks) ? r.data.webhooks : [];
  const invalid = hooks.filter((w) => !w?.valid);
  if (hooks.length === 0) return notify('No webhook is configured: nothing can be delivered.', 'error');
  if (invalid.length === 0) return notify(`All ${hooks.length} webhooks are valid; broken marks were cleared.`, 'ok');
  const which = invalid.map((w) => `${Array.isArray(w.alertTypes) ? w.alertTypes.join(', ') : w.webhookId}: ${w.error ?? 'invalid'}`).join('; ');
  notify(`${invalid.length} of ${hooks.length} webhooks invalid (${which}).`, 'error');
}

els.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = els.token.value.trim();
  if (!token) return;
  setToken(token);
  els.token.value = '';
  locked = false;
  setLive('connecting', 'Checking token…');
  void refresh();
});
els.forget.addEventListener('click', () => askForToken(false));
els.refresh.addEventListener('click', () => void refresh());
els.replayAll.addEventListener('click', () => void replay(undefined, els.replayAll));
els.validate.addEventListener('click', () => void validate(els.validate));
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'hidden') {
    window.clearTimeout(timer);
    if (!locked) setLive('paused', 'Paused while the tab is hidden');
  } else if (!locked) void refresh();
});

void refresh();
