/**
 * Small DOM and formatting helpers. Everything the API returns is put into the page as text
 * (`textContent`), never as HTML: alert titles come from whoever can post an alert.
 */

/**
 * Creates an element. `props`: `class`, `text`, `data` (dataset), `on` (event listeners), anything else
 * becomes an attribute (`false`/`null`/`undefined` omit it). Children: nodes, strings, or nested arrays.
 * @param {string} tag
 * @param {Record<string, any>} [props]
 * @param {...any} children
 * @returns {HTMLElement}
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'data') Object.assign(el.dataset, value);
    else if (key === 'on') for (const [type, fn] of Object.entries(value)) el.addEventListener(type, fn);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === undefined || child === null || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

/** Text only a screen reader reads (e.g. which type a "Send test" button is for). */
export function srOnly(text) {
  return h('span', { class: 'sr-only', text });
}

/**
 * Replaces the children of `parent`, keeping keyboard focus on the element with the same
 * `data-focus-key` (the page re-renders every few seconds; focus must not jump away).
 */
export function replaceChildren(parent, ...children) {
  const active = document.activeElement;
  const key = active instanceof HTMLElement && parent.contains(active) ? active.dataset.focusKey : undefined;
  parent.replaceChildren(...children.flat().filter((c) => c !== undefined && c !== null && c !== false));
  if (key) {
    const again = [...parent.querySelectorAll('[data-focus-key]')].find((el) => el instanceof HTMLElement && el.dataset.focusKey === key);
    if (again instanceof HTMLElement) again.focus();
  }
}

/** Epoch ms or ISO text to ms; undefined when absent or unreadable. */
export function toMs(value) {
  if (value === undefined || value === null || value === '') return undefined;
  const ms = typeof value === 'number' ? value : Date.parse(String(value));
  return Number.isFinite(ms) ? ms : undefined;
}

/** "12 s ago", "in 3 min", "—" when unknown. */
export function relative(value, now = Date.now()) {
  const ms = toMs(value);
  if (ms === undefined) return '—';
  const diff = Math.round((ms - now) / 1000);
  const abs = Math.abs(diff);
  // Each unit is chosen by the rounded value it would show, so 59 min 45 s reads "1 h", not "60 min".
  const min = Math.round(abs / 60);
  const hours = Math.round(abs / 3600);
  const text = abs < 60 ? `${abs} s` : min < 60 ? `${min} min` : hours < 48 ? `${hours} h` : `${Math.round(abs / 86400)} d`;
  if (abs < 2) return 'just now';
  return diff < 0 ? `${text} ago` : `in ${text}`;
}

/** Local wall-clock time (HH:MM:SS, with the date when not today). */
export function clock(value, now = Date.now()) {
  const ms = toMs(value);
  if (ms === undefined) return '—';
  const d = new Date(ms);
  const time = d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });
  return d.toDateString() === new Date(now).toDateString() ? time : `${d.toLocaleDateString()} ${time}`;
}

/** A `<time>` element: relative text, the exact local time as its title and `datetime`. */
export function timeEl(value, now = Date.now()) {
  const ms = toMs(value);
  if (ms === undefined) return h('span', { class: 'muted', text: '—' });
  const iso = new Date(ms).toISOString();
  return h('time', { datetime: iso, title: new Date(ms).toLocaleString(), text: relative(ms, now) });
}

/** Seconds as "45 s", "3 min", "2 h 5 min". */
export function duration(seconds) {
  if (typeof seconds !== 'number' || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  // Rounded to minutes first, so 1 h 59 min 50 s carries into "2 h 0 min" instead of reading "1 h 60 min".
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  return `${Math.floor(min / 60)} h ${min % 60} min`;
}

/** A number, or "—". */
export function num(value) {
  return typeof value === 'number' && Number.isFinite(value) ? value.toLocaleString() : '—';
}

/** Words from snake_case: "dead_lettered" → "dead lettered". */
/** A success rate (0..1) as a percentage, rounded down: 2,499 of 2,500 is "99.9", never "100.0" beside a failure. */
export function percent(rate) {
  return rate === 1 ? '100' : (Math.floor(rate * 1000) / 10).toFixed(1);
}

export function words(value) {
  return typeof value === 'string' && value ? value.replace(/_/g, ' ') : '—';
}

/** The last characters of a long id (webhook ids are 18-digit snowflakes). */
export function shortId(id) {
  return typeof id === 'string' && id.length > 8 ? `…${id.slice(-6)}` : (id ?? '—');
}
