/**
 * The list parts of the page: recent deliveries (`/api/history`), dead letters (`/api/dead-letter`) and the
 * charts (history for the last hour, `/api/stats` per day).
 */
import { badge } from './render-status.js';
import { barChart, dayBuckets, DELIVERED, FAILED, historyBuckets } from './chart.js';
import { h, num, replaceChildren, srOnly, timeEl, toMs, words } from './dom.js';

/** How many history rows the table shows (the chart uses every entry fetched). */
export const HISTORY_ROWS = 25;

function outcomeBadge(status) {
  const kind = DELIVERED.has(status) ? 'ok' : FAILED.has(status) ? 'bad' : 'off';
  return badge(kind, words(status));
}

/** Newest first: when, type, title, source, alert status, outcome, attempts, response time, why. */
export function renderHistory(tbody, entries) {
  const now = Date.now();
  const rows = entries.slice(0, HISTORY_ROWS).map((e) => {
    const o = e?.outcome ?? {};
    // The reason in words, Discord's error as given (`_errors`, BASE_TYPE_MAX_LENGTH are what a search finds).
    const reason = o.reason ?? e?.lastFailureReason;
    const why = [reason ? words(String(reason)) : '', o.error ? String(o.error) : ''].filter(Boolean).join(': ');
    return h(
      'tr',
      { data: { id: e?.id ?? '', outcome: o.status ?? '' } },
      // Newest first by replay once replayed (history's order): "2 h ago" at the top says why it is there.
      h('td', {}, timeEl(e?.receivedAt, now), toMs(e?.replayedAt) !== undefined ? h('div', { class: 'muted small' }, 'replayed ', timeEl(e.replayedAt, now)) : null),
      h('td', { text: e?.alertType ?? '—' }),
      h('td', { class: 'title-cell', text: e?.title ?? '—', title: Array.isArray(e?.alertNames) ? e.alertNames.join(', ') : undefined }),
      h('td', { text: e?.source ?? '—' }),
      h('td', {}, h('span', { class: `alert-${e?.status ?? 'unknown'}`, text: e?.status ?? '—' })),
      h('td', {}, outcomeBadge(o.status)),
      h('td', { class: 'num', text: num(o.attempts) }),
      h('td', { class: 'num', text: typeof o.responseTimeMs === 'number' ? `${o.responseTimeMs} ms` : '—' }),
      // Wrapped within its cell like a dead letter's error: Discord's error tree is one long run of JSON.
      h('td', { class: 'muted small error-cell', text: why }),
    );
  });
  if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 9, class: 'muted', text: 'Nothing delivered yet.' })));
  replaceChildren(tbody, rows);
}

/** The title a dead letter's notification had (its first alert's, "+N more" for a group). */
function deadLetterTitle(entry) {
  const alerts = Array.isArray(entry?.notification?.alerts) ? entry.notification.alerts : [];
  const first = alerts[0]?.title ?? entry?.notification?.title ?? entry?.id ?? '—';
  return alerts.length > 1 ? `${first} (+${alerts.length - 1} more)` : String(first);
}

/**
 * The dead-letter list with a Replay button per entry; `countEl` gets the total, `replayAll` is enabled
 * when there is anything to replay.
 * @param {{ tbody: HTMLElement, countEl: HTMLElement, replayAll: HTMLButtonElement }} els
 * @param {{ total?: number, items: any[] }} data
 * @param {{ onReplay: (ids: string[] | undefined, button: HTMLButtonElement) => void, busy: Set<string> }} actions
 */
export function renderDeadLetters(els, data, actions) {
  const now = Date.now();
  const total = typeof data.total === 'number' ? data.total : data.items.length;
  els.countEl.textContent = total === 0 ? '' : `${num(total)}`;
  els.countEl.hidden = total === 0;
  els.replayAll.disabled = total === 0 || actions.busy.has('replay:all');
  const rows = data.items.map((d) => {
    const title = deadLetterTitle(d);
    const key = `replay:${d?.id}`;
    return h(
      'tr',
      { data: { id: d?.id ?? '' } },
      h('td', {}, timeEl(d?.at, now)),
      h('td', { text: d?.notification?.alertType ?? '—' }),
      h('td', { class: 'title-cell', text: title }),
      h('td', {}, badge('bad', words(d?.reason))),
      h('td', { class: 'muted small error-cell', text: d?.error ?? '', title: d?.error ?? undefined }),
      h(
        'td',
        {},
        h(
          'button',
          { type: 'button', class: 'secondary', disabled: actions.busy.has(key) || actions.busy.has('replay:all'), data: { focusKey: key }, on: { click: (e) => actions.onReplay([d.id], e.currentTarget) } },
          'Replay',
          srOnly(` "${title}"`),
        ),
      ),
    );
  });
  if (rows.length === 0) rows.push(h('tr', {}, h('td', { colspan: 6, class: 'muted', text: 'No dead letters. Nothing is waiting for a replay.' })));
  else if (total > rows.length) rows.push(h('tr', {}, h('td', { colspan: 6, class: 'muted', text: `Showing the newest ${rows.length} of ${num(total)}; "Replay all" replays every one.` })));
  replaceChildren(els.tbody, rows);
}

/** The two charts: the last hour from history (5-minute bars) and the days from stats. */
export function renderCharts(hourEl, daysEl, entries, stats, fetched) {
  const now = Date.now();
  const hour = historyBuckets(entries, now);
  const note = entries.length >= fetched && fetched > 0 ? `newest ${num(fetched)} notifications only` : '';
  replaceChildren(hourEl, h('h3', { text: 'Last hour (5-minute bars)' }), barChart({ label: 'Deliveries in the last hour', buckets: hour }), note ? h('p', { class: 'muted small', text: note }) : null);
  const days = dayBuckets(stats?.byDay);
  replaceChildren(daysEl, h('h3', { text: 'Per day (UTC)' }), days.length ? barChart({ label: 'Deliveries per day', buckets: days }) : h('p', { class: 'muted', text: stats ? 'No statistics yet.' : 'Statistics unavailable.' }));
}
